import { createHmac } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getEnv } from "~/env.server";
import { getDemoRuntime } from "~/modules/demo/runtime.server";
import { DEMO_SHOP } from "~/shopify.server";
import * as chat from "~/routes/proxy.chat";
import * as chatCsat from "~/routes/proxy.chat.csat";
import * as chatMessages from "~/routes/proxy.chat.messages";
import * as faq from "~/routes/proxy.faq";
import * as orders from "~/routes/proxy.orders";

/**
 * Shopify's app proxy, played by the demo: the storefront preview's widget calls /apps/kindly/<path> on the same
 * origin (as on a real store), and this signs the request the way Shopify does (shop, logged_in_customer_id,
 * path_prefix, timestamp; HMAC-SHA256 hex with the app secret over the sorted pairs) and hands it to Kindly's
 * /proxy/<path> route, which verifies it like any other. Cookies are dropped, as Shopify drops them.
 */

type ProxyRoute = {
  loader?: (args: LoaderFunctionArgs) => Response | Promise<Response>;
  action?: (args: ActionFunctionArgs) => Response | Promise<Response>;
};

const ROUTES: Record<string, ProxyRoute | undefined> = {
  faq,
  chat,
  "chat/messages": chatMessages,
  "chat/csat": chatCsat,
  orders,
};

export function signAppProxyQuery(query: URLSearchParams, secret: string): string {
  const pairs = new Map<string, string[]>();
  for (const [key, value] of query) if (key !== "signature") pairs.set(key, [...(pairs.get(key) ?? []), value]);
  const message = [...pairs.keys()]
    .sort()
    .map((key) => `${key}=${pairs.get(key)!.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message).digest("hex");
}

export async function forwardDemoProxyRequest(request: Request, subpath: string): Promise<Response> {
  const route = ROUTES[subpath];
  const handler = request.method === "GET" || request.method === "HEAD" ? route?.loader : route?.action;
  if (!handler) return new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
  const incoming = new URL(request.url);
  const query = new URLSearchParams(incoming.search);
  for (const key of ["shop", "logged_in_customer_id", "path_prefix", "timestamp", "signature"]) query.delete(key);
  query.set("shop", getDemoRuntime()?.shop ?? DEMO_SHOP);
  query.set("logged_in_customer_id", "");
  query.set("path_prefix", "/apps/kindly");
  // Shopify's library checks the timestamp against real time, not the demo's movable clock.
  query.set("timestamp", String(Math.floor(Date.now() / 1000)));
  query.set("signature", signAppProxyQuery(query, getEnv().SHOPIFY_API_SECRET));
  const headers = new Headers({ "X-Forwarded-For": request.headers.get("x-forwarded-for") ?? "127.0.0.1" });
  const contentType = request.headers.get("content-type");
  if (contentType) headers.set("Content-Type", contentType);
  const forwarded = new Request(new URL(`/proxy/${subpath}?${query}`, incoming.origin), {
    method: request.method,
    headers,
    body: request.method === "POST" ? await request.arrayBuffer() : undefined,
  });
  return handler({ request: forwarded, params: {}, context: {} });
}
