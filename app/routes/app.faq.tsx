import type { LoaderFunctionArgs } from "@remix-run/node";
import { NotBuiltYet } from "~/components/NotBuiltYet";
import { authenticateAdmin } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  await authenticateAdmin(request);
  return null;
};

export default function FAQPage() {
  return (
    <NotBuiltYet
      title="FAQ"
      summary="No FAQ has been written or published yet."
      upcoming={[
        "Write answers to frequent questions, by topic and language",
        "Publish them to the FAQ block on your storefront",
        "Check which store policies are missing",
      ]}
    />
  );
}
