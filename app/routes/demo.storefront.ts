import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { storefrontResponse } from "~/modules/demo/storefront.server";

// The theme-like storefront page with every block of the theme app extension. `?locale=fr` renders it in French.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  requireDemoMode();
  return storefrontResponse({ kind: "home" }, request);
};
