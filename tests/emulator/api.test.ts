import { Session } from "@shopify/shopify-api";
import type { ThemeAppEmbedsResult } from "~/graphql/ThemeAppEmbeds";
import type { ProductCareInfoResult } from "~/graphql/ProductCareInfo";
import type { PersonalDiscountCreateResult } from "~/graphql/PersonalDiscountCreate";
import type { PersonalFreeShippingCreateResult } from "~/graphql/PersonalFreeShippingCreate";
import { basicDiscountInput, discountTitle, freeShippingInput, validateTerms } from "~/modules/discounts/discounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerTagsAddResult } from "~/graphql/CustomerTagsAdd";
import type { CustomerTagsRemoveResult } from "~/graphql/CustomerTagsRemove";
import { BULK_CUSTOMERS_IMPORT_MUTATION, BULK_CUSTOMERS_QUERY } from "~/graphql/BulkCustomersImport";
import { orderNameSearch } from "~/graphql/OrderStatusLookup";
import { SHOP_INFO_QUERY, type ShopInfoResult } from "~/graphql/ShopInfo";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { loadAppGraphqlDocuments, type AppGraphqlDocument } from "../support/emulator/documents";
import { adminGraphql, type AdminResponse } from "./support";

/**
 * The emulator answers Kindly's Admin GraphQL operations from the seeded store, like Shopify: real HTTP requests
 * (intercepted by MSW), token checks, pagination rules, search filters, rate limits, mutations with userErrors.
 */

const store = createShopStore({ seed: 42 });
const second = createShopStore({ seed: 7, shop: "second-shop.myshopify.com", name: "Second Shop" });
const emulator = createEmulator({ shops: [store, { store: second, accessToken: "shpat_second" }] });
let server: EmulatorServer;

beforeAll(() => {
  server = startEmulatorServer(emulator);
});
afterAll(async () => {
  await emulator.idle();
  server.close();
});

const withPhone = () =>
  store.customers.find((customer) => customer.phone !== null && customer.smsMarketingState === "SUBSCRIBED")!;
const fulfilledOrder = () =>
  store.orders.find(
    (order) => order.fulfillmentStatus === "FULFILLED" && order.fulfillments[0].displayStatus === "DELIVERED",
  )!;

interface OperationCase {
  variables: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Checks the answer against the store. */
  check: (data: Record<string, unknown>) => void;
}

/**
 * Variables and expectations for every operation in app/graphql. A new operation without an entry here fails the
 * test below, so adding a document means showing the emulator can serve it.
 */
const CASES: Record<string, OperationCase> = {
  ShopInfo: {
    variables: () => ({}),
    check: (data) => {
      const { shop } = data as ShopInfoResult;
      expect(shop.name).toBe("Kindly Demo Store");
      expect(shop.myshopifyDomain).toBe(store.domain);
      expect(shop.currencyCode).toBe(store.shop.currencyCode);
      expect(shop.primaryDomain.host).toBe(store.shop.primaryDomain.host);
      expect(shop.shopPolicies).toHaveLength(4);
    },
  },
  CustomerTagsAdd: {
    variables: () => ({ id: store.customers[7].id, tags: ["Kindly API test"] }),
    check: (data) => {
      const { tagsAdd } = data as CustomerTagsAddResult;
      expect(tagsAdd).toEqual({ node: { id: store.customers[7].id }, userErrors: [] });
      expect(store.getCustomer(store.customers[7].id)!.tags).toContain("Kindly API test");
    },
  },
  CustomerTagsRemove: {
    variables: () => ({ id: store.customers[7].id, tags: ["kindly api TEST"] }),
    check: (data) => {
      const { tagsRemove } = data as CustomerTagsRemoveResult;
      expect(tagsRemove).toEqual({ node: { id: store.customers[7].id }, userErrors: [] });
      expect(store.getCustomer(store.customers[7].id)!.tags).not.toContain("Kindly API test");
    },
  },
  CustomerConsent: {
    variables: () => ({ id: withPhone().id }),
    check: (data) => {
      const customer = withPhone();
      expect(data.customer).toEqual({
        id: customer.id,
        locale: customer.locale,
        defaultEmailAddress: {
          emailAddress: customer.email,
          marketingState: customer.emailMarketingState,
          marketingUpdatedAt: customer.emailMarketingUpdatedAt
            ? customer.emailMarketingUpdatedAt.toISOString().replace(/\.\d{3}Z$/, "Z")
            : null,
        },
        defaultPhoneNumber: { phoneNumber: customer.phone, marketingState: "SUBSCRIBED" },
        defaultAddress: { countryCodeV2: customer.address.countryCode, timeZone: customer.address.timeZone },
      });
    },
  },
  OrderStatusLookup: {
    variables: () => ({ query: orderNameSearch(fulfilledOrder().name) }),
    check: (data) => {
      const order = fulfilledOrder();
      const nodes = (data.orders as { nodes: Array<Record<string, unknown>> }).nodes;
      expect(nodes).toHaveLength(1);
      expect(nodes[0]).toMatchObject({
        id: order.id,
        name: order.name,
        email: order.email,
        statusPageUrl: order.statusPageUrl,
        displayFulfillmentStatus: "FULFILLED",
      });
      expect(nodes[0].fulfillments).toEqual([
        expect.objectContaining({ displayStatus: "DELIVERED", trackingInfo: [order.fulfillments[0].trackingInfo[0]] }),
      ]);
    },
  },
  BulkCustomersImport: {
    variables: () => ({ query: BULK_CUSTOMERS_QUERY }),
    check: (data) => {
      const run = data.bulkOperationRunQuery as {
        bulkOperation: { id: string; status: string };
        userErrors: unknown[];
      };
      expect(run.userErrors).toEqual([]);
      expect(run.bulkOperation.status).toBe("CREATED");
    },
  },
  FaqPublish: {
    variables: () => ({
      metafields: [
        {
          ownerId: store.shop.appInstallationId,
          namespace: "kindly",
          key: "faq",
          type: "json",
          value: JSON.stringify({ version: 1, default_locale: "en", locales: { en: [] } }),
        },
      ],
    }),
    check: (data) => {
      const result = data.metafieldsSet as { metafields: Array<{ id: string }>; userErrors: unknown[] };
      expect(result.userErrors).toEqual([]);
      expect(result.metafields).toHaveLength(1);
      const stored = store.getMetafield(store.shop.appInstallationId, "kindly", "faq");
      expect(stored?.id).toBe(result.metafields[0].id);
      expect(JSON.parse(stored!.value)).toEqual({ version: 1, default_locale: "en", locales: { en: [] } });
    },
  },
  ProductCareInfo: {
    variables: () => {
      const [withCare, without] = store.products;
      store.setMetafields([
        {
          ownerId: withCare.id,
          namespace: "custom",
          key: "care_instructions",
          type: "multi_line_text_field",
          value: "Store airtight, away from light.",
        },
      ]);
      return { ids: [withCare.id, without.id, "gid://shopify/Product/1"] };
    },
    check: (data) => {
      const { nodes } = data as ProductCareInfoResult;
      const [withCare, without] = store.products;
      expect(nodes).toHaveLength(3);
      expect(nodes[0]).toEqual({
        id: withCare.id,
        title: withCare.title,
        productType: withCare.productType,
        careInstructions: { value: "Store airtight, away from light." },
      });
      expect(nodes[1]).toMatchObject({ id: without.id, careInstructions: null });
      expect(nodes[2]).toBeNull();
    },
  },
  ThemeAppEmbeds: {
    variables: () => {
      store.setAppEmbed({ appHandle: "kindly", blockHandle: "chat-embed", enabled: true });
      return {};
    },
    check: (data) => {
      const { themes } = data as ThemeAppEmbedsResult;
      expect(themes?.nodes.map((theme) => theme.name)).toEqual(["Dawn"]);
      const content = themes!.nodes[0].files!.nodes[0].body.content!;
      expect(content.startsWith("/*")).toBe(true);
      const settings = JSON.parse(content.replace(/^\/\*[\s\S]*?\*\//, "")) as {
        current: { blocks: Record<string, { type: string; disabled: boolean }> };
      };
      expect(Object.values(settings.current.blocks)).toEqual([
        expect.objectContaining({
          type: expect.stringMatching(/^shopify:\/\/apps\/kindly\/blocks\/chat-embed\//),
          disabled: false,
        }),
      ]);
    },
  },
  PersonalDiscountCreate: {
    variables: () => ({
      discount: basicDiscountInput(
        "SORRY-APITEST2",
        discountTitle("APOLOGY", store.customers[0].id),
        store.customers[0].id,
        validateTerms({
          kind: "PERCENTAGE",
          value: "10",
          expiresAt: new Date("2026-12-24T00:00:00Z"),
          now: store.now(),
        }),
        store.now(),
      ),
    }),
    check: (data) => {
      const { discountCodeBasicCreate: result } = data as PersonalDiscountCreateResult;
      expect(result?.userErrors).toEqual([]);
      const created = store.discountCodes.find((discount) => discount.code === "SORRY-APITEST2");
      expect(created?.id).toBe(result?.codeDiscountNode?.id);
      expect(created).toMatchObject({ kind: "BASIC", percentage: 0.1, customerIds: [store.customers[0].id] });
    },
  },
  PersonalFreeShippingCreate: {
    variables: () => ({
      discount: freeShippingInput(
        "VIP-APITEST22",
        discountTitle("VIP_PERK", store.customers[1].id),
        store.customers[1].id,
        validateTerms({
          kind: "FREE_SHIPPING",
          value: null,
          expiresAt: new Date("2026-12-24T00:00:00Z"),
          now: store.now(),
        }),
        store.now(),
      ),
    }),
    check: (data) => {
      const { discountCodeFreeShippingCreate: result } = data as PersonalFreeShippingCreateResult;
      expect(result?.userErrors).toEqual([]);
      const created = store.discountCodes.find((discount) => discount.code === "VIP-APITEST22");
      expect(created?.id).toBe(result?.codeDiscountNode?.id);
      expect(created).toMatchObject({ kind: "FREE_SHIPPING", usageLimit: 1, customerIds: [store.customers[1].id] });
    },
  },
  BulkOperationStatus: {
    variables: async () => {
      const run = await adminGraphql<{ bulkOperationRunQuery: { bulkOperation: { id: string } } }>(
        second.domain,
        BULK_CUSTOMERS_IMPORT_MUTATION,
        { query: BULK_CUSTOMERS_QUERY },
        { token: "shpat_second" },
      );
      await emulator.idle();
      return { id: run.body.data!.bulkOperationRunQuery.bulkOperation.id, shop: second.domain };
    },
    check: (data) => {
      const operation = data.bulkOperation as Record<string, unknown>;
      expect(operation.status).toBe("COMPLETED");
      expect(Number(operation.rootObjectCount)).toBe(second.customers.length);
      expect(operation.url).toMatch(
        /^https:\/\/emulator\.kindly\.test\/bulk\/second-shop\.myshopify\.com\/\d+\.jsonl$/,
      );
    },
  },
};

const documents = (await loadAppGraphqlDocuments()).filter(
  (doc): doc is AppGraphqlDocument & { operationName: string } => doc.operationName !== null,
);

describe("the emulator serves every operation in app/graphql", () => {
  it("finds the documents", () => {
    expect(documents.map((doc) => doc.operationName)).toEqual(expect.arrayContaining(Object.keys(CASES)));
  });

  for (const doc of documents) {
    it(`${doc.operationName} (${doc.file}) answers with the store's data`, async () => {
      const testCase = CASES[doc.operationName];
      const needsVariables = (doc.operation.variableDefinitions ?? []).some(
        (definition) => definition.type.kind === "NonNullType" && !definition.defaultValue,
      );
      if (!testCase && needsVariables) {
        throw new Error(`Add variables and a check for ${doc.operationName} to CASES in tests/emulator/api.test.ts`);
      }
      const { shop = store.domain, ...variables } = (await testCase?.variables()) ?? {};
      const response = await adminGraphql(String(shop), doc.source, variables, {
        token: shop === second.domain ? "shpat_second" : undefined,
      });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data).toBeTruthy();
      testCase?.check(response.body.data!);
    });
  }
});

describe("errors fail loudly", () => {
  it("rejects unknown fields and operations with GraphQL errors and no data", async () => {
    const unknownField = await adminGraphql(store.domain, "query Nope { shop { name favouriteColour } }");
    expect(unknownField.status).toBe(200);
    expect(unknownField.body.data).toBeUndefined();
    expect(unknownField.body.errors?.[0].message).toMatch(/Cannot query field "favouriteColour" on type "Shop"/);

    const unknownRoot = await adminGraphql(store.domain, "{ abandonedCheckouts(first: 1) { nodes { id } } }");
    expect(unknownRoot.body.data).toBeUndefined();
    expect(unknownRoot.body.errors?.[0].message).toMatch(/abandonedCheckouts/);

    const wrongName = await adminGraphql(store.domain, SHOP_INFO_QUERY, {}, { operationName: "NoSuchOperation" });
    expect(wrongName.body.errors?.[0].message).toMatch(/Unknown operation named "NoSuchOperation"/);

    const syntax = await adminGraphql(store.domain, "query { shop { name }");
    expect(syntax.body.errors?.[0].message).toMatch(/Syntax Error/);
  });

  it("checks the access token, the shop and the API version like Shopify", async () => {
    expect((await adminGraphql(store.domain, SHOP_INFO_QUERY, {}, { token: null })).status).toBe(401);
    expect((await adminGraphql(second.domain, SHOP_INFO_QUERY, {}, { token: "shpat_wrong" })).status).toBe(401);
    expect((await adminGraphql("unknown-shop.myshopify.com", SHOP_INFO_QUERY)).status).toBe(404);
    expect((await adminGraphql(store.domain, SHOP_INFO_QUERY, {}, { version: "2026-02" })).status).toBe(404);
    // Kindly's configured version (2026-10) is served by the same subset.
    expect((await adminGraphql(store.domain, SHOP_INFO_QUERY, {}, { version: "2026-10" })).status).toBe(200);
  });

  it("serves each registered shop its own data", async () => {
    const response = await adminGraphql<ShopInfoResult>(second.domain, SHOP_INFO_QUERY, {}, { token: "shpat_second" });
    expect(response.body.data?.shop.name).toBe("Second Shop");
    expect(response.body.data?.shop.id).toBe(second.shop.id);
    expect(second.shop.id).not.toBe(store.shop.id);
  });
});

describe("pagination and search", () => {
  it("pages through every customer with cursors, at most 250 at a time", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    type Page = {
      customers: {
        edges: Array<{ cursor: string; node: { id: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string };
      };
    };
    for (let page = 0; page < 20; page += 1) {
      const response: AdminResponse<Page> = await adminGraphql<Page>(
        store.domain,
        "query Page($after: String) { customers(first: 250, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
        { after },
      );
      const connection = response.body.data!.customers;
      seen.push(...connection.edges.map((edge) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(store.customers.length);
    expect(new Set(seen).size).toBe(seen.length);
    // Sorted by ID, like Shopify's default.
    expect(seen).toEqual(
      [...store.customers].sort((a, b) => (BigInt(a.legacyId) < BigInt(b.legacyId) ? -1 : 1)).map((c) => c.id),
    );
  });

  it("enforces page sizes: first is required and at most 250", async () => {
    const tooBig = await adminGraphql(store.domain, "{ customers(first: 251) { nodes { id } } }");
    expect(tooBig.body.errors?.[0].message).toMatch(/250/);
    const missing = await adminGraphql(store.domain, "{ orders { nodes { id } } }");
    expect(missing.body.errors?.[0].message).toBe("you must provide one of first or last");
  });

  it("sorts and reverses", async () => {
    const response = await adminGraphql<{ orders: { nodes: Array<{ name: string; processedAt: string }> } }>(
      store.domain,
      "{ orders(first: 5, sortKey: PROCESSED_AT, reverse: true) { nodes { name processedAt } } }",
    );
    const newest = [...store.orders].sort((a, b) => b.processedAt.getTime() - a.processedAt.getTime()).slice(0, 5);
    expect(response.body.data!.orders.nodes.map((order) => order.name)).toEqual(newest.map((order) => order.name));
  });

  it("filters with the search syntax Kindly uses", async () => {
    const since = new Date("2026-11-01T00:00:00Z");
    const updated = await adminGraphql<{ customers: { nodes: Array<{ id: string; updatedAt: string }> } }>(
      store.domain,
      "query Updated($q: String) { customers(first: 250, query: $q) { nodes { id updatedAt } } }",
      { q: `updated_at:>'${since.toISOString()}'` },
    );
    const expected = store.customers.filter((customer) => customer.updatedAt > since);
    expect(updated.body.data!.customers.nodes).toHaveLength(expected.length);
    expect(expected.length).toBeGreaterThan(0);

    const customer = store.customers[10];
    const byEmail = await adminGraphql<{ customers: { nodes: Array<{ id: string }> } }>(
      store.domain,
      `{ customers(first: 5, query: "email:${customer.email.toUpperCase()}") { nodes { id } } }`,
    );
    expect(byEmail.body.data!.customers.nodes).toEqual([{ id: customer.id }]);

    for (const search of ["name:#1001", "name:1001", "name:'#1001'"]) {
      const byName = await adminGraphql<{ orders: { nodes: Array<{ name: string }> } }>(
        store.domain,
        "query Q($q: String) { orders(first: 2, query: $q) { nodes { name } } }",
        { q: search },
      );
      expect(byName.body.data!.orders.nodes).toEqual([{ name: "#1001" }]);
    }

    const unsupported = await adminGraphql(
      store.domain,
      `{ customers(first: 5, query: "favourite_colour:blue") { nodes { id } } }`,
    );
    expect(unsupported.body.errors?.[0].message).toMatch(
      /does not support the search field "favourite_colour".*supported: id, email/,
    );
    const orQuery = await adminGraphql(
      store.domain,
      `{ customers(first: 5, query: "email:a@example.com OR email:b@example.com") { nodes { id } } }`,
    );
    expect(orQuery.body.errors?.[0].message).toMatch(/does not support OR/);
  });

  it("resolves nodes by GID, and rejects malformed ids", async () => {
    const customer = store.customers[3];
    const order = store.orders[3];
    const response = await adminGraphql<{ nodes: Array<Record<string, unknown> | null> }>(
      store.domain,
      "query N($ids: [ID!]!) { nodes(ids: $ids) { id ... on Customer { displayName } ... on Order { name } } }",
      { ids: [customer.id, order.id, "gid://shopify/Customer/1"] },
    );
    expect(response.body.data!.nodes).toEqual([
      { id: customer.id, displayName: `${customer.firstName} ${customer.lastName}` },
      { id: order.id, name: order.name },
      null,
    ]);
    const malformed = await adminGraphql(store.domain, '{ node(id: "123") { id } }');
    expect(malformed.body.errors?.[0].message).toMatch(/Invalid global id/);
  });
});

describe("rate limits", () => {
  it("reports Shopify's cost extension", async () => {
    const response = await adminGraphql(store.domain, SHOP_INFO_QUERY);
    expect(response.body.extensions?.cost).toEqual({
      requestedQueryCost: expect.any(Number),
      actualQueryCost: expect.any(Number),
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
  });

  it("answers THROTTLED for forced calls, then recovers", async () => {
    store.throttleNext(2);
    for (let i = 0; i < 2; i += 1) {
      const throttled = await adminGraphql(store.domain, SHOP_INFO_QUERY);
      expect(throttled.status).toBe(200);
      expect(throttled.body.data).toBeUndefined();
      expect(throttled.body.errors?.[0].extensions?.code).toBe("THROTTLED");
      expect(throttled.body.extensions?.cost.actualQueryCost).toBeNull();
    }
    const ok = await adminGraphql(store.domain, SHOP_INFO_QUERY);
    expect(ok.body.errors).toBeUndefined();
  });

  it("throttles when the bucket runs dry and refills it over time", async () => {
    let clock = 0;
    const shop = createShopStore({ seed: 3, shop: "busy-shop.myshopify.com", customers: 300 });
    const limited = createEmulator({ shops: [shop], rateLimitClock: () => clock });
    const heavy = "{ customers(first: 100) { nodes { id orders(first: 2) { nodes { id } } } } }";
    const body = { query: heavy };
    const first = await limited.execute(shop, body, "2026-01");
    expect(first.extensions?.cost.requestedQueryCost).toBe(2 + 100 * (1 + 2 + 2));
    let throttledAfter = 0;
    for (let call = 0; call < 10; call += 1) {
      const result = await limited.execute(shop, body, "2026-01");
      if (result.errors?.[0].extensions?.code === "THROTTLED") break;
      throttledAfter += 1;
    }
    expect(throttledAfter).toBeLessThan(10);
    clock += 20_000; // 20 s at 100 points/s refills the whole bucket
    const refilled = await limited.execute(shop, body, "2026-01");
    expect(refilled.errors).toBeUndefined();
  });

  it("refuses a single query costing more than 1,000", async () => {
    const response = await adminGraphql(
      store.domain,
      "{ customers(first: 250) { nodes { orders(first: 250) { nodes { id } } } } }",
    );
    expect(response.body.errors?.[0].extensions?.code).toBe("MAX_COST_EXCEEDED");
  });
});

describe("mutations change the store", () => {
  it("adds and removes tags (case-insensitively), with userErrors for unknown ids", async () => {
    const customer = store.customers[20];
    const add = await adminGraphql<{ tagsAdd: { node: { id: string; tags: string[] } | null; userErrors: unknown[] } }>(
      store.domain,
      "mutation Tag($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id ... on Customer { tags } } userErrors { field message } } }",
      { id: customer.id, tags: ["VIP", "First-time buyer", "vip"] },
    );
    expect(add.body.data!.tagsAdd.userErrors).toEqual([]);
    expect(customer.tags).toEqual(expect.arrayContaining(["VIP", "First-time buyer"]));
    expect(customer.tags.filter((tag) => tag.toLowerCase() === "vip")).toHaveLength(1);

    const remove = await adminGraphql<{ tagsRemove: { userErrors: unknown[] } }>(
      store.domain,
      "mutation Untag($id: ID!, $tags: [String!]!) { tagsRemove(id: $id, tags: $tags) { userErrors { field message } } }",
      { id: customer.id, tags: ["first-time buyer"] },
    );
    expect(remove.body.data!.tagsRemove.userErrors).toEqual([]);
    expect(customer.tags).not.toContain("First-time buyer");

    const unknown = await adminGraphql<{ tagsAdd: { node: null; userErrors: Array<{ field: string[] }> } }>(
      store.domain,
      'mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["VIP"]) { node { id } userErrors { field message } } }',
    );
    expect(unknown.body.data!.tagsAdd).toEqual({
      node: null,
      userErrors: [{ field: ["id"], message: expect.any(String) }],
    });
  });

  it("sets app-owned metafields atomically and reads them back, with compareDigest", async () => {
    const installation = await adminGraphql<{ currentAppInstallation: { id: string } }>(
      store.domain,
      "{ currentAppInstallation { id } }",
    );
    const ownerId = installation.body.data!.currentAppInstallation.id;
    const set =
      "mutation Set($metafields: [MetafieldsSetInput!]!) { metafieldsSet(metafields: $metafields) { metafields { key namespace value jsonValue compareDigest ownerType } userErrors { field message code elementIndex } } }";
    const faq = JSON.stringify([{ question: "Where is my order?", answer: "Use the order status page." }]);
    const ok = await adminGraphql<{
      metafieldsSet: { metafields: Array<Record<string, unknown>>; userErrors: unknown[] };
    }>(store.domain, set, {
      metafields: [{ ownerId, namespace: "$app", key: "faq", type: "json", value: faq }],
    });
    expect(ok.body.data!.metafieldsSet.userErrors).toEqual([]);
    const [written] = ok.body.data!.metafieldsSet.metafields;
    expect(written).toMatchObject({
      key: "faq",
      namespace: "app--5617371",
      ownerType: "API_PERMISSION",
      jsonValue: JSON.parse(faq),
    });

    const read = await adminGraphql<{ currentAppInstallation: { metafield: { value: string } } }>(
      store.domain,
      '{ currentAppInstallation { metafield(namespace: "$app", key: "faq") { value } } }',
    );
    expect(read.body.data!.currentAppInstallation.metafield.value).toBe(faq);

    // One bad entry and nothing is written; a stale digest is refused.
    const bad = await adminGraphql<{
      metafieldsSet: { metafields: null; userErrors: Array<{ code: string; elementIndex: number }> };
    }>(store.domain, set, {
      metafields: [
        { ownerId, namespace: "$app", key: "faq", type: "json", value: "[]" },
        { ownerId, namespace: "$app", key: "other", type: "json", value: "{not json" },
      ],
    });
    expect(bad.body.data!.metafieldsSet.userErrors).toEqual([
      expect.objectContaining({ code: "INVALID_VALUE", elementIndex: 1 }),
    ]);
    expect(store.getMetafield(ownerId, "$app", "faq")?.value).toBe(faq);
    const stale = await adminGraphql<{ metafieldsSet: { userErrors: Array<{ code: string }> } }>(store.domain, set, {
      metafields: [{ ownerId, namespace: "$app", key: "faq", value: "[]", compareDigest: "0".repeat(64) }],
    });
    expect(stale.body.data!.metafieldsSet.userErrors[0].code).toBe("STALE_OBJECT");
    const fresh = await adminGraphql<{ metafieldsSet: { userErrors: unknown[] } }>(store.domain, set, {
      metafields: [{ ownerId, namespace: "$app", key: "faq", value: "[]", compareDigest: written.compareDigest }],
    });
    expect(fresh.body.data!.metafieldsSet.userErrors).toEqual([]);
  });

  it("creates a personal discount code and refuses a duplicate", async () => {
    const customer = store.customers[5];
    const create = `mutation Discount($input: DiscountCodeBasicInput!) {
      discountCodeBasicCreate(basicCodeDiscount: $input) {
        codeDiscountNode { id codeDiscount { ... on DiscountCodeBasic { title status codes(first: 1) { nodes { code } }
          context { ... on DiscountCustomers { customers { id } } }
          customerGets { value { ... on DiscountPercentage { percentage } } } } } }
        userErrors { field message code }
      }
    }`;
    const input = {
      title: "Sorry about the delay",
      code: "KINDLY-SORRY-5",
      startsAt: "2026-11-24T00:00:00Z",
      context: { customers: { add: [customer.id] } },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
      appliesOncePerCustomer: true,
      usageLimit: 1,
    };
    const ok = await adminGraphql<{
      discountCodeBasicCreate: { codeDiscountNode: Record<string, unknown>; userErrors: unknown[] };
    }>(store.domain, create, { input });
    expect(ok.body.data!.discountCodeBasicCreate.userErrors).toEqual([]);
    expect(ok.body.data!.discountCodeBasicCreate.codeDiscountNode.codeDiscount).toEqual({
      title: "Sorry about the delay",
      status: "ACTIVE",
      codes: { nodes: [{ code: "KINDLY-SORRY-5" }] },
      context: { customers: [{ id: customer.id }] },
      customerGets: { value: { percentage: 0.15 } },
    });
    expect(store.discountCodes.map((discount) => discount.code)).toContain("KINDLY-SORRY-5");

    const duplicate = await adminGraphql<{
      discountCodeBasicCreate: { codeDiscountNode: null; userErrors: Array<{ code: string; field: string[] }> };
    }>(store.domain, create, {
      input: { ...input, code: "kindly-sorry-5" },
    });
    expect(duplicate.body.data!.discountCodeBasicCreate.codeDiscountNode).toBeNull();
    expect(duplicate.body.data!.discountCodeBasicCreate.userErrors).toEqual([
      { code: "TAKEN", field: ["basicCodeDiscount", "code"], message: expect.any(String) },
    ]);
  });
});

describe("Kindly's own Admin API client", () => {
  it("reaches the emulator through shopify-app-remix with an offline session", async () => {
    const { sessionStorage, unauthenticated } = await import("~/shopify.server");
    const { runAdminQuery } = await import("~/modules/shop/graphql.server");
    await sessionStorage.storeSession(
      new Session({
        id: `offline_${store.domain}`,
        shop: store.domain,
        state: "",
        isOnline: false,
        accessToken: "shpat_offline",
        scope: "read_customers,write_customers,read_orders,write_discounts",
      }),
    );
    const { admin } = await unauthenticated.admin(store.domain);
    const data = await runAdminQuery<ShopInfoResult>(admin, "ShopInfo", SHOP_INFO_QUERY);
    expect(data.shop.name).toBe("Kindly Demo Store");
  });
});
