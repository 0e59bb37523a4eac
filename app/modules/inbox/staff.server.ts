import prisma from "~/db.server";
import type { Session } from "@shopify/shopify-api";

/**
 * Who is acting in the inbox. In the Shopify admin, the staff member of an online session
 * (`onlineAccessInfo.associated_user`); with an offline session (token exchange without online tokens) Shopify does
 * not say which person it is, so actions are attributed to "Store staff". The demo has one clearly named user.
 */
export interface StaffMember {
  id: string;
  name: string;
}

export const DEMO_STAFF: StaffMember = { id: "demo-staff", name: "Demo staff (you)" };
export const UNKNOWN_STAFF: StaffMember = { id: "store-staff", name: "Store staff" };

export function staffFromSession(session: Pick<Session, "onlineAccessInfo">, demo: boolean): StaffMember {
  if (demo) return DEMO_STAFF;
  const user = session.onlineAccessInfo?.associated_user;
  if (!user) return UNKNOWN_STAFF;
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ").trim() || user.email || `Staff ${user.id}`;
  return { id: String(user.id), name };
}

/**
 * The staff members who can be picked as assignee: everyone who has acted in this shop's inbox (Shopify does not list
 * staff to apps without the staff scope), plus whoever is signed in now. Most recent first.
 */
export async function knownStaff(shop: string, current: StaffMember): Promise<StaffMember[]> {
  const events = await prisma.conversationEvent.findMany({
    where: { shop, actorId: { not: null } },
    orderBy: { createdAt: "desc" },
    select: { actorId: true, actorName: true },
    take: 500,
  });
  const staff = new Map<string, StaffMember>([[current.id, current]]);
  for (const event of events) {
    if (event.actorId && !staff.has(event.actorId)) {
      staff.set(event.actorId, { id: event.actorId, name: event.actorName ?? event.actorId });
    }
  }
  return [...staff.values()];
}
