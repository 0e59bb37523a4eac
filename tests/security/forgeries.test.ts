import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { createToken, type TokenPayload } from "~/modules/messaging/tokens.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { createVisitorToken, newVisitorId } from "~/modules/storefront/visitor-token.server";
import { createCustomerFootprint, createShop, person } from "../support/factories";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { signedWebhook, webhookUri } from "../support/webhooks";
import {
  API_SECRET,
  APP_URL,
  adminRequest,
  call,
  installSession,
  proxyUrl,
  routeFiles,
  routeModule,
  sessionToken,
  snapshotShop,
} from "./support";
import { tally } from "./tally";

/**
 * Forged credentials of every kind Kindly accepts, against the real route modules and a real SQLite database:
 * webhook HMACs, app-proxy signatures, App Bridge session tokens, and Kindly's own signed tokens (engagement
 * links, CSAT links, storefront visitors). Each forgery must be refused, and the shop under attack must own exactly
 * the same rows afterwards. Each family also sends one genuine request, so a forgery is known to be refused for
 * its forged part and not because the request was broken in some other way.
 *
 * Routes are listed from app/routes on disk: a webhook, proxy or admin route added later is attacked too.
 */

const VICTIM = "victim-atelier.myshopify.com";
const OTHER = "other-boutique.myshopify.com";
const CONTROL = "control-shop.myshopify.com";
const victimStore = createShopStore({ seed: 7, shop: VICTIM });
const otherStore = createShopStore({ seed: 8, shop: OTHER });
const controlStore = createShopStore({ seed: 9, shop: CONTROL });
const emulator = createEmulator({
  shops: [victimStore, otherStore, controlStore],
  appUrl: APP_URL,
  apiSecret: API_SECRET,
});
const clock = new ManualClock(new Date());
let server: EmulatorServer;
let footprint: Awaited<ReturnType<typeof createCustomerFootprint>>;
let victimBefore: Record<string, string>;

const files = routeFiles();

beforeAll(async () => {
  setClock(clock);
  server = startEmulatorServer(emulator);
  for (const shop of [VICTIM, OTHER, CONTROL]) {
    await createShop(shop);
    await installSession(shop);
  }
  footprint = await createCustomerFootprint(VICTIM, person());
  victimBefore = await snapshotShop(VICTIM);
});

afterAll(async () => {
  server?.close();
  // Whatever each family tried, the victim shop owns exactly what it owned before.
  expect(await snapshotShop(VICTIM)).toEqual(victimBefore);
});

// ---- Webhooks -------------------------------------------------------------------------------------------------------

const WEBHOOK_ROUTES = files.filter((name) => name.startsWith("webhooks."));
const topicOf = (route: string) => route.slice("webhooks.".length).replace(".", "/");

/** A body of the right shape for the topic (the forgeries are refused before it matters; the genuine ones use it). */
function webhookBody(topic: string, shop: string): Record<string, unknown> {
  const customer = { id: 7_411_239_001, email: "camille@example.org", phone: "+33612345678" };
  switch (topic.split("/")[0]) {
    case "checkouts":
      return { token: "c0ffee", email: customer.email, updated_at: new Date().toISOString(), line_items: [] };
    case "orders":
      return {
        id: 820982911946154508n.toString(),
        admin_graphql_api_id: "gid://shopify/Order/1",
        email: customer.email,
      };
    case "customers":
      return {
        ...customer,
        admin_graphql_api_id: `gid://shopify/Customer/${customer.id}`,
        shop_id: 954889,
        shop_domain: shop,
        customer,
        orders_to_redact: [],
        orders_requested: [],
        data_request: { id: 9999 },
      };
    case "shop":
      return { shop_id: 954889, shop_domain: shop };
    case "app":
      return { id: 548380009, name: "Shop", myshopify_domain: shop, domain: shop };
    default:
      return { id: 1, admin_graphql_api_id: "gid://shopify/Node/1", status: "completed" };
  }
}

function genuine(topic: string, shop: string, body = webhookBody(topic, shop)) {
  return signedWebhook({ appUrl: APP_URL, apiSecret: API_SECRET, topic, shop, body: JSON.stringify(body) });
}

const send = (signed: { url: string; rawBody: string; headers: Record<string, string> }, patch = {}) =>
  new Request(signed.url, { method: "POST", headers: { ...signed.headers, ...patch }, body: signed.rawBody });

type WebhookForgery = [name: string, forge: (topic: string) => Request];

const otherTopic = (topic: string) => (topic === "checkouts/create" ? "app/uninstalled" : "checkouts/create");

const WEBHOOK_FORGERIES: WebhookForgery[] = [
  ["signed with another secret", (topic) => send(signedWebhook({ ...opts(topic), apiSecret: "not-the-app-secret" }))],
  ["signed with the API key", (topic) => send(signedWebhook({ ...opts(topic), apiSecret: "test-api-key" }))],
  [
    "truncated signature",
    (topic) => {
      const signed = genuine(topic, VICTIM);
      return send(signed, { "X-Shopify-Hmac-Sha256": signed.headers["X-Shopify-Hmac-Sha256"].slice(0, 22) });
    },
  ],
  [
    "right HMAC, hex instead of base64",
    (topic) => {
      const signed = genuine(topic, VICTIM);
      const hex = createHmac("sha256", API_SECRET).update(signed.rawBody).digest("hex");
      return send(signed, { "X-Shopify-Hmac-Sha256": hex });
    },
  ],
  [
    "body altered after signing",
    (topic) => {
      const signed = genuine(topic, VICTIM);
      return new Request(signed.url, {
        method: "POST",
        headers: signed.headers,
        body: signed.rawBody.replace("}", ',"injected":true}'),
      });
    },
  ],
  [
    "missing signature header",
    (topic) => {
      const signed = genuine(topic, VICTIM);
      const headers = { ...signed.headers };
      delete (headers as Record<string, string>)["X-Shopify-Hmac-Sha256"];
      return new Request(signed.url, { method: "POST", headers, body: signed.rawBody });
    },
  ],
  ["empty signature header", (topic) => send(genuine(topic, VICTIM), { "X-Shopify-Hmac-Sha256": "" })],
  [
    "replayed with another topic's header",
    (topic) => send(genuine(topic, VICTIM), { "X-Shopify-Topic": otherTopic(topic), "X-Shopify-Event-Id": "replay-1" }),
  ],
  [
    "another topic's signed body replayed to this route",
    (topic) => {
      const signed = genuine(topic, VICTIM, webhookBody(otherTopic(topic), VICTIM));
      return send(signed, { "X-Shopify-Event-Id": "replay-2" });
    },
  ],
  [
    "replayed with another shop's header (the body names the victim)",
    (topic) => send(genuine(topic, OTHER, { ...webhookBody(topic, VICTIM) }), { "X-Shopify-Event-Id": "replay-3" }),
  ],
];

function opts(topic: string) {
  return {
    appUrl: APP_URL,
    apiSecret: API_SECRET,
    topic,
    shop: VICTIM,
    body: JSON.stringify(webhookBody(topic, VICTIM)),
  };
}

/**
 * Which replays a route can tell apart: any route refuses another topic's header (the topic is bound to the URI);
 * the routes whose payloads name the shop refuse another shop's header and other topics' bodies. A checkout body
 * names no shop, so a checkouts/orders/customers route cannot tell a captured body replayed under another shop's
 * header (Shopify signs the body only; see README).
 */
function applies(forgery: string, topic: string): boolean {
  const namesShop = ["app/uninstalled", "shop/redact", "customers/redact", "customers/data_request"].includes(topic);
  if (forgery.startsWith("another topic's signed body")) return namesShop;
  if (forgery.startsWith("replayed with another shop's header")) return namesShop;
  return true;
}

describe("webhook HMAC forgeries", () => {
  it("there are webhook routes to attack, each at its toml URI", () => {
    expect(WEBHOOK_ROUTES.length).toBeGreaterThanOrEqual(12);
    for (const route of WEBHOOK_ROUTES) expect(webhookUri(topicOf(route))).toBe(`/webhooks/${topicOf(route)}`);
  });

  const cases = WEBHOOK_ROUTES.flatMap((route) =>
    WEBHOOK_FORGERIES.filter(([name]) => applies(name, topicOf(route))).map(
      ([name, forge]) => [route, name, forge] as const,
    ),
  );
  it.each(cases)("%s: %s -> 401, nothing written", async (route, _name, forge) => {
    const events = await prisma.webhookEvent.count();
    const answer = await call(await routeModule(route), "action", forge(topicOf(route)));
    expect(answer.status).toBe(401);
    expect(await prisma.webhookEvent.count()).toBe(events);
    tally("webhook HMAC and replay");
  });

  it.each(WEBHOOK_ROUTES)("%s: the genuine delivery (another shop) is accepted", async (route) => {
    const answer = await call(await routeModule(route), "action", send(genuine(topicOf(route), CONTROL)));
    expect(answer.status).toBe(200);
  });

  it("a genuine delivery replayed with its own ids changes nothing the second time", async () => {
    const route = await routeModule("webhooks.checkouts.create");
    const signed = genuine("checkouts/create", CONTROL, { ...webhookBody("checkouts/create", CONTROL), token: "r1" });
    expect((await call(route, "action", send(signed))).status).toBe(200);
    const before = await snapshotShop(CONTROL);
    expect((await call(route, "action", send(signed))).status).toBe(200);
    expect(await snapshotShop(CONTROL)).toEqual(before);
  });
});

// ---- App proxy ------------------------------------------------------------------------------------------------------

const PROXY_ROUTES = files.filter((name) => name.startsWith("proxy."));
const proxyPath = (route: string) => route.slice("proxy.".length).replace(/\./g, "/");

function proxyRequest(route: string, url: string): Request {
  // proxy.faq answers GET; every other proxy route is a POST with a JSON body.
  if (route === "proxy.faq") return new Request(url);
  return new Request(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.9" },
    body: JSON.stringify({ body: "hello", email: "camille@example.org", token: null }),
  });
}

const now = () => Math.floor(Date.now() / 1000);

function tamper(url: string, edit: (params: URLSearchParams) => void): string {
  const parsed = new URL(url);
  edit(parsed.searchParams);
  return parsed.toString();
}

type ProxyForgery = [name: string, forge: (path: string) => string];
const PROXY_FORGERIES: ProxyForgery[] = [
  ["signed with another secret", (p) => proxyUrl(p, { shop: VICTIM, secret: "not-the-app-secret" })],
  ["no signature", (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.delete("signature"))],
  ["empty signature", (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.set("signature", ""))],
  ["shop swapped after signing", (p) => tamper(proxyUrl(p, { shop: OTHER }), (q) => q.set("shop", VICTIM))],
  [
    "logged_in_customer_id added after signing",
    (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.set("logged_in_customer_id", "7411239001")),
  ],
  ["extra parameter added after signing", (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.append("admin", "1"))],
  ["duplicate shop parameter", (p) => tamper(proxyUrl(p, { shop: OTHER }), (q) => q.append("shop", VICTIM))],
  [
    "duplicate signature parameter",
    (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.append("signature", q.get("signature") ?? "")),
  ],
  ["stale timestamp (5 minutes old)", (p) => proxyUrl(p, { shop: VICTIM, timestamp: now() - 300 })],
  ["timestamp from the future (5 minutes)", (p) => proxyUrl(p, { shop: VICTIM, timestamp: now() + 300 })],
  ["timestamp not a number", (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.set("timestamp", "soon"))],
  [
    "signature of the uppercase hex",
    (p) => tamper(proxyUrl(p, { shop: VICTIM }), (q) => q.set("signature", (q.get("signature") ?? "").toUpperCase())),
  ],
];

describe("app proxy signature forgeries", () => {
  it("there are proxy routes to attack", () => expect(PROXY_ROUTES.length).toBeGreaterThanOrEqual(5));

  const cases = PROXY_ROUTES.flatMap((route) => PROXY_FORGERIES.map(([name, forge]) => [route, name, forge] as const));
  it.each(cases)("%s: %s -> 401", async (route, _name, forge) => {
    resetRateLimits();
    const module = await routeModule(route);
    const request = proxyRequest(route, forge(proxyPath(route)));
    const answer = await call(module, route === "proxy.faq" ? "loader" : "action", request);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text)).toEqual({ error: "invalid_signature" });
    tally("app proxy signature");
  });

  it.each(PROXY_ROUTES)("%s: a genuine signature passes the check", async (route) => {
    resetRateLimits();
    const request = proxyRequest(route, proxyUrl(proxyPath(route), { shop: CONTROL }));
    const answer = await call(await routeModule(route), route === "proxy.faq" ? "loader" : "action", request);
    expect(answer.status).not.toBe(401);
  });
});

// ---- App Bridge session tokens --------------------------------------------------------------------------------------

const ADMIN_ROUTES = files.filter((name) => name === "app" || name.startsWith("app."));

function editPayload(token: string, edit: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
  edit(claims);
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${signature}`;
}

type TokenForgery = [name: string, forge: () => string];
const SESSION_TOKEN_FORGERIES: TokenForgery[] = [
  ["signed with another secret", () => sessionToken(VICTIM, {}, { secret: "not-the-app-secret" })],
  ["alg none, no signature", () => sessionToken(VICTIM, {}, { alg: "none" })],
  ["alg HS512 with the right secret", () => sessionToken(VICTIM, {}, { alg: "HS512" })],
  ["audience of another app", () => sessionToken(VICTIM, { aud: "someone-elses-api-key" })],
  ["expired a minute ago", () => sessionToken(VICTIM, { exp: now() - 60, iat: now() - 120, nbf: now() - 120 })],
  ["not valid before a minute from now", () => sessionToken(VICTIM, { nbf: now() + 60, iat: now() })],
  [
    "shop B's token with dest edited to the victim",
    () => editPayload(sessionToken(OTHER), (claims) => Object.assign(claims, { dest: `https://${VICTIM}` })),
  ],
  ["signature stripped", () => sessionToken(VICTIM).split(".").slice(0, 2).join(".") + "."],
  ["not a JWT", () => "definitely-not-a-jwt"],
];

describe("session token (App Bridge JWT) forgeries", () => {
  it("there are admin routes to attack", () => expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(10));

  const cases = ADMIN_ROUTES.flatMap((route) =>
    SESSION_TOKEN_FORGERIES.map(([name, forge]) => [route, name, forge] as const),
  );
  const ADMIN_PARAMS = () => ({
    id: footprint.conversation.id,
    checkoutId: footprint.checkout.id,
    customerId: footprint.customer.id,
    slug: "vip",
  });
  it.each(cases)("%s loader: %s -> 401", async (route, _name, forge) => {
    const module = await routeModule(route);
    if (!module.loader) return;
    const answer = await call(module, "loader", adminRequest(`/${route.replace(/\./g, "/")}`, forge()), ADMIN_PARAMS());
    expect(answer.status).toBe(401);
    // Shopify's header telling App Bridge to fetch a fresh token and retry: the answer of an invalid token.
    expect(answer.headers.get("X-Shopify-Retry-Invalid-Session-Request")).toBe("1");
    tally("session token");
  });

  it.each(cases)("%s action: %s -> 401, nothing changed", async (route, _name, forge) => {
    const module = await routeModule(route);
    if (!module.action) return;
    // What each page's forms post, aimed at the victim: refused before any of it is read.
    const json = { intent: "close", section: "sender", values: { senderName: "Mallory" }, id: footprint.message.id };
    const answer = await call(
      module,
      "action",
      adminRequest(`/${route.replace(/\./g, "/")}`, forge(), { json }),
      ADMIN_PARAMS(),
    );
    expect(answer.status).toBe(401);
    expect(await snapshotShop(VICTIM)).toEqual(victimBefore);
    tally("session token");
  });

  it("a genuine token of the victim is accepted (the same request otherwise)", async () => {
    const module = await routeModule("app.settings");
    const answer = await call(module, "loader", adminRequest("/app/settings", sessionToken(VICTIM)));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`owner@${VICTIM}`);
  });

  it("?shop= of another shop does not change whose data a valid token opens", async () => {
    const module = await routeModule("app.settings");
    const answer = await call(module, "loader", adminRequest(`/app/settings?shop=${VICTIM}`, sessionToken(OTHER)));
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(`owner@${OTHER}`);
    expect(answer.text).not.toContain(VICTIM);
  });
});

// ---- Kindly's own signed tokens -------------------------------------------------------------------------------------

const LONG_AGO = new Date("2020-01-01T00:00:00Z");

describe("expired and forged Kindly tokens", () => {
  async function csatRequestId(): Promise<string> {
    const message = await prisma.conversationMessage.create({
      data: {
        shop: CONTROL,
        conversationId: (
          await prisma.conversation.create({
            data: { shop: CONTROL, channel: "EMAIL", contactEmail: "s@example.org", lastMessageAt: clock.now() },
          })
        ).id,
        author: "SYSTEM",
        channel: "EMAIL",
        kind: "CSAT_REQUEST",
        body: "How did we do?",
      },
    });
    return message.id;
  }

  const expired = (payload: TokenPayload) => createToken(payload, { now: LONG_AGO, ttlSeconds: 60 });
  const forged = (payload: TokenPayload) => {
    const [encoded, tag] = createToken(payload).split(".");
    const wire = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8")) as Record<string, unknown>;
    wire.x = Number(wire.x) + 10 * 365 * 86_400;
    return `${Buffer.from(JSON.stringify(wire)).toString("base64url")}.${tag}`;
  };

  it("open pixel: an expired, forged or other-kind token records no open", async () => {
    const module = await routeModule("t.o.$token");
    const messageId = footprint.message.id;
    const tokens = [
      expired({ kind: "OPEN", messageId }),
      forged({ kind: "OPEN", messageId }),
      createToken({ kind: "UNSUBSCRIBE", messageId }),
    ];
    for (const token of tokens) {
      const answer = await call(module, "loader", new Request(`${APP_URL}/t/o/${token}`), { token });
      expect(answer.status).toBe(200); // the image is always served
      tally("Kindly signed tokens");
    }
  });

  it("click redirect: an expired, forged or other-kind token redirects nowhere", async () => {
    const module = await routeModule("t.c.$token");
    const messageId = footprint.message.id;
    const url = `https://${VICTIM}/cart`;
    for (const token of [
      expired({ kind: "CLICK", messageId, url }),
      forged({ kind: "CLICK", messageId, url }),
      createToken({ kind: "OPEN", messageId }),
    ]) {
      const answer = await call(module, "loader", new Request(`${APP_URL}/t/c/${token}`), { token });
      expect(answer.status).toBe(400);
      expect(answer.headers.get("Location")).toBeNull();
      tally("Kindly signed tokens");
    }
  });

  it("unsubscribe: an expired, forged or other-kind token unsubscribes nobody", async () => {
    const module = await routeModule("u.$token");
    const messageId = footprint.message.id;
    for (const token of [
      expired({ kind: "UNSUBSCRIBE", messageId }),
      forged({ kind: "UNSUBSCRIBE", messageId }),
      createToken({ kind: "CLICK", messageId, url: `https://${VICTIM}/` }),
    ]) {
      const request = new Request(`${APP_URL}/u/${token}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "List-Unsubscribe=One-Click",
      });
      expect((await call(module, "action", request, { token })).status).toBe(400);
      expect((await call(module, "loader", new Request(`${APP_URL}/u/${token}`), { token })).status).toBe(400);
      tally("Kindly signed tokens", 2);
    }
  });

  it("CSAT survey link: an expired or forged token records no rating", async () => {
    const module = await routeModule("s.$token");
    const messageId = await csatRequestId();
    for (const token of [
      expired({ kind: "CSAT", messageId, score: 1 }),
      forged({ kind: "CSAT", messageId, score: 1 }),
    ]) {
      const request = new Request(`${APP_URL}/s/${token}`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: "score=1&comment=forged",
      });
      expect((await call(module, "action", request, { token })).status).toBe(400);
      expect((await call(module, "loader", new Request(`${APP_URL}/s/${token}`), { token })).status).toBe(400);
      tally("Kindly signed tokens", 2);
    }
    expect(await prisma.conversation.count({ where: { shop: CONTROL, csatRespondedAt: { not: null } } })).toBe(0);
    // The same link, genuine and current, is accepted: the refusals above are for expiry and forgery only.
    const live = createToken({ kind: "CSAT", messageId, score: 4 });
    expect((await call(module, "loader", new Request(`${APP_URL}/s/${live}`), { token: live })).status).toBe(200);
  });

  it("storefront visitor token: expired, forged or minted for another shop -> 401 on every chat route", async () => {
    const visitorId = newVisitorId();
    const tokens = [
      createVisitorToken({ visitorId, shop: CONTROL }, { now: LONG_AGO, ttlSeconds: 60 }),
      createVisitorToken({ visitorId, shop: OTHER }),
      (() => {
        const [payload, tag] = createVisitorToken({ visitorId, shop: CONTROL }).split(".");
        const wire = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
        wire.v = newVisitorId();
        return `${Buffer.from(JSON.stringify(wire)).toString("base64url")}.${tag}`;
      })(),
    ];
    for (const route of ["proxy.chat", "proxy.chat.messages", "proxy.chat.csat"]) {
      const module = await routeModule(route);
      for (const token of tokens) {
        resetRateLimits();
        const request = new Request(proxyUrl(proxyPath(route), { shop: CONTROL }), {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ token, body: "hello", score: 5 }),
        });
        const answer = await call(module, "action", request);
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.text)).toEqual({ error: "invalid_token" });
        tally("Kindly signed tokens");
      }
    }
  });

  it("nothing above recorded an engagement event or a suppression", async () => {
    expect(await prisma.messageEvent.count({ where: { messageId: footprint.message.id, type: { not: "OPEN" } } })).toBe(
      0,
    );
    expect(await prisma.messageEvent.count({ where: { messageId: footprint.message.id } })).toBe(1);
    expect(await prisma.suppression.count({ where: { shop: VICTIM } })).toBe(1);
  });
});
