import fs from "node:fs";
import path from "node:path";
import { http, HttpResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticate } from "~/shopify.server";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { SHARED_DIR } from "../support/paths";
import {
  JsonNumber,
  sendWebhook,
  signWebhook,
  stringifyJson,
  webhookApiVersion,
  webhookPayload,
  webhookRequest,
  webhookUri,
  type JsonValue,
  type WebhookSubject,
} from "../support/webhooks";

/**
 * The webhook sender produces what Shopify sends: payloads shaped like Shopify's samples, exact big ids in the raw
 * body, a valid HMAC and every X-Shopify-* header, so Kindly's `authenticate.webhook` accepts them, and refuses
 * them once tampered with.
 */

const APP_URL = "https://kindly.test";
const API_SECRET = "test-api-secret"; // what tests/support/setup-test-env.ts gives the app
const store = createShopStore({ seed: 42 });

const customer = store.customers.find((candidate) => store.numberOfOrders(candidate.id) >= 3)!;
const fulfilled = store.orders.find((order) => order.fulfillmentStatus === "FULFILLED")!;
const checkout = store.openCheckouts().find((candidate) => candidate.customerId !== null)!;

const SUBJECTS: WebhookSubject[] = [
  { topic: "checkouts/create", checkout },
  { topic: "checkouts/update", checkout, withId: true },
  { topic: "orders/create", order: store.orders[store.orders.length - 1] },
  { topic: "orders/paid", order: store.orders[store.orders.length - 1] },
  { topic: "orders/fulfilled", order: fulfilled },
  { topic: "customers/create", customer },
  { topic: "customers/update", customer },
  { topic: "customers/redact", customer },
  { topic: "customers/data_request", customer },
  { topic: "shop/redact" },
  { topic: "app/uninstalled" },
  {
    topic: "bulk_operations/finish",
    operation: {
      ...store.createBulkOperation("{ customers { edges { node { id } } } }", true),
      status: "COMPLETED",
      completedAt: store.now(),
    },
  },
];

function request(subject: WebhookSubject, overrides: { body?: string } = {}): Request {
  return webhookRequest({
    appUrl: APP_URL,
    apiSecret: API_SECRET,
    topic: subject.topic,
    shop: store.domain,
    body: overrides.body ?? webhookPayload(store, subject),
  });
}

describe("signed webhooks pass Kindly's authenticate.webhook", () => {
  for (const subject of SUBJECTS) {
    it(`${subject.topic}${"withId" in subject && subject.withId ? " (with a top-level id)" : ""}`, async () => {
      const context = await authenticate.webhook(request(subject));
      expect(context.shop).toBe(store.domain);
      expect(context.topic).toBe(subject.topic.toUpperCase().replace("/", "_"));
      expect(context.apiVersion).toBe(webhookApiVersion());
      expect(context.webhookId).toMatch(/^[0-9a-f-]{36}$/);
      expect(context.payload).toBeTruthy();
    });
  }

  it("refuses a tampered body with a thrown 401 Response", async () => {
    const signed = request(SUBJECTS[2]);
    const body = await signed.text();
    const tampered = new Request(signed.url, {
      method: "POST",
      headers: signed.headers,
      body: body.replace(/"total_price":"[\d.]+"/, '"total_price":"0.01"'),
    });
    expect(await tampered.clone().text()).not.toBe(body);
    const thrown = await authenticate.webhook(tampered).then(
      () => null,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(401);
  });

  it("refuses a webhook signed with another secret", async () => {
    const foreign = webhookRequest({
      appUrl: APP_URL,
      apiSecret: "someone-else",
      topic: "shop/redact",
      shop: store.domain,
      body: webhookPayload(store, { topic: "shop/redact" }),
    });
    await expect(authenticate.webhook(foreign)).rejects.toMatchObject({ status: 401 });
  });
});

describe("webhook requests", () => {
  it("carry every X-Shopify header, and the HMAC is base64 HMAC-SHA256 of the raw body", async () => {
    const signed = request({ topic: "orders/create", order: fulfilled });
    const body = await signed.clone().text();
    for (const header of [
      "X-Shopify-Topic",
      "X-Shopify-Hmac-Sha256",
      "X-Shopify-Shop-Domain",
      "X-Shopify-API-Version",
      "X-Shopify-Webhook-Id",
      "X-Shopify-Event-Id",
      "X-Shopify-Triggered-At",
    ]) {
      expect(signed.headers.get(header), header).toBeTruthy();
    }
    expect(signed.headers.get("X-Shopify-Hmac-Sha256")).toBe(signWebhook(body, API_SECRET));
    expect(signed.headers.get("X-Shopify-Shop-Domain")).toBe(store.domain);
    // A redelivery of the same event keeps its ids, so Kindly can de-duplicate it.
    const again = request({ topic: "orders/create", order: fulfilled });
    expect(again.headers.get("X-Shopify-Event-Id")).toBe(signed.headers.get("X-Shopify-Event-Id"));
    expect(again.headers.get("X-Shopify-Webhook-Id")).toBe(signed.headers.get("X-Shopify-Webhook-Id"));
  });

  it("go to the URI shopify.app.toml subscribes, or /webhooks/<topic> for topics not subscribed yet", () => {
    expect(webhookUri("app/uninstalled")).toBe("/webhooks/app/uninstalled");
    expect(webhookUri("customers/redact")).toBe("/webhooks/customers/redact");
    expect(webhookUri("shop/redact")).toBe("/webhooks/shop/redact");
    expect(webhookUri("some/future_topic")).toBe("/webhooks/some/future_topic");
    expect(new URL(request({ topic: "checkouts/create", checkout }).url).href).toBe(
      `${APP_URL}${webhookUri("checkouts/create")}`,
    );
  });

  it("write Shopify's big numeric ids digit for digit, as JSON numbers", async () => {
    const order = store.orders[0];
    const body = await request({ topic: "orders/create", order }).text();
    expect(body).toContain(`{"id":${order.legacyId},"admin_graphql_api_id":"${order.id}"`);
    expect(BigInt(order.legacyId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
    // What a naive JSON.parse does to them, and why Kindly keys on admin_graphql_api_id.
    expect(String((JSON.parse(body) as { id: number }).id)).not.toBe(order.legacyId);
    expect(() => stringifyJson({ id: Number("820982911946154508") })).toThrow(/Unsafe integer/);
    expect(stringifyJson({ id: new JsonNumber("820982911946154508"), ok: [1, "a", null, true] })).toBe(
      '{"id":820982911946154508,"ok":[1,"a",null,true]}',
    );
  });

  it("send both checkout shapes: current (no id, token first) and legacy (numeric id first)", () => {
    const current = webhookPayload(store, { topic: "checkouts/update", checkout }) as Record<string, JsonValue>;
    const legacy = webhookPayload(store, { topic: "checkouts/update", checkout, withId: true }) as Record<
      string,
      JsonValue
    >;
    expect(Object.keys(current)[0]).toBe("token");
    expect("id" in current).toBe(false);
    expect(Object.keys(legacy)[0]).toBe("id");
    expect(legacy.token).toBe(checkout.token);
    expect(current.abandoned_checkout_url).toBe(checkout.abandonedCheckoutUrl);
  });

  it("use the shop's time zone with an explicit offset for timestamps", () => {
    const payload = webhookPayload(store, { topic: "orders/create", order: fulfilled }) as Record<string, JsonValue>;
    expect(payload.processed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    expect(new Date(String(payload.processed_at)).getTime()).toBe(
      Math.floor(fulfilled.processedAt.getTime() / 1000) * 1000,
    );
  });
});

const SAMPLES_DIR = path.join(SHARED_DIR, "shopify", "webhooks");
const samplesPresent = fs.existsSync(SAMPLES_DIR);

/** Every key of Shopify's sample (recursively, first element of arrays) that the built payload lacks. */
function missingKeys(sample: unknown, built: unknown, at = ""): string[] {
  if (Array.isArray(sample)) {
    if (!Array.isArray(built)) return [`${at} (array expected)`];
    return sample.length > 0 && built.length > 0 ? missingKeys(sample[0], built[0], `${at}[0]`) : [];
  }
  if (sample === null || typeof sample !== "object") return [];
  if (built === null || typeof built !== "object" || Array.isArray(built))
    return built === null ? [] : [`${at} (object expected)`];
  return Object.entries(sample as Record<string, unknown>).flatMap(([key, value]) =>
    key in (built as Record<string, unknown>)
      ? missingKeys(value, (built as Record<string, unknown>)[key], `${at}.${key}`)
      : [`${at}.${key}`],
  );
}

describe.skipIf(!samplesPresent)(
  samplesPresent
    ? "payload shapes match Shopify's samples"
    : `payload shapes match Shopify's samples (skipped: ${SAMPLES_DIR} not found)`,
  () => {
    for (const subject of SUBJECTS) {
      const file = path.join(SAMPLES_DIR, `${subject.topic.replace("/", "-")}.json`);
      const present = fs.existsSync(file);
      it.skipIf(!present)(
        `${subject.topic} has every field of ${path.basename(file)}${present ? "" : " (skipped: Shopify publishes no sample)"}`,
        () => {
          const sample = JSON.parse(fs.readFileSync(file, "utf8")) as unknown;
          const built = JSON.parse(stringifyJson(webhookPayload(store, subject))) as unknown;
          expect(missingKeys(sample, built)).toEqual([]);
        },
      );
    }
  },
);

describe("sendWebhook", () => {
  const received: Request[] = [];
  const emulator = createEmulator({ shops: [store], appUrl: APP_URL, apiSecret: API_SECRET });
  let server: EmulatorServer;
  beforeAll(() => {
    server = startEmulatorServer(emulator, {
      extraHandlers: [
        http.post(`${APP_URL}/webhooks/*`, ({ request: incoming }) => {
          received.push(incoming.clone());
          return new HttpResponse(null, { status: 200 });
        }),
      ],
    });
  });
  afterAll(() => server.close());

  it("POSTs a signed webhook to the app and reports the answer", async () => {
    const delivery = await sendWebhook({
      appUrl: APP_URL,
      apiSecret: API_SECRET,
      topic: "checkouts/create",
      shop: store.domain,
      body: webhookPayload(store, { topic: "checkouts/create", checkout }),
    });
    expect(delivery.status).toBe(200);
    expect(received).toHaveLength(1);
    const context = await authenticate.webhook(received[0]);
    expect((context.payload as { token: string }).token).toBe(checkout.token);
  });

  it("is also available from the emulator, which records every delivery", async () => {
    const newCheckout = store.createCheckout({ customerId: customer.id });
    const delivery = await emulator.sendWebhook(store, { topic: "checkouts/create", checkout: newCheckout });
    expect(delivery.status).toBe(200);
    expect(emulator.webhookDeliveries.map((entry) => entry.topic)).toEqual(["checkouts/create"]);
    const context = await authenticate.webhook(received[received.length - 1]);
    expect((context.payload as { email: string }).email).toBe(customer.email);
  });
});
