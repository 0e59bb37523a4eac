import type { LoaderFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import { conversationVersion, inboxVersion, touchStaffLastSeen } from "~/modules/inbox/inbox.server";
import { authenticateAdmin } from "~/shopify.server";

/**
 * Polling endpoint for the inbox pages: the current version of the list (or of one conversation with ?id=), so a
 * page revalidates only when something changed. Also keeps Shop.staffLastSeenAt fresh while the inbox is open,
 * which the chat widget reads as "someone is online".
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const id = new URL(request.url).searchParams.get("id");
  await touchStaffLastSeen(shop, getClock().now());
  const version = id ? await conversationVersion(shop, id.slice(0, 64)) : await inboxVersion(shop);
  if (version === null) return Response.json({ error: "Conversation not found" }, { status: 404 });
  return Response.json({ version }, { headers: { "Cache-Control": "no-store" } });
};
