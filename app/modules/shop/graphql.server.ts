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

/** Shopify's `extensions.cost` (calculated query cost and the shop's leaky bucket). */
export interface QueryCost {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

type GraphqlErrorShape = { message?: string; extensions?: { code?: string } };
type AnswerBody = { data?: unknown; errors?: unknown; extensions?: { cost?: QueryCost } };

/** How many times one call is tried when Shopify keeps answering THROTTLED (about a minute of waiting in all). */
export const MAX_THROTTLED_ATTEMPTS = 8;
const MIN_WAIT_MS = 250;
const MAX_WAIT_MS = 20_000;

declare global {
  var __kindlyAdminSleep: ((ms: number) => Promise<void>) | undefined;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tests replace the wait between throttled attempts (to record it and not wait); undefined restores real time. */
export function setAdminSleep(sleep: ((ms: number) => Promise<void>) | undefined): void {
  globalThis.__kindlyAdminSleep = sleep;
}

const sleep = (ms: number) => (globalThis.__kindlyAdminSleep ?? realSleep)(ms);

/**
 * The errors of an answer, whichever way they arrived: a plain `errors` array (raw Admin API), or the client's
 * `{ graphQLErrors }` wrapper that `admin.graphql` throws inside a GraphqlQueryError's `body`.
 */
function errorsOf(body: AnswerBody): GraphqlErrorShape[] | null {
  const { errors } = body;
  if (!errors) return null;
  if (Array.isArray(errors)) return errors as GraphqlErrorShape[];
  if (typeof errors === "object" && "graphQLErrors" in errors && Array.isArray(errors.graphQLErrors)) {
    return errors.graphQLErrors as GraphqlErrorShape[];
  }
  return [{ message: typeof errors === "string" ? errors : JSON.stringify(errors) }];
}

/**
 * Milliseconds until the bucket holds `needed` points again, from the answer's throttle status; without one,
 * exponential back-off. Never less than MIN_WAIT_MS (the bucket is shared with the shop's other apps' view of it).
 */
export function throttleWaitMs(cost: QueryCost | undefined, attempt: number): number {
  const status = cost?.throttleStatus;
  const needed = cost?.requestedQueryCost ?? 0;
  if (status?.restoreRate && status.restoreRate > 0 && typeof status.currentlyAvailable === "number") {
    const missing = needed - status.currentlyAvailable;
    const refill = missing > 0 ? Math.ceil((missing / status.restoreRate) * 1000) : 0;
    // A THROTTLED answer with points available (another client drained it meanwhile): back off a little more each time.
    return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS * 2 ** (attempt - 1), refill));
  }
  return Math.min(MAX_WAIT_MS, 1000 * 2 ** (attempt - 1));
}

/**
 * A thrown `admin.graphql` failure that is really a GraphQL answer (shopify-api's GraphqlQueryError carries the
 * whole response in `body`), or a 429 Response (HTTP-level throttling forwarded by shopify-app-remix).
 */
async function answerFromThrown(error: unknown): Promise<AnswerBody | "HTTP_THROTTLED" | null> {
  if (error instanceof Response) return error.status === 429 ? "HTTP_THROTTLED" : null;
  if (error && typeof error === "object" && "body" in error) {
    const body = (error as { body: unknown }).body;
    if (body && typeof body === "object" && ("errors" in body || "data" in body)) return body as AnswerBody;
  }
  return null;
}

/**
 * Runs one Admin GraphQL operation and returns its data, throwing on any GraphQL error. Respects Shopify's
 * cost-based rate limit: a THROTTLED answer waits until the bucket has refilled enough for the query's requested
 * cost (from `extensions.cost`) and tries again, up to MAX_THROTTLED_ATTEMPTS; after a success that left the
 * bucket too low for the same query again, it waits before returning, so a loop of calls paces itself instead of
 * running into THROTTLED.
 */
export async function runAdminQuery<T>(
  admin: AdminApiContext,
  operation: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let body: AnswerBody;
    try {
      const response = await admin.graphql(query, variables ? { variables } : undefined);
      body = (await response.json()) as AnswerBody;
    } catch (error) {
      const answer = await answerFromThrown(error);
      if (answer === null) throw error;
      if (answer === "HTTP_THROTTLED") {
        if (attempt >= MAX_THROTTLED_ATTEMPTS) throw error;
        await sleep(throttleWaitMs(undefined, attempt));
        continue;
      }
      body = answer;
    }
    const errors = errorsOf(body);
    const cost = body.extensions?.cost;
    if (errors?.some((error) => error.extensions?.code === "THROTTLED")) {
      if (attempt >= MAX_THROTTLED_ATTEMPTS) throw new AdminGraphqlError(operation, errors);
      await sleep(throttleWaitMs(cost, attempt));
      continue;
    }
    if (errors || !body.data) throw new AdminGraphqlError(operation, errors ?? "no data");
    const available = cost?.throttleStatus?.currentlyAvailable;
    const requested = cost?.requestedQueryCost;
    if (typeof available === "number" && typeof requested === "number" && available < requested) {
      await sleep(throttleWaitMs(cost, 1));
    }
    return body.data as T;
  }
}
