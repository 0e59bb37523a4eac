import type { AdminApiContext } from "@shopify/shopify-app-remix/server";

/** A GraphQL error answer from the Admin API, with the operation's name so logs say what failed. */
export class AdminGraphqlError extends Error {
  constructor(
    readonly operation: string,
    readonly errors: unknown,
  ) {
    super(`Admin GraphQL ${operation} failed: ${JSON.stringify(errors).slice(0, 500)}`);
    this.name = "AdminGraphqlError";
  }
}

/** Runs one Admin GraphQL operation and returns its data, throwing on any GraphQL error. */
export async function runAdminQuery<T>(
  admin: AdminApiContext,
  operation: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const response = await admin.graphql(query, variables ? { variables } : undefined);
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (body.errors || !body.data) throw new AdminGraphqlError(operation, body.errors ?? "no data");
  return body.data;
}
