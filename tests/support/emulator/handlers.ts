import { http, HttpResponse, type HttpHandler } from "msw";
import type { GraphqlRequestBody, ShopEmulator } from "./emulator";

/**
 * MSW handlers that stand in for Shopify: the Admin GraphQL endpoint of every registered shop, and the bulk
 * operation result files. Shared by the tests (msw/node in the test process) and the local demo.
 */

/** Shopify's API versions are quarterly (YYYY-01/04/07/10) or "unstable"; anything else is a 404 there too. */
const API_VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;

export function createAdminHandlers(emulator: ShopEmulator): HttpHandler[] {
  return [
    http.post("https://:shop/admin/api/:version/graphql.json", async ({ request, params }) => {
      const shop = String(params.shop);
      const version = String(params.version);
      const entry = emulator.registry.get(shop);
      if (!entry || !API_VERSION.test(version)) {
        return HttpResponse.json({ errors: "Not Found" }, { status: 404 });
      }
      const token = request.headers.get("X-Shopify-Access-Token");
      if (!token || (entry.accessToken !== undefined && token !== entry.accessToken)) {
        return HttpResponse.json(
          { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
          { status: 401 },
        );
      }
      let body: GraphqlRequestBody;
      try {
        body = (await request.json()) as GraphqlRequestBody;
      } catch {
        return HttpResponse.json({ errors: { query: "Required parameter missing or invalid" } }, { status: 400 });
      }
      if (!body || typeof body !== "object" || typeof body.query !== "string") {
        return HttpResponse.json({ errors: { query: "Required parameter missing or invalid" } }, { status: 400 });
      }
      const result = await emulator.execute(entry.store, body, version);
      return HttpResponse.json(result, { headers: { "X-Request-Id": crypto.randomUUID() } });
    }),

    http.get(`${emulator.bulkFileOrigin}/bulk/:shop/:file`, ({ params }) => {
      const match = /^(\d+)\.jsonl$/.exec(String(params.file));
      const jsonl = match ? emulator.bulkFile(String(params.shop), match[1]) : null;
      if (jsonl === null) return new HttpResponse("Not Found", { status: 404 });
      return new HttpResponse(jsonl, { headers: { "Content-Type": "application/jsonl" } });
    }),
  ];
}
