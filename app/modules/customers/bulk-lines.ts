/**
 * The bulk import's result file, read as a stream: JSONL split into lines in constant memory (a chunk at a time,
 * never the whole file), each line parsed into a customer or an order record, orders joined to their customer by
 * `__parentId`. Pure: the caller brings the byte stream (a fetch body, a file stream) and does the database work.
 */
import type { BulkCustomerLine, BulkCustomerOrderLine } from "~/graphql/BulkCustomersImport";

export interface BulkCustomerRecord {
  kind: "customer";
  shopifyId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  timezone: string | null;
  countryCode: string | null;
  emailMarketingState: string | null;
  smsMarketingState: string | null;
  tags: string[];
  ordersCount: number;
  /** Exact decimal string (Shopify's Decimal), never a float. */
  totalSpent: string;
  shopifyCreatedAt: Date | null;
  shopifyUpdatedAt: Date | null;
}

export interface BulkOrderRecord {
  kind: "order";
  /** The customer's id (`__parentId`). */
  parentId: string;
  shopifyId: string;
  name: string | null;
  processedAt: Date;
  cancelledAt: Date | null;
  financialStatus: string | null;
  totalPrice: string;
  currencyCode: string;
}

export type BulkLine = BulkCustomerRecord | BulkOrderRecord | { kind: "malformed"; reason: string };

const CUSTOMER_GID = /^gid:\/\/shopify\/Customer\/\d+$/;
const ORDER_GID = /^gid:\/\/shopify\/Order\/\d+$/;
const DECIMAL = /^-?\d+(\.\d+)?$/;
const COUNT = /^\d+$/;

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

function date(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

function money(value: unknown): { amount: string; currencyCode: string } | null {
  if (!isObj(value)) return null;
  const amount = typeof value.amount === "string" ? value.amount : null;
  const currencyCode = text(value.currencyCode);
  return amount && DECIMAL.test(amount) && currencyCode ? { amount, currencyCode } : null;
}

function parseCustomer(line: Partial<BulkCustomerLine> & Obj): BulkLine {
  const shopifyId = text(line.id);
  if (!shopifyId || !CUSTOMER_GID.test(shopifyId))
    return { kind: "malformed", reason: "customer id is not a Customer gid" };
  const count = String(line.numberOfOrders ?? "");
  if (!COUNT.test(count)) return { kind: "malformed", reason: "numberOfOrders is not a count" };
  const spent = money(line.amountSpent);
  if (!spent) return { kind: "malformed", reason: "amountSpent is not a money amount" };
  const email = isObj(line.defaultEmailAddress) ? line.defaultEmailAddress : null;
  const phone = isObj(line.defaultPhoneNumber) ? line.defaultPhoneNumber : null;
  const address = isObj(line.defaultAddress) ? line.defaultAddress : null;
  return {
    kind: "customer",
    shopifyId,
    email: text(email?.emailAddress)?.toLowerCase() ?? null,
    phone: text(phone?.phoneNumber),
    firstName: text(line.firstName),
    lastName: text(line.lastName),
    locale: text(line.locale),
    timezone: text(address?.timeZone),
    countryCode: text(address?.countryCodeV2),
    emailMarketingState: text(email?.marketingState),
    smsMarketingState: text(phone?.marketingState),
    tags: Array.isArray(line.tags) ? line.tags.filter((tag): tag is string => typeof tag === "string") : [],
    ordersCount: Number(count),
    totalSpent: spent.amount,
    shopifyCreatedAt: date(line.createdAt),
    shopifyUpdatedAt: date(line.updatedAt),
  };
}

function parseOrder(line: Partial<BulkCustomerOrderLine> & Obj, parentId: string): BulkLine {
  const shopifyId = text(line.id);
  if (!shopifyId || !ORDER_GID.test(shopifyId)) return { kind: "malformed", reason: "child line is not an Order" };
  if (!CUSTOMER_GID.test(parentId)) return { kind: "malformed", reason: "__parentId is not a Customer gid" };
  const processedAt = date(line.processedAt);
  if (!processedAt) return { kind: "malformed", reason: "order processedAt is not a date" };
  const total = money(isObj(line.totalPriceSet) ? line.totalPriceSet.shopMoney : null);
  if (!total) return { kind: "malformed", reason: "order totalPriceSet is not a money amount" };
  return {
    kind: "order",
    parentId,
    shopifyId,
    name: text(line.name),
    processedAt,
    cancelledAt: date(line.cancelledAt),
    financialStatus: text(line.displayFinancialStatus),
    totalPrice: total.amount,
    currencyCode: total.currencyCode,
  };
}

/** One line of the result file. Never throws: a line Kindly cannot use is `malformed` with the reason. */
export function parseBulkLine(line: string): BulkLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: "malformed", reason: "not valid JSON" };
  }
  if (!isObj(value)) return { kind: "malformed", reason: "not a JSON object" };
  const parentId = value.__parentId;
  if (parentId === undefined) return parseCustomer(value);
  if (typeof parentId !== "string") return { kind: "malformed", reason: "__parentId is not a string" };
  return parseOrder(value, parentId);
}

/**
 * Splits a byte stream into lines, yielding them in arrays of at most `batchSize` (one await per batch rather than
 * per line keeps a million-line file fast). Blank lines are skipped and not counted. Multi-byte characters split
 * across chunks are decoded correctly (streaming TextDecoder). Memory: one chunk plus one batch.
 */
export async function* readLineBatches(
  source: AsyncIterable<Uint8Array | string>,
  batchSize: number,
): AsyncGenerator<string[]> {
  const decoder = new TextDecoder("utf-8");
  let pending = "";
  let batch: string[] = [];
  for await (const chunk of source) {
    pending += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = pending.indexOf("\n", start); end !== -1; end = pending.indexOf("\n", start)) {
      const line = pending.charCodeAt(end - 1) === 13 ? pending.slice(start, end - 1) : pending.slice(start, end);
      start = end + 1;
      if (line.trim() === "") continue;
      batch.push(line);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    pending = pending.slice(start);
  }
  pending += decoder.decode();
  if (pending.trim() !== "") batch.push(pending.replace(/\r$/, ""));
  if (batch.length > 0) yield batch;
}

/** A customer with the orders that followed it in the file. */
export interface CustomerGroup {
  customer: BulkCustomerRecord;
  orders: BulkOrderRecord[];
}

/**
 * Joins orders to their customer as the lines stream past (grouped output: a customer's orders come right after
 * it). Holds one customer at a time. An order whose parent is not the customer being collected (its customer came
 * in an earlier batch, before a resume, or the file is ungrouped) is returned as an orphan for the caller to join
 * by id.
 */
export class CustomerGrouper {
  private current: CustomerGroup | null = null;

  /** Feeds one parsed line; returns the group it completed, or an orphan order. */
  push(line: BulkCustomerRecord | BulkOrderRecord): { group?: CustomerGroup; orphan?: BulkOrderRecord } {
    if (line.kind === "customer") {
      const done = this.current;
      this.current = { customer: line, orders: [] };
      return done ? { group: done } : {};
    }
    if (this.current && this.current.customer.shopifyId === line.parentId) {
      this.current.orders.push(line);
      return {};
    }
    return { orphan: line };
  }

  /** The last customer, at the end of the file. */
  finish(): CustomerGroup | null {
    const done = this.current;
    this.current = null;
    return done;
  }
}
