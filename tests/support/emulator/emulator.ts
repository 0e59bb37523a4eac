import fs from "node:fs";
import { fileURLToPath } from "node:url";
import {
  buildSchema,
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import {
  sendWebhook as postWebhook,
  webhookPayload,
  type JsonValue,
  type WebhookDelivery,
  type WebhookSubject,
} from "../webhooks";
import { checkBulkQuery, flattenBulkResult } from "./bulk";
import { actualQueryCost, BUCKET_SIZE, MAX_SINGLE_QUERY_COST, requestedQueryCost, RESTORE_RATE } from "./cost";
import { fieldResolver, typeResolver, type EmulatorContext } from "./resolvers";
import type { ShopStore, UserErrorShape } from "./store";
import type { BulkOperationRecord } from "./types";

export const SUBSET_SDL_PATH = fileURLToPath(new URL("./admin-subset.graphql", import.meta.url));

let subsetSchemaCache: GraphQLSchema | null = null;

/** The emulator's own schema: the hand-written subset of Shopify's Admin API 2026-01. */
export function subsetSchema(): GraphQLSchema {
  subsetSchemaCache ??= buildSchema(fs.readFileSync(SUBSET_SDL_PATH, "utf8"));
  return subsetSchemaCache;
}

/** Where bulk operation results are served from (an MSW handler answers; the host never resolves for real). */
export const DEFAULT_BULK_FILE_ORIGIN = "https://emulator.kindly.test";

export interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

export interface GraphqlResponse {
  data?: unknown;
  errors?: GraphQLFormattedError[];
  extensions?: { cost: CostExtension };
}

export interface CostExtension {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

export interface RegisteredShop {
  store: ShopStore;
  /** When set, requests must present exactly this token; otherwise any non-empty token is accepted. */
  accessToken?: string;
}

/** The shops the emulator serves, keyed by myshopify domain. Requests for any other shop get a 404. */
export class ShopRegistry {
  private readonly shops = new Map<string, RegisteredShop>();

  add(store: ShopStore, options: { accessToken?: string } = {}): void {
    this.shops.set(store.domain, { store, accessToken: options.accessToken });
  }

  remove(domain: string): void {
    this.shops.delete(domain);
  }

  get(domain: string): RegisteredShop | null {
    return this.shops.get(domain) ?? null;
  }

  store(domain: string): ShopStore {
    const entry = this.shops.get(domain);
    if (!entry) throw new Error(`The emulator has no shop ${domain}`);
    return entry.store;
  }

  list(): ShopStore[] {
    return [...this.shops.values()].map((entry) => entry.store);
  }
}

export interface EmulatorOptions {
  shops: Array<ShopStore | RegisteredShop>;
  /** Kindly's public URL: where webhooks (bulk_operations/finish, sendWebhook) are POSTed. */
  appUrl?: string;
  /** The app's API secret, to sign webhooks. */
  apiSecret?: string;
  /**
   * "auto" (default): a bulk operation goes CREATED -> RUNNING -> COMPLETED on the next turns of the event loop.
   * "manual": it moves one step per `tickBulkOperations()`, so tests can observe every state.
   */
  bulkMode?: "auto" | "manual";
  bulkFileOrigin?: string;
  /** Send bulk_operations/finish when an operation ends (default: true when appUrl and apiSecret are set). */
  sendBulkFinishWebhook?: boolean;
  /** Delivers webhooks; default global fetch (answered by MSW in tests, by the app on loopback in the demo). */
  deliverWebhook?: (request: Request) => Promise<Response>;
  /** Milliseconds clock for the rate-limit bucket's refill (default Date.now). */
  rateLimitClock?: () => number;
}

export interface RecordedDelivery extends Omit<WebhookDelivery, "response"> {
  /** Set when the POST itself failed (connection refused, unhandled by MSW...). */
  error?: string;
}

function formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[] {
  return errors.map((error) => error.toJSON());
}

function versionAtLeast(version: string, minimum: string): boolean {
  return version === "unstable" || version >= minimum;
}

/**
 * The shop emulator: executes Admin GraphQL requests against the subset schema over registered stores, enforces
 * Shopify's rate limits and page sizes, runs bulk operations and serves their JSONL, and sends webhooks.
 */
export class ShopEmulator {
  readonly registry = new ShopRegistry();
  readonly schema = subsetSchema();
  /** Every webhook the emulator sent (bulk_operations/finish and sendWebhook), in order. */
  readonly webhookDeliveries: RecordedDelivery[] = [];
  readonly bulkFileOrigin: string;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly failures: Error[] = [];
  private readonly options: EmulatorOptions;

  constructor(options: EmulatorOptions) {
    this.options = options;
    this.bulkFileOrigin = options.bulkFileOrigin ?? DEFAULT_BULK_FILE_ORIGIN;
    for (const entry of options.shops) {
      if ("store" in entry) this.registry.add(entry.store, { accessToken: entry.accessToken });
      else this.registry.add(entry);
    }
  }

  get appUrl(): string | undefined {
    return this.options.appUrl;
  }

  // ---- GraphQL ------------------------------------------------------------------------------------------------

  /** Runs one Admin GraphQL request for a shop, as Shopify answers it (HTTP 200 with data/errors/extensions). */
  async execute(store: ShopStore, body: GraphqlRequestBody, apiVersion: string): Promise<GraphqlResponse> {
    if (typeof body.query !== "string" || body.query.trim() === "") {
      return { errors: [{ message: "No query string was present" }] };
    }
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return { errors: formatErrors([error instanceof GraphQLError ? error : new GraphQLError(String(error))]) };
    }
    const validationErrors = validate(this.schema, document);
    if (validationErrors.length > 0) return { errors: formatErrors(validationErrors) };

    const operationName = typeof body.operationName === "string" ? body.operationName : null;
    const operation = getOperationAST(document, operationName);
    if (!operation)
      return {
        errors: [
          {
            message: operationName
              ? `Unknown operation named "${operationName}".`
              : "Must provide operation name if query contains multiple operations.",
          },
        ],
      };
    const variables = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Record<
      string,
      unknown
    >;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    const costInput = { schema: this.schema, operation, fragments, variables };

    const requested = requestedQueryCost(costInput);
    const bucket = this.refillBucket(store);
    const throttleStatus = () => ({
      maximumAvailable: BUCKET_SIZE,
      currentlyAvailable: Math.floor(store.rateLimit.available),
      restoreRate: RESTORE_RATE,
    });
    if (requested > MAX_SINGLE_QUERY_COST) {
      return {
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      };
    }
    if (store.forcedThrottles > 0 || bucket.available < requested) {
      if (store.forcedThrottles > 0) store.forcedThrottles -= 1;
      return {
        errors: [
          {
            message: "Throttled",
            extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus() },
        },
      };
    }

    const context: EmulatorContext = {
      store,
      bulk: false,
      apiVersion,
      startBulkOperation: (query, groupObjects) => this.startBulkOperation(store, query, groupObjects, apiVersion),
      cancelBulkOperation: (id) => this.cancelBulkOperation(store, id),
    };
    const result = await execute({
      schema: this.schema,
      document,
      rootValue: null,
      contextValue: context,
      variableValues: variables,
      operationName,
      fieldResolver,
      typeResolver,
    });
    const actual = result.data ? actualQueryCost(costInput, result.data) : 0;
    store.rateLimit.available = Math.max(0, store.rateLimit.available - actual);
    return {
      ...(result.data !== undefined ? { data: result.data } : {}),
      ...(result.errors ? { errors: formatErrors(result.errors) } : {}),
      extensions: {
        cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus() },
      },
    };
  }

  private refillBucket(store: ShopStore): ShopStore["rateLimit"] {
    const now = (this.options.rateLimitClock ?? Date.now)();
    const last = store.rateLimit.updatedAtMs ?? now;
    store.rateLimit.available = Math.min(BUCKET_SIZE, store.rateLimit.available + ((now - last) / 1000) * RESTORE_RATE);
    store.rateLimit.updatedAtMs = now;
    return store.rateLimit;
  }

  // ---- Bulk operations --------------------------------------------------------------------------------------------

  private startBulkOperation(
    store: ShopStore,
    query: string,
    groupObjects: boolean,
    apiVersion: string,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: UserErrorShape[] } {
    const checked = checkBulkQuery(this.schema, query);
    if (!checked.ok)
      return { bulkOperation: null, userErrors: [{ field: ["query"], message: checked.message, code: "INVALID" }] };
    // 2026-01 lets an app run up to five bulk queries at once per shop; earlier versions one.
    const limit = versionAtLeast(apiVersion, "2026-01") ? 5 : 1;
    const active = store.bulkOperations.filter(
      (op) => op.status === "CREATED" || op.status === "RUNNING" || op.status === "CANCELING",
    );
    if (active.length >= limit) {
      return {
        bulkOperation: null,
        userErrors: [
          limit === 1
            ? {
                field: null,
                message: `A bulk query operation for this app and shop is already in progress: ${active[0].id}.`,
                code: "OPERATION_IN_PROGRESS",
              }
            : {
                field: null,
                message: `This app already runs ${limit} bulk query operations for this shop, the most allowed at a time.`,
                code: "LIMIT_REACHED",
              },
        ],
      };
    }
    const operation = store.createBulkOperation(query, groupObjects);
    if ((this.options.bulkMode ?? "auto") === "auto") {
      // Like Shopify, answer CREATED first; the operation runs on the next turns of the event loop.
      this.track(
        new Promise<void>((resolve) => setTimeout(resolve, 0))
          .then(() => this.advance(store, operation))
          .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
          .then(() => this.advance(store, operation)),
      );
    }
    return { bulkOperation: operation, userErrors: [] };
  }

  private cancelBulkOperation(
    store: ShopStore,
    id: string,
  ): { bulkOperation: BulkOperationRecord | null; userErrors: UserErrorShape[] } {
    const operation = store.getBulkOperation(id);
    if (!operation)
      return { bulkOperation: null, userErrors: [{ field: ["id"], message: "Bulk operation does not exist" }] };
    if (operation.status !== "CREATED" && operation.status !== "RUNNING") {
      return {
        bulkOperation: operation,
        userErrors: [
          { field: null, message: `A bulk operation cannot be canceled when it is ${operation.status.toLowerCase()}` },
        ],
      };
    }
    operation.status = "CANCELING";
    // The emulator finishes cancelling at once; the webhook still follows, as for any ending.
    this.track(
      new Promise<void>((resolve) => setTimeout(resolve, 0)).then(async () => {
        operation.status = "CANCELED";
        await this.finished(store, operation);
      }),
    );
    return { bulkOperation: operation, userErrors: [] };
  }

  /** Manual mode: moves every unfinished bulk operation one step (CREATED -> RUNNING -> COMPLETED/FAILED). */
  async tickBulkOperations(): Promise<void> {
    for (const store of this.registry.list()) {
      for (const operation of store.bulkOperations) {
        if (operation.status === "CREATED" || operation.status === "RUNNING") await this.advance(store, operation);
      }
    }
  }

  private async advance(store: ShopStore, operation: BulkOperationRecord): Promise<void> {
    if (operation.status === "CREATED") {
      operation.status = "RUNNING";
      return;
    }
    if (operation.status !== "RUNNING") return;
    if (store.nextBulkFailure) {
      operation.status = "FAILED";
      operation.errorCode = store.nextBulkFailure;
      operation.completedAt = store.now();
      store.nextBulkFailure = null;
      await this.finished(store, operation);
      return;
    }
    const checked = checkBulkQuery(this.schema, operation.query);
    if (!checked.ok) throw new Error(`Bulk query accepted at creation no longer checks: ${checked.message}`);
    const context: EmulatorContext = {
      store,
      bulk: true,
      apiVersion: "bulk",
      startBulkOperation: () => ({
        bulkOperation: null,
        userErrors: [{ field: null, message: "Bulk queries cannot start bulk operations" }],
      }),
      cancelBulkOperation: () => ({
        bulkOperation: null,
        userErrors: [{ field: null, message: "Bulk queries cannot cancel bulk operations" }],
      }),
    };
    const result = await execute({
      schema: this.schema,
      document: checked.document,
      rootValue: null,
      contextValue: context,
      fieldResolver,
      typeResolver,
    });
    if (result.errors?.length || !result.data) {
      operation.status = "FAILED";
      operation.errorCode = "INTERNAL_SERVER_ERROR";
      operation.completedAt = store.now();
      operation.failureMessage = (result.errors ?? []).map((error) => error.message).join("; ") || "no data";
      await this.finished(store, operation);
      return;
    }
    const { lines, rootObjectCount } = flattenBulkResult(
      this.schema,
      checked.document,
      result.data as Record<string, unknown>,
      operation.groupObjects,
      Number(BigInt(operation.legacyId) % 4_294_967_291n),
    );
    const jsonl = lines.map((line) => `${line}\n`).join("");
    operation.jsonl = jsonl;
    operation.objectCount = lines.length;
    operation.rootObjectCount = rootObjectCount;
    operation.fileSize = Buffer.byteLength(jsonl);
    // Shopify gives no URL when a query matched nothing.
    operation.url = lines.length > 0 ? this.bulkFileUrl(store, operation) : null;
    operation.status = "COMPLETED";
    operation.completedAt = store.now();
    await this.finished(store, operation);
  }

  bulkFileUrl(store: ShopStore, operation: BulkOperationRecord): string {
    return `${this.bulkFileOrigin}/bulk/${store.domain}/${operation.legacyId}.jsonl`;
  }

  /** The JSONL of a completed operation by its URL parts, or null (unknown, or not finished). */
  bulkFile(shop: string, legacyId: string): string | null {
    const store = this.registry.get(shop)?.store;
    const operation = store?.bulkOperations.find((op) => op.legacyId === legacyId);
    return operation?.jsonl ?? null;
  }

  private async finished(store: ShopStore, operation: BulkOperationRecord): Promise<void> {
    const enabled = this.options.sendBulkFinishWebhook ?? true;
    if (enabled && this.options.appUrl && this.options.apiSecret) {
      await this.sendWebhook(store, { topic: "bulk_operations/finish", operation });
    }
  }

  // ---- Webhooks ---------------------------------------------------------------------------------------------------

  /**
   * Sends a webhook for a shop to the configured app, signed with the configured secret. Never throws for a failed
   * delivery (Shopify would retry); the outcome is returned and kept in `webhookDeliveries`.
   */
  async sendWebhook(
    shop: ShopStore | string,
    subject: WebhookSubject | { topic: string; body: JsonValue | string },
    overrides: { eventId?: string; webhookId?: string; triggeredAt?: Date; uri?: string; apiVersion?: string } = {},
  ): Promise<RecordedDelivery & { response?: Response }> {
    const store = typeof shop === "string" ? this.registry.store(shop) : shop;
    const { appUrl, apiSecret } = this.options;
    if (!appUrl || !apiSecret) throw new Error("createEmulator needs appUrl and apiSecret to send webhooks");
    const body = "body" in subject ? subject.body : webhookPayload(store, subject as WebhookSubject);
    try {
      const delivery = await postWebhook({
        appUrl,
        apiSecret,
        topic: subject.topic,
        shop: store.domain,
        body,
        triggeredAt: overrides.triggeredAt ?? store.now(),
        ...overrides,
        fetch: this.options.deliverWebhook,
      });
      const { response, ...recorded } = delivery;
      this.webhookDeliveries.push(recorded);
      return { ...recorded, response };
    } catch (error) {
      const recorded: RecordedDelivery = {
        topic: subject.topic,
        shop: store.domain,
        url: appUrl,
        eventId: overrides.eventId ?? "",
        webhookId: overrides.webhookId ?? "",
        status: 0,
        error: (error as Error).message,
      };
      this.webhookDeliveries.push(recorded);
      return recorded;
    }
  }

  // ---- Lifecycle --------------------------------------------------------------------------------------------------

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => {
      // A bug in the emulator itself: make it visible to whoever awaits idle(), never an unhandled rejection.
      this.failures.push(error instanceof Error ? error : new Error(String(error)));
    });
    this.pending.add(tracked);
    void tracked.finally(() => this.pending.delete(tracked));
  }

  /** Resolves when running bulk operations and their webhooks are done; rethrows an emulator failure if any. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    const failure = this.failures.shift();
    if (failure) throw failure;
  }
}
