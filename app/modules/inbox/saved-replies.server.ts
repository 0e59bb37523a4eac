import prisma from "~/db.server";

/** Saved replies: a shop's reusable answers, inserted into the reply box (never sent on their own). */

export const MAX_SAVED_REPLY_TITLE = 100;
export const MAX_SAVED_REPLY_BODY = 5_000;

export async function listSavedReplies(shop: string) {
  return prisma.savedReply.findMany({
    where: { shop },
    orderBy: { title: "asc" },
    select: { id: true, title: true, body: true, locale: true },
  });
}

export async function createSavedReply(shop: string, input: { title: string; body: string; locale?: string | null }) {
  return prisma.savedReply.create({
    data: { shop, title: input.title.trim(), body: input.body.trim(), locale: input.locale ?? null },
    select: { id: true },
  });
}

export async function updateSavedReply(
  shop: string,
  id: string,
  input: { title: string; body: string; locale?: string | null },
): Promise<"UPDATED" | "NOT_FOUND"> {
  const { count } = await prisma.savedReply.updateMany({
    where: { id, shop },
    data: { title: input.title.trim(), body: input.body.trim(), locale: input.locale ?? null },
  });
  return count ? "UPDATED" : "NOT_FOUND";
}

export async function deleteSavedReply(shop: string, id: string): Promise<"DELETED" | "NOT_FOUND"> {
  const { count } = await prisma.savedReply.deleteMany({ where: { id, shop } });
  return count ? "DELETED" : "NOT_FOUND";
}
