import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { storefrontResponse } from "~/modules/demo/storefront.server";

// Where the policy links lead in the preview (Shopify serves them at /policies/<handle>).
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  requireDemoMode();
  return storefrontResponse({ kind: "policy", handle: params.handle ?? "" }, request);
};
