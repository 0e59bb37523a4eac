/**
 * Helpers shared by the emulator tests: a plain Admin GraphQL call over `fetch` (so MSW intercepts a real HTTP
 * request, as it will Kindly's client) and polling of bulk operations.
 */

export interface AdminCallOptions {
  token?: string | null;
  version?: string;
  operationName?: string;
}

export interface AdminResponse<T = Record<string, unknown>> {
  status: number;
  body: {
    data?: T | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown>; path?: Array<string | number> }>;
    extensions?: {
      cost: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
    };
  };
}

export async function adminGraphql<T = Record<string, unknown>>(
  shop: string,
  query: string,
  variables?: Record<string, unknown>,
  options: AdminCallOptions = {},
): Promise<AdminResponse<T>> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const token = options.token === undefined ? "shpat_emulator_test" : options.token;
  if (token !== null) headers["X-Shopify-Access-Token"] = token;
  const response = await fetch(`https://${shop}/admin/api/${options.version ?? "2026-01"}/graphql.json`, {
    method: "POST",
    headers,
    body: JSON.stringify({
      query,
      variables,
      ...(options.operationName ? { operationName: options.operationName } : {}),
    }),
  });
  return { status: response.status, body: (await response.json()) as AdminResponse<T>["body"] };
}
