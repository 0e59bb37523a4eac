import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { forwardDemoProxyRequest } from "~/modules/demo/app-proxy.server";
import { requireDemoMode } from "~/modules/demo/guard.server";

// Demo only: the storefront preview's /apps/kindly/* (Shopify's app proxy on a real store), signed and handed to
// Kindly's /proxy/* routes. Outside demo mode this path does not exist.
export const loader = ({ request, params }: LoaderFunctionArgs) => {
  requireDemoMode();
  return forwardDemoProxyRequest(request, params["*"] ?? "");
};

export const action = ({ request, params }: ActionFunctionArgs) => {
  requireDemoMode();
  return forwardDemoProxyRequest(request, params["*"] ?? "");
};
