import { GraphqlQueryError } from "@shopify/shopify-api";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AdminGraphqlError,
  MAX_THROTTLED_ATTEMPTS,
  runAdminQuery,
  setAdminSleep,
  throttleWaitMs,
} from "~/modules/shop/graphql.server";

/**
 * runAdminQuery against a scripted `admin.graphql`: answers as shopify-app-remix delivers them (a Response with the
 * body for success, a thrown GraphqlQueryError whose `body` holds the GraphQL errors and `extensions.cost`).
 */

const cost = (currentlyAvailable: number, requestedQueryCost = 10) => ({
  requestedQueryCost,
  actualQueryCost: null,
  throttleStatus: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
});

function throttled(available: number, requested = 10) {
  const body = {
    data: undefined,
    errors: {
      message: "GraphQL Client: An error occurred while fetching from the API. Review 'graphQLErrors' for details.",
      graphQLErrors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
    },
    extensions: { cost: cost(available, requested) },
  };
  return new GraphqlQueryError({ message: "Throttled", response: {}, headers: {}, body });
}

function scriptedAdmin(answers: Array<() => unknown>) {
  const calls: unknown[] = [];
  const admin = {
    graphql: async (query: string, options?: { variables?: unknown }) => {
      calls.push(options?.variables);
      const next = answers.shift();
      if (!next) throw new Error("no more scripted answers");
      const answer = next();
      if (answer instanceof Error) throw answer;
      return new Response(JSON.stringify(answer));
    },
  } as unknown as AdminApiContext;
  return { admin, calls };
}

let waits: number[] = [];
beforeEach(() => {
  waits = [];
  setAdminSleep(async (ms) => {
    waits.push(ms);
  });
});
afterEach(() => setAdminSleep(undefined));

describe("runAdminQuery", () => {
  it("returns data and does not wait while the bucket has room", async () => {
    const { admin, calls } = scriptedAdmin([
      () => ({ data: { shop: { name: "A" } }, extensions: { cost: cost(1990) } }),
    ]);
    await expect(runAdminQuery(admin, "ShopInfo", "query ShopInfo { shop { name } }", { a: 1 })).resolves.toEqual({
      shop: { name: "A" },
    });
    expect(calls).toEqual([{ a: 1 }]);
    expect(waits).toEqual([]);
  });

  it("retries a THROTTLED answer after the bucket refills for the requested cost", async () => {
    const { admin, calls } = scriptedAdmin([
      () => throttled(0, 50),
      () => throttled(20, 50),
      () => ({ data: { ok: true }, extensions: { cost: cost(1500) } }),
    ]);
    await expect(runAdminQuery(admin, "X", "query X { shop { name } }")).resolves.toEqual({ ok: true });
    expect(calls).toHaveLength(3);
    // 50 points at 100/s = 500 ms; then 30 points = 300 ms, but at least 500 ms on the second attempt.
    expect(waits).toEqual([500, 500]);
  });

  it("gives up after MAX_THROTTLED_ATTEMPTS with an AdminGraphqlError naming the operation", async () => {
    const { admin, calls } = scriptedAdmin(Array.from({ length: MAX_THROTTLED_ATTEMPTS }, () => () => throttled(0)));
    const error = await runAdminQuery(admin, "TagsAdd", "mutation TagsAdd { x }").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminGraphqlError);
    expect((error as AdminGraphqlError).message).toMatch(/TagsAdd.*THROTTLED/);
    expect(calls).toHaveLength(MAX_THROTTLED_ATTEMPTS);
    expect(waits).toHaveLength(MAX_THROTTLED_ATTEMPTS - 1);
  });

  it("does not retry other GraphQL errors", async () => {
    const other = new GraphqlQueryError({
      message: "Field 'x' doesn't exist",
      response: {},
      headers: {},
      body: { errors: { graphQLErrors: [{ message: "Field 'x' doesn't exist" }] } },
    });
    const { admin, calls } = scriptedAdmin([() => other]);
    await expect(runAdminQuery(admin, "X", "query X { x }")).rejects.toThrow(/Admin GraphQL X failed.*doesn't exist/);
    expect(calls).toHaveLength(1);
    expect(waits).toEqual([]);
  });

  it("treats a plain errors array in the answer the same way", async () => {
    const { admin } = scriptedAdmin([
      () => ({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: { cost: cost(5) } }),
      () => ({ data: { ok: 1 }, extensions: { cost: cost(900) } }),
    ]);
    await expect(runAdminQuery(admin, "X", "query X { a }")).resolves.toEqual({ ok: 1 });
    expect(waits).toEqual([250]);
  });

  it("paces itself after a success that left less than the query's cost in the bucket", async () => {
    const { admin } = scriptedAdmin([() => ({ data: { ok: 1 }, extensions: { cost: cost(4, 104) } })]);
    await runAdminQuery(admin, "X", "query X { a }");
    expect(waits).toEqual([1000]);
  });

  it("rethrows failures that are not GraphQL answers", async () => {
    const { admin } = scriptedAdmin([() => new Error("socket hang up")]);
    await expect(runAdminQuery(admin, "X", "query X { a }")).rejects.toThrow("socket hang up");
    expect(waits).toEqual([]);
  });

  it("computes waits from the throttle status, with back-off when none is given", () => {
    expect(throttleWaitMs(cost(0, 1000), 1)).toBe(10_000);
    expect(throttleWaitMs(cost(0, 100_000), 1)).toBe(20_000);
    expect(throttleWaitMs(undefined, 1)).toBe(1000);
    expect(throttleWaitMs(undefined, 3)).toBe(4000);
  });
});
