import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BULK_CUSTOMERS_IMPORT_MUTATION,
  BULK_CUSTOMERS_QUERY,
  type BulkCustomerLine,
  type BulkCustomerOrderLine,
  type BulkCustomersImportResult,
} from "~/graphql/BulkCustomersImport";
import { BULK_OPERATION_STATUS_QUERY, type BulkOperationStatusResult } from "~/graphql/BulkOperationStatus";
import { authenticate } from "~/shopify.server";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { adminGraphql } from "./support";

/**
 * Bulk operations end to end: Kindly's BulkCustomersImport runs, its status is polled with BulkOperationStatus, the
 * JSONL is downloaded from the URL the status gives, and bulk_operations/finish reaches the app signed.
 */

const APP_URL = "https://kindly.test";
const API_SECRET = "test-api-secret"; // as tests/support/setup-test-env.ts configures the app

const store = createShopStore({ seed: 42 });
const emulator = createEmulator({ shops: [store], appUrl: APP_URL, apiSecret: API_SECRET, bulkMode: "manual" });
const received: Request[] = [];
let server: EmulatorServer;

beforeAll(() => {
  server = startEmulatorServer(emulator, {
    extraHandlers: [
      http.post(`${APP_URL}/webhooks/*`, ({ request }) => {
        received.push(request.clone());
        return new HttpResponse(null, { status: 200 });
      }),
    ],
  });
});
afterAll(async () => {
  await emulator.idle();
  server.close();
});

type StatusData = NonNullable<BulkOperationStatusResult["bulkOperation"]>;

async function startImport(
  query = BULK_CUSTOMERS_IMPORT_MUTATION,
  variables: Record<string, unknown> = { query: BULK_CUSTOMERS_QUERY },
  version?: string,
) {
  const response = await adminGraphql<BulkCustomersImportResult>(store.domain, query, variables, { version });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.bulkOperationRunQuery!;
}

async function status(id: string): Promise<StatusData> {
  const response = await adminGraphql<BulkOperationStatusResult>(store.domain, BULK_OPERATION_STATUS_QUERY, { id });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.bulkOperation!;
}

async function download(url: string): Promise<Array<Record<string, unknown>>> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("BulkCustomersImport", () => {
  let operationId = "";
  let lines: Array<Record<string, unknown>> = [];

  it("creates the operation, which moves CREATED -> RUNNING -> COMPLETED", async () => {
    const run = await startImport();
    expect(run.userErrors).toEqual([]);
    operationId = run.bulkOperation!.id;
    expect(run.bulkOperation!.status).toBe("CREATED");
    expect((await status(operationId)).status).toBe("CREATED");
    await emulator.tickBulkOperations();
    expect((await status(operationId)).status).toBe("RUNNING");
    await emulator.tickBulkOperations();
    const done = await status(operationId);
    expect(done).toMatchObject({ status: "COMPLETED", errorCode: null, partialDataUrl: null });
    expect(done.completedAt).not.toBeNull();
    expect(Number(done.objectCount)).toBe(store.customers.length + store.orders.length);
    expect(Number(done.rootObjectCount)).toBe(store.customers.length);
    expect(done.url).toBeTruthy();
    lines = await download(done.url!);
    expect(Number(done.fileSize)).toBeGreaterThan(0);
  });

  it("writes one line per customer and per order, each order after its customer", () => {
    expect(lines).toHaveLength(store.customers.length + store.orders.length);
    const seen = new Set<string>();
    for (const line of lines) {
      if ("__parentId" in line) {
        expect(String(line.id)).toMatch(/^gid:\/\/shopify\/Order\//);
        expect(seen.has(String(line.__parentId))).toBe(true);
      } else {
        expect(String(line.id)).toMatch(/^gid:\/\/shopify\/Customer\//);
      }
      seen.add(String(line.id));
    }
  });

  it("keeps each customer's numberOfOrders and amountSpent equal to the orders in the file", () => {
    const customers = lines.filter((line) => !("__parentId" in line)) as BulkCustomerLine[];
    const orders = lines.filter((line) => "__parentId" in line) as BulkCustomerOrderLine[];
    const byCustomer = new Map<string, BulkCustomerOrderLine[]>();
    for (const order of orders) byCustomer.set(order.__parentId, [...(byCustomer.get(order.__parentId) ?? []), order]);
    const cents = (amount: string) => Math.round(Number(amount) * 100);
    for (const customer of customers) {
      const own = byCustomer.get(customer.id) ?? [];
      expect(customer.numberOfOrders).toBe(String(own.length));
      const spent = own
        .filter((order) => ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.displayFinancialStatus ?? ""))
        .reduce((sum, order) => sum + cents(order.currentTotalPriceSet.shopMoney.amount), 0);
      expect(cents(customer.amountSpent.amount)).toBe(spent);
    }
    // Consent and contact came through for messaging.
    expect(customers.some((customer) => customer.defaultPhoneNumber?.marketingState === "SUBSCRIBED")).toBe(true);
    expect(new Set(customers.map((customer) => customer.locale))).toEqual(new Set(["en", "fr"]));
  });

  it("sends a signed bulk_operations/finish webhook that Kindly accepts", async () => {
    await emulator.idle();
    const finish = received.filter((request) => request.headers.get("X-Shopify-Topic") === "bulk_operations/finish");
    expect(finish).toHaveLength(1);
    expect(new URL(finish[0].url).pathname).toBe("/webhooks/bulk_operations/finish");
    const context = await authenticate.webhook(finish[0]);
    expect(context.shop).toBe(store.domain);
    expect(context.topic).toBe("BULK_OPERATIONS_FINISH");
    expect(context.payload).toMatchObject({
      admin_graphql_api_id: operationId,
      status: "completed",
      error_code: null,
      type: "query",
    });
  });
});

describe("bulk operation rules", () => {
  it("writes ungrouped output (the 2026-01 default) in no particular order, with the same lines", async () => {
    const grouped = await startImport();
    const ungrouped = await startImport(
      "mutation Ungrouped($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { message } } }",
    );
    await emulator.tickBulkOperations();
    await emulator.tickBulkOperations();
    const a = await download((await status(grouped.bulkOperation!.id)).url!);
    const b = await download((await status(ungrouped.bulkOperation!.id)).url!);
    const canonical = (list: Array<Record<string, unknown>>) => list.map((line) => JSON.stringify(line)).sort();
    expect(canonical(b)).toEqual(canonical(a));
    expect(b.map((line) => line.id)).not.toEqual(a.map((line) => line.id));
    // Some order comes before its customer: importers must not assume grouping unless they ask for it.
    const position = new Map(b.map((line, index) => [line.id, index]));
    expect(b.some((line, index) => "__parentId" in line && (position.get(line.__parentId) ?? -1) > index)).toBe(true);
  });

  it.each([
    ["no connection", "{ shop { name } }", /at least one connection/],
    [
      "a nested connection whose parent has no id",
      "{ customers { edges { node { email: displayName orders { edges { node { id } } } } } } }",
      /must select the 'id' field/,
    ],
    [
      "connections nested three deep",
      "{ customers { edges { node { id orders { edges { node { id lineItems { edges { node { id } } } } } } } } } }",
      /nesting depth greater than 2/,
    ],
    [
      "a mutation",
      'mutation { tagsAdd(id: "gid://shopify/Customer/1", tags: ["x"]) { userErrors { message } } }',
      /exactly one query operation/,
    ],
    ["an unknown field", "{ customers { edges { node { id shoeSize } } } }", /Cannot query field "shoeSize"/],
  ])("refuses a bulk query with %s", async (_name, query, message) => {
    const run = await startImport(undefined, { query });
    expect(run.bulkOperation).toBeNull();
    expect(run.userErrors).toEqual([{ field: ["query"], message: expect.stringMatching(message), code: "INVALID" }]);
  });

  it("allows five concurrent bulk queries from 2026-01 and one before", async () => {
    await emulator.tickBulkOperations();
    await emulator.tickBulkOperations();
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const run = await startImport();
      expect(run.userErrors).toEqual([]);
      ids.push(run.bulkOperation!.id);
    }
    const sixth = await startImport();
    expect(sixth.userErrors).toEqual([expect.objectContaining({ code: "LIMIT_REACHED" })]);
    const older = await startImport(undefined, undefined, "2025-10");
    expect(older.userErrors).toEqual([expect.objectContaining({ code: "OPERATION_IN_PROGRESS" })]);
    await emulator.tickBulkOperations();
    await emulator.tickBulkOperations();
    for (const id of ids) expect((await status(id)).status).toBe("COMPLETED");
  });

  it("can fail an operation on purpose, and reports the failure in the webhook", async () => {
    store.failNextBulkOperation("TIMEOUT");
    const run = await startImport();
    await emulator.tickBulkOperations();
    await emulator.tickBulkOperations();
    expect(await status(run.bulkOperation!.id)).toMatchObject({ status: "FAILED", errorCode: "TIMEOUT", url: null });
    await emulator.idle();
    const last = received[received.length - 1];
    const payload = (await last.clone().json()) as Record<string, unknown>;
    expect(payload).toMatchObject({
      admin_graphql_api_id: run.bulkOperation!.id,
      status: "failed",
      error_code: "timeout",
    });
  });

  it("cancels a running operation", async () => {
    const run = await startImport();
    const cancel = await adminGraphql<{
      bulkOperationCancel: { bulkOperation: { status: string }; userErrors: unknown[] };
    }>(
      store.domain,
      "mutation Cancel($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }",
      { id: run.bulkOperation!.id },
    );
    expect(cancel.body.data!.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    await emulator.idle();
    expect((await status(run.bulkOperation!.id)).status).toBe("CANCELED");
  });

  it("lists operations with a status filter (the replacement for currentBulkOperation)", async () => {
    const response = await adminGraphql<{ bulkOperations: { nodes: Array<{ status: string }> } }>(
      store.domain,
      '{ bulkOperations(first: 50, query: "status:completed", sortKey: CREATED_AT, reverse: true) { nodes { id status } } }',
    );
    const nodes = response.body.data!.bulkOperations.nodes;
    expect(nodes.length).toBe(store.bulkOperations.filter((op) => op.status === "COMPLETED").length);
    expect(nodes.every((node) => node.status === "COMPLETED")).toBe(true);
  });

  it("completes on its own in the default mode", async () => {
    const auto = createEmulator({
      shops: [createShopStore({ seed: 5, shop: "auto-shop.myshopify.com", customers: 300 })],
    });
    const autoStore = auto.registry.store("auto-shop.myshopify.com");
    const result = await auto.execute(
      autoStore,
      { query: BULK_CUSTOMERS_IMPORT_MUTATION, variables: { query: BULK_CUSTOMERS_QUERY } },
      "2026-01",
    );
    const created = (result.data as BulkCustomersImportResult).bulkOperationRunQuery!.bulkOperation!;
    expect(created.status).toBe("CREATED");
    await auto.idle();
    expect(autoStore.getBulkOperation(created.id)?.status).toBe("COMPLETED");
    expect(autoStore.getBulkOperation(created.id)?.objectCount).toBe(
      autoStore.customers.length + autoStore.orders.length,
    );
  });
});
