import type { LoaderFunctionArgs } from "@remix-run/node";
import { NotBuiltYet } from "~/components/NotBuiltYet";
import { authenticateAdmin } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateAdmin(request);
  return null;
};

export default function RecoveryPage() {
  return (
    <NotBuiltYet
      title="Recovery"
      summary="Abandoned-checkout recovery is not switched on yet: Kindly is not sending any messages for your store."
      upcoming={[
        "Turn the helpful recovery sequence on or off",
        "Edit each step's delay, channel and message, with a live preview in English and French",
        "See every checkout's timeline: what was sent, skipped and why, opened, clicked, replied, recovered",
      ]}
    />
  );
}
