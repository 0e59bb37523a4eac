import { createHmac } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSession, createShop } from "../support/factories";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { MAX_CHAT_MESSAGE_CHARS } from "~/modules/storefront/chat.server";
import { CHAT_RATES, MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { createVisitorToken } from "~/modules/storefront/visitor-token.server";
import type * as ChatRoute from "~/routes/proxy.chat";
import type * as MessagesRoute from "~/routes/proxy.chat.messages";
import type * as OrdersRoute from "~/routes/proxy.orders";

/**
 * The chat and order-lookup endpoints behind Shopify's app proxy, called with real Requests against the test's
 * SQLite database and the shop emulator: signatures, visitor tokens, limits, the inbox seam, and what a visitor may
 * see (only their own conversation, only shopper and staff messages).
 */

const SECRET = "test-api-secret";
const store = createShopStore({ seed: 42 });
const emulator = createEmulator({ shops: [store], appUrl: "https://kindly.test", apiSecret: SECRET });
const OTHER_SHOP = "other-shop.myshopify.com";
const clock = new ManualClock("2026-11-24T12:00:00Z");
let server: EmulatorServer;
let chat: typeof ChatRoute;
let messages: typeof MessagesRoute;
let orders: typeof OrdersRoute;

beforeAll(async () => {
  server = startEmulatorServer(emulator);
  await createShop(store.domain);
  await createSession(store.domain);
  await createShop(OTHER_SHOP);
  chat = await import("~/routes/proxy.chat");
  messages = await import("~/routes/proxy.chat.messages");
  orders = await import("~/routes/proxy.orders");
});
afterAll(() => server?.close());
beforeEach(async () => {
  resetRateLimits();
  setClock(clock);
  await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: null } });
});

function signedUrl(
  path: string,
  { secret = SECRET, shop = store.domain, timestamp = Math.floor(Date.now() / 1000), customer = "" } = {},
) {
  const query: Record<string, string> = {
    shop,
    logged_in_customer_id: customer,
    path_prefix: "/apps/kindly",
    timestamp: String(timestamp),
  };
  const message = Object.keys(query)
    .sort()
    .map((key) => `${key}=${query[key]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return `https://kindly.test/proxy/${path}?${new URLSearchParams({ ...query, signature }).toString()}`;
}

type Route = { action: (args: { request: Request; params: object; context: object }) => Promise<Response> };

async function post(route: Route, url: string, body: unknown, ip = "203.0.113.7") {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  const response = await route.action({
    request: new Request(url, {
      method: "POST",
      body: text,
      headers: { "Content-Type": "application/json", "X-Forwarded-For": ip },
    }),
    params: {},
    context: {},
  });
  const raw = await response.text();
  return { status: response.status, headers: response.headers, raw, json: JSON.parse(raw) };
}

const send = (body: unknown, ip?: string, url = signedUrl("chat")) => post(chat as Route, url, body, ip);
const poll = (body: unknown, ip?: string, url = signedUrl("chat/messages")) => post(messages as Route, url, body, ip);

describe("POST /proxy/chat and /proxy/chat/messages", () => {
  it("a first message while someone is online needs no email: stored as a CHAT conversation for the shop", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const status = await poll({});
    expect(status.json).toMatchObject({ online: true, messages: [], token: null });

    const sent = await send({ body: "Hello, is the blue mug back in stock?", name: "Ada" });
    expect(sent.status).toBe(200);
    expect(sent.json.token).toEqual(expect.any(String));
    expect(sent.json.message).toMatchObject({ author: "SHOPPER", body: "Hello, is the blue mug back in stock?" });

    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: store.domain, channel: "CHAT", contactName: "Ada" },
      include: { messages: true },
    });
    expect(conversation.visitorId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(conversation.messages.map((m) => m.body)).toEqual(["Hello, is the blue mug back in stock?"]);

    // The same visitor (token) on the next page: the same conversation, and polling shows it.
    clock.advance(60_000);
    const again = await send({ token: sent.json.token, body: "Any news?" });
    expect(again.status).toBe(200);
    const listed = await poll({ token: again.json.token });
    expect(listed.json.messages.map((m: { body: string }) => m.body)).toEqual([
      "Hello, is the blue mug back in stock?",
      "Any news?",
    ]);
    expect(await prisma.conversation.count({ where: { visitorId: conversation.visitorId } })).toBe(1);
  });

  it("asks for an email only when nobody is online, and keeps it once given", async () => {
    const first = await send({ body: "Are you there?" });
    expect(first.status).toBe(400);
    expect(first.json).toEqual({ error: "email_required" });
    const bad = await send({ body: "Are you there?", email: "not an email" });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: "invalid_input", fields: ["email"] });

    const withEmail = await send({ body: "Are you there?", email: "Grace@Example.com" });
    expect(withEmail.status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { contactEmail: "grace@example.com" } });
    expect(conversation.channel).toBe("CHAT");
    // Later messages from the same visitor need no email again.
    const later = await send({ token: withEmail.json.token, body: "Still here" });
    expect(later.status).toBe(200);
  });

  it("polls with a since cursor: only new messages, staff replies with their name, never notes or other visitors' messages", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const mine = await send({ body: "Where is my parcel?" });
    const theirs = await send({ body: "Someone else's question" }, "198.51.100.9");
    const first = await poll({ token: mine.json.token });
    expect(first.json.messages).toHaveLength(1);
    const cursor = first.json.cursor;
    expect(cursor).toEqual(expect.any(String));

    const { id: conversationId } = await prisma.conversation.findFirstOrThrow({
      where: { messages: { some: { body: "Where is my parcel?" } } },
    });
    clock.advance(30_000);
    await prisma.conversationMessage.createMany({
      data: [
        {
          shop: store.domain,
          conversationId,
          author: "NOTE",
          channel: "CHAT",
          body: "internal: VIP?",
          createdAt: clock.now(),
        },
        {
          shop: store.domain,
          conversationId,
          author: "STAFF",
          authorName: "Sam",
          channel: "CHAT",
          body: "It ships today.",
          createdAt: clock.now(),
        },
        {
          shop: store.domain,
          conversationId,
          author: "SYSTEM",
          channel: "CHAT",
          body: "assigned",
          createdAt: clock.now(),
        },
      ],
    });
    const next = await poll({ token: mine.json.token, since: cursor });
    expect(next.json.messages).toEqual([
      expect.objectContaining({ author: "STAFF", authorName: "Sam", body: "It ships today.", kind: "MESSAGE" }),
    ]);
    const idle = await poll({ token: mine.json.token, since: next.json.cursor });
    expect(idle.json.messages).toEqual([]);
    expect(idle.json.cursor).toBe(next.json.cursor);
    expect(JSON.stringify(next.json)).not.toContain("Someone else");
    expect(JSON.stringify(next.json)).not.toContain("internal");
    // The other visitor sees only their own message.
    const other = await poll({ token: theirs.json.token });
    expect(other.json.messages.map((m: { body: string }) => m.body)).toEqual(["Someone else's question"]);
  });

  it("a logged-in customer (Shopify's logged_in_customer_id) needs no email and is linked to the conversation", async () => {
    const customer = await prisma.customer.create({
      data: { shop: store.domain, shopifyId: "gid://shopify/Customer/9007199254740993", email: "lin@example.com" },
    });
    const url = signedUrl("chat", { customer: "9007199254740993" });
    const sent = await send({ body: "Where is my order?" }, "198.51.100.60", url);
    expect(sent.status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: store.domain, messages: { some: { body: "Where is my order?" } } },
    });
    expect(conversation).toMatchObject({ customerId: customer.id, contactEmail: "lin@example.com" });
  });

  it("typing someone else's email shows nothing of their conversation", async () => {
    const victim = await send({ body: "My address is 1 Secret Street", email: "victim@example.com" });
    expect(victim.status).toBe(200);
    const intruder = await send({ body: "Hi", email: "victim@example.com" }, "198.51.100.77");
    expect(intruder.status).toBe(200);
    const seen = await poll({ token: intruder.json.token }, "198.51.100.77");
    expect(seen.status).toBe(200);
    expect(seen.raw).not.toContain("Secret Street");
    // The victim's own view is unchanged by the intruder's token.
    const own = await poll({ token: victim.json.token });
    expect(own.json.messages.map((m: { body: string }) => m.body)).toContain("My address is 1 Secret Street");
  });

  it("the demo's app proxy does not exist outside demo mode", async () => {
    const demoProxy = await import("~/routes/apps.kindly.$");
    let answer: unknown;
    try {
      answer = await demoProxy.loader({
        request: new Request("https://kindly.test/apps/kindly/faq?q=x"),
        params: { "*": "faq" },
        context: {},
      });
    } catch (thrown) {
      answer = thrown;
    }
    expect(answer).toBeInstanceOf(Response);
    expect((answer as Response).status).toBe(404);
  });

  it("stores XSS payloads raw and answers them as inert JSON", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const payload = `<img src=x onerror="alert(1)"><script>alert('x')</script>`;
    const sent = await send({ body: payload, name: `<b onmouseover=alert(2)>Eve</b>` });
    expect(sent.status).toBe(200);
    expect(sent.raw).not.toContain("<script");
    expect(sent.raw).not.toContain("<img");
    const stored = await prisma.conversationMessage.findFirstOrThrow({ where: { body: payload } });
    expect(stored.authorName).toBe(`<b onmouseover=alert(2)>Eve</b>`);
    const listed = await poll({ token: sent.json.token });
    expect(listed.raw).not.toMatch(/<(img|script|b)/);
    expect(listed.json.messages[0].body).toBe(payload);
  });

  it("refuses forged, expired and other-shop visitor tokens with 401 and no data", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const sent = await send({ body: "My private question" });
    const token: string = sent.json.token;
    const [payload, tag] = token.split(".");
    const forged = `${payload}.${tag.slice(0, -2)}${tag.endsWith("AA") ? "BB" : "AA"}`;
    for (const bad of [forged, "garbage", `${payload}.`]) {
      const answer = await poll({ token: bad });
      expect(answer.status, bad).toBe(401);
      expect(answer.raw).not.toContain("private");
      expect((await send({ token: bad, body: "hi" })).status).toBe(401);
    }
    const visitorId = JSON.parse(Buffer.from(payload, "base64url").toString()).v as string;
    const otherShop = createVisitorToken({ visitorId, shop: OTHER_SHOP }, { now: clock.now() });
    expect((await poll({ token: otherShop })).status).toBe(401);
    const expired = createVisitorToken({ visitorId, shop: store.domain }, { now: clock.now(), ttlSeconds: 60 });
    clock.advance(61_000);
    const late = await poll({ token: expired });
    expect(late.status).toBe(401);
    expect(late.raw).not.toContain("private");
  });

  it("answers 401 to a forged, expired or other-shop proxy signature", async () => {
    const forged = await send({ body: "hi" }, undefined, signedUrl("chat", { secret: "wrong-secret" }));
    expect(forged.status).toBe(401);
    expect(forged.json).toEqual({ error: "invalid_signature" });
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect((await poll({}, undefined, signedUrl("chat/messages", { timestamp: old }))).status).toBe(401);
    const moved = signedUrl("chat").replace(encodeURIComponent(store.domain), OTHER_SHOP);
    expect((await send({ body: "hi" }, undefined, moved)).status).toBe(401);
    expect(await prisma.conversation.count({ where: { contactName: null, messages: { some: { body: "hi" } } } })).toBe(
      0,
    );
  });

  it("limits messages per visitor and requests per IP with a clear 429 and Retry-After", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const first = await send({ body: "1" }, "192.0.2.1");
    let token = first.json.token as string;
    // The first message counted for "a new visitor on this IP"; from then on the visitor's own budget counts.
    for (let i = 1; i <= CHAT_RATES.sendPerVisitor.requests; i++) {
      const answer = await send({ token, body: String(i) }, "192.0.2.1");
      expect(answer.status).toBe(200);
      token = answer.json.token;
    }
    const limited = await send({ token, body: "one too many" }, "192.0.2.1");
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: "rate_limited" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another visitor on another IP is unaffected.
    expect((await send({ body: "hello" }, "192.0.2.2")).status).toBe(200);

    // Per IP: polling from one address runs out whatever the visitor.
    resetRateLimits();
    let last = 200;
    for (let i = 0; i <= CHAT_RATES.perIp.requests; i++) last = (await poll({}, "192.0.2.3")).status;
    expect(last).toBe(429);
  });

  it("limits message length (400 with the limit) and body size (413), storing nothing", async () => {
    await prisma.shop.update({ where: { shop: store.domain }, data: { staffLastSeenAt: clock.now() } });
    const long = await send({ body: "x".repeat(MAX_CHAT_MESSAGE_CHARS + 1) });
    expect(long.status).toBe(400);
    expect(long.json).toEqual({ error: "message_too_long", maxLength: MAX_CHAT_MESSAGE_CHARS });
    const huge = await send({ body: "y".repeat(MAX_PROXY_BODY_BYTES + 10) });
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ error: "body_too_large" });
    expect((await send("{not json")).status).toBe(400);
    expect((await send({ body: "   " })).json).toEqual({ error: "empty_message" });
    expect(await prisma.conversationMessage.count({ where: { body: { startsWith: "xxx" } } })).toBe(0);
    expect((await send({ body: "x".repeat(MAX_CHAT_MESSAGE_CHARS) })).status).toBe(200);
  });
});

describe("POST /proxy/orders", () => {
  const lookup = (body: unknown, ip?: string, url = signedUrl("orders")) => post(orders as Route, url, body, ip);
  const shipped = () =>
    store.orders.find(
      (order) =>
        order.email !== null &&
        order.fulfillments.length > 0 &&
        order.fulfillments[0].trackingInfo.length > 0 &&
        order.cancelledAt === null,
    )!;

  it("finds an order by number and its email: status, tracking numbers and links, status page", async () => {
    const order = shipped();
    const found = await lookup({ number: order.name.replace("#", ""), email: ` ${order.email!.toUpperCase()} ` });
    expect(found.status).toBe(200);
    expect(found.json.order).toMatchObject({
      name: order.name,
      status: expect.any(String),
      statusPageUrl: order.statusPageUrl,
    });
    expect(found.json.order.shipments[0].label).toMatch(/^Shipment 1: /);
    expect(JSON.stringify(found.json)).not.toContain(order.email!);
    const tracking = order.fulfillments[0].trackingInfo[0];
    expect(found.json.order.shipments[0].tracking[0]).toEqual({
      company: tracking.company,
      number: tracking.number,
      url: tracking.url,
    });
  });

  it("words the statuses in the shopper's language from the extension's locale files", async () => {
    const order = store.orders.find(
      (candidate) =>
        candidate.email !== null &&
        candidate.cancelledAt === null &&
        candidate.fulfillmentStatus === "FULFILLED" &&
        candidate.fulfillments[0]?.displayStatus === "DELIVERED",
    )!;
    const fr = await lookup({ number: order.name, email: order.email, locale: "fr-FR" });
    expect(fr.json.order.status).toBe("Expédiée");
    expect(fr.json.order.shipments[0].label).toBe("Colis 1 : Livré".replace(" :", ":"));
    const en = await lookup({ number: order.name, email: order.email, locale: "en" });
    expect(en.json.order.status).toBe("Shipped");
    expect(en.json.order.shipments[0].label).toBe("Shipment 1: Delivered");
  });

  it("a wrong email or an unknown number gives 404 and no data", async () => {
    const order = shipped();
    const wrong = await lookup({ number: order.name, email: "someone.else@example.com" });
    expect(wrong.status).toBe(404);
    expect(wrong.json).toEqual({ error: "not_found" });
    expect(wrong.raw).not.toContain(order.statusPageUrl);
    const unknown = await lookup({ number: "99999999", email: order.email });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual(wrong.json);
    expect((await lookup({ number: "abc", email: order.email })).status).toBe(400);
  });

  it("limits lookups per IP (guessing emails) and checks the signature", async () => {
    const order = shipped();
    let last = 0;
    for (let i = 0; i <= CHAT_RATES.orderLookupPerIp.requests; i++) {
      last = (await lookup({ number: order.name, email: `guess${i}@example.com` }, "192.0.2.50")).status;
    }
    expect(last).toBe(429);
    const forged = await lookup(
      { number: order.name, email: order.email },
      "192.0.2.51",
      signedUrl("orders", { secret: "x" }),
    );
    expect(forged.status).toBe(401);
    expect(forged.raw).not.toContain(order.name);
  });
});
