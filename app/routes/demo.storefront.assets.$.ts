import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { readExtensionAsset } from "~/modules/demo/storefront.server";

// The extension's assets/ (stylesheets, the chat widget), which Shopify serves from its CDN.
export const loader = async ({ params }: LoaderFunctionArgs) => {
  requireDemoMode();
  const asset = await readExtensionAsset(params["*"] ?? "");
  if (!asset) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  return new Response(new Uint8Array(asset.body), {
    headers: { "Content-Type": asset.contentType, "Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff" },
  });
};
