import { describe, expect, it } from "vitest";
import { CustomerGrouper, parseBulkLine, readLineBatches } from "~/modules/customers/bulk-lines";

async function* chunks(text: string, size: number) {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.slice(i, i + size);
}

async function collect(source: AsyncIterable<Uint8Array | string>, batchSize: number) {
  const batches: string[][] = [];
  for await (const batch of readLineBatches(source, batchSize)) batches.push(batch);
  return batches;
}

const customerLine = (id: number | string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: `gid://shopify/Customer/${id}`,
    firstName: "Zoé",
    lastName: null,
    locale: "fr",
    createdAt: "2025-01-01T10:00:00Z",
    updatedAt: "2026-01-01T10:00:00Z",
    tags: ["a", "b"],
    numberOfOrders: "2",
    amountSpent: { amount: "1234567890123.47", currencyCode: "EUR" },
    defaultEmailAddress: { emailAddress: "Zoe@Example.org", marketingState: "SUBSCRIBED" },
    defaultPhoneNumber: null,
    defaultAddress: { countryCodeV2: "FR", timeZone: "Europe/Paris" },
    ...extra,
  });
const orderLine = (id: number, parent: number) =>
  JSON.stringify({
    id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    processedAt: "2026-02-01T10:00:00Z",
    cancelledAt: null,
    displayFinancialStatus: "PAID",
    totalPriceSet: { shopMoney: { amount: "24.9", currencyCode: "EUR" } },
    currentTotalPriceSet: { shopMoney: { amount: "24.9", currencyCode: "EUR" } },
    __parentId: `gid://shopify/Customer/${parent}`,
  });

describe("readLineBatches", () => {
  it("splits lines across chunk boundaries, multi-byte characters included, in batches", async () => {
    const lines = Array.from({ length: 23 }, (_, i) => `{"n":${i},"s":"é€𝄞 ${"x".repeat(i)}"}`);
    for (const size of [1, 3, 7, 64, 100_000]) {
      const batches = await collect(chunks(lines.join("\n") + "\n", size), 5);
      expect(batches.map((batch) => batch.length)).toEqual([5, 5, 5, 5, 3]);
      expect(batches.flat()).toEqual(lines);
    }
  });

  it("keeps a last line without a newline, skips blank lines, strips CR", async () => {
    const batches = await collect(chunks("a\r\n\n\nb\nc", 2), 10);
    expect(batches).toEqual([["a", "b", "c"]]);
    expect(await collect(chunks("", 4), 10)).toEqual([]);
  });
});

describe("parseBulkLine", () => {
  it("reads a customer with exact money, lower-cased email and string ids", () => {
    expect(parseBulkLine(customerLine("9007199254740993"))).toMatchObject({
      kind: "customer",
      shopifyId: "gid://shopify/Customer/9007199254740993", // beyond 2^53: kept exactly, as a string
      email: "zoe@example.org",
      totalSpent: "1234567890123.47",
      ordersCount: 2,
      tags: ["a", "b"],
      timezone: "Europe/Paris",
      countryCode: "FR",
      emailMarketingState: "SUBSCRIBED",
      smsMarketingState: null,
    });
  });

  it("reads an order with its parent", () => {
    expect(parseBulkLine(orderLine(5, 7))).toEqual({
      kind: "order",
      parentId: "gid://shopify/Customer/7",
      shopifyId: "gid://shopify/Order/5",
      name: "#5",
      processedAt: new Date("2026-02-01T10:00:00Z"),
      cancelledAt: null,
      financialStatus: "PAID",
      totalPrice: "24.9",
      currencyCode: "EUR",
    });
  });

  it("says why a line is unusable instead of throwing", () => {
    expect(parseBulkLine("{oops")).toEqual({ kind: "malformed", reason: "not valid JSON" });
    expect(parseBulkLine("[1]")).toEqual({ kind: "malformed", reason: "not a JSON object" });
    expect(parseBulkLine(customerLine(1, { amountSpent: { amount: 12.5, currencyCode: "EUR" } }))).toMatchObject({
      kind: "malformed",
      reason: "amountSpent is not a money amount",
    });
    expect(parseBulkLine(customerLine(1, { numberOfOrders: "-1" })).kind).toBe("malformed");
    expect(parseBulkLine('{"id":"gid://shopify/LineItem/1","__parentId":"gid://shopify/Order/1"}')).toMatchObject({
      kind: "malformed",
    });
  });
});

describe("CustomerGrouper", () => {
  it("joins each customer's orders and hands back orders whose customer came earlier", () => {
    const grouper = new CustomerGrouper();
    const records = [orderLine(1, 1), customerLine(2), orderLine(2, 2), orderLine(3, 2), customerLine(3)].map(
      (line) => parseBulkLine(line) as Exclude<ReturnType<typeof parseBulkLine>, { kind: "malformed" }>,
    );
    const out = records.map((record) => grouper.push(record));
    expect(out[0].orphan?.shopifyId).toBe("gid://shopify/Order/1");
    expect(out[4].group?.customer.shopifyId).toBe("gid://shopify/Customer/2");
    expect(out[4].group?.orders.map((o) => o.shopifyId)).toEqual(["gid://shopify/Order/2", "gid://shopify/Order/3"]);
    expect(grouper.finish()?.customer.shopifyId).toBe("gid://shopify/Customer/3");
    expect(grouper.finish()).toBeNull();
  });
});
