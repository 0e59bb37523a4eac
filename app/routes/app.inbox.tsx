import type { LoaderFunctionArgs } from "@remix-run/node";
import { NotBuiltYet } from "~/components/NotBuiltYet";
import { authenticateAdmin } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateAdmin(request);
  return null;
};

export default function InboxPage() {
  return (
    <NotBuiltYet
      title="Inbox"
      summary="The support inbox is not open yet: no conversations are collected so far."
      upcoming={[
        "Answer storefront chat, email replies and SMS replies in one place",
        "Track first-response and resolution times against your targets",
        "Ask for a satisfaction rating when a conversation closes",
      ]}
    />
  );
}
