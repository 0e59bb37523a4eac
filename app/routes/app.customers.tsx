import type { LoaderFunctionArgs } from "@remix-run/node";
import { NotBuiltYet } from "~/components/NotBuiltYet";
import { authenticateAdmin } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateAdmin(request);
  return null;
};

export default function CustomersPage() {
  return (
    <NotBuiltYet
      title="Customers"
      summary="Customer segments and lifetime value are not computed yet."
      upcoming={[
        "See first-time buyers, repeat customers, VIPs and customers at risk",
        "See each customer's predicted lifetime value",
        "Sync segments to Shopify customer tags and send a personal reward",
      ]}
    />
  );
}
