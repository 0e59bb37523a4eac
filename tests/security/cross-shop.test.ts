import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { createToken } from "~/modules/messaging/tokens.server";
import { signingTag } from "~/modules/shop/signing.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { createVisitorToken, newVisitorId } from "~/modules/storefront/visitor-token.server";
import { loadWorkModules } from "../../server/work-modules";
import { createCustomerFootprint, createShop, person } from "../support/factories";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { signedWebhook } from "../support/webhooks";
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
  type Answer,
} from "./support";
import { tally } from "./tally";

/**
 * Cross-shop access on every route. The victim shop A holds a customer with everything Kindly can hold about a
 * person (orders, a checkout in the recovery flow with messages, a conversation, a discount, a suppression), a FAQ
 * entry, a saved reply and a privacy export. The attacker is shop B, fully authenticated (a genuine session token,
 * a genuine app-proxy signature, genuine webhooks): every loader that takes an id is given A's ids, every action
 * is aimed at A's records, and A must own exactly the same rows afterwards; nothing of A's may appear in B's pages.
 *
 * The list of routes comes from app/routes on disk. A route without a probe below fails the first test, by name:
 * a new route is not done until this suite knows how to attack it.
 */

const VICTIM = "victim-atelier.myshopify.com";
const ATTACKER = "attacker-boutique.myshopify.com";
const stores = [createShopStore({ seed: 11, shop: VICTIM }), createShopStore({ seed: 12, shop: ATTACKER })];
const emulator = createEmulator({ shops: stores, appUrl: APP_URL, apiSecret: API_SECRET });
const clock = new ManualClock(new Date());
let server: EmulatorServer;

const victimPerson = person({ email: "victim.shopper@example.org", firstName: "Victorine", lastName: "Secretname" });
let victim: Awaited<ReturnType<typeof createCustomerFootprint>>;
let faqId: string;
let replyId: string;
let dataRequestId: string;
let victimVisitorToken: string;
let victimBefore: Record<string, string>;

/** Strings only shop A's data contains: none may appear in anything shop B is shown. */
const VICTIM_MARKERS = [
  victimPerson.email,
  victimPerson.lastName,
  VICTIM,
  "Victim-only FAQ question",
  "Victim saved reply",
];

beforeAll(async () => {
  setClock(clock);
  server = startEmulatorServer(emulator);
  await loadWorkModules();
  await createShop(VICTIM, { name: "Victim Atelier" });
  await createShop(ATTACKER, { name: "Attacker Boutique" });
  await installSession(VICTIM);
  await installSession(ATTACKER);
  victim = await createCustomerFootprint(VICTIM, victimPerson, clock.now());
  faqId = (
    await prisma.faqEntry.create({
      data: {
        shop: VICTIM,
        topic: "Orders",
        question: "Victim-only FAQ question",
        answer: "Victim answer",
        published: true,
      },
    })
  ).id;
  replyId = (await prisma.savedReply.create({ data: { shop: VICTIM, title: "Victim saved reply", body: "Hello" } })).id;
  dataRequestId = (
    await prisma.dataRequest.create({
      data: { shop: VICTIM, exportJson: JSON.stringify({ email: victimPerson.email }), requestedAt: clock.now() },
    })
  ).id;
  const visitorId = newVisitorId();
  await prisma.conversation.update({ where: { id: victim.conversation.id }, data: { visitorId, channel: "CHAT" } });
  victimVisitorToken = createVisitorToken({ visitorId, shop: VICTIM });
  // The fixture's own due work (a pending SMS, a queued webhook) settles first: the snapshot is of a quiet shop.
  await runDueWorkUntilIdle({ now: clock.now(), workerId: "security" });
  victimBefore = await snapshotShop(VICTIM);
});

afterAll(() => server?.close());

// ---- Helpers --------------------------------------------------------------------------------------------------------

const asAttacker = () => sessionToken(ATTACKER);

async function expectVictimUnchanged(): Promise<void> {
  expect(await snapshotShop(VICTIM)).toEqual(victimBefore);
}

function expectNoVictimData(answer: Answer): void {
  for (const marker of VICTIM_MARKERS) expect(answer.text).not.toContain(marker);
}

async function adminLoader(route: string, path: string, params: Record<string, string> = {}): Promise<Answer> {
  return call(await routeModule(route), "loader", adminRequest(path, asAttacker()), params);
}

async function adminAction(
  route: string,
  path: string,
  body: { json?: unknown; form?: Record<string, string> },
  params: Record<string, string> = {},
): Promise<Answer> {
  return call(await routeModule(route), "action", adminRequest(path, asAttacker(), body), params);
}

/** A read of the attacker's own page that shows none of the victim's data. */
const ownPageOnly = (route: string, path: string) => async () => {
  const answer = await adminLoader(route, path);
  expect(answer.status).toBe(200);
  expectNoVictimData(answer);
  tally("cross-shop reads");
};

/** An id of the victim's given to a loader: 404, and nothing of theirs in the answer. */
const victimIdIs404 = (route: string, path: () => string, params: () => Record<string, string>) => async () => {
  const answer = await adminLoader(route, path(), params());
  expect(answer.status).toBe(404);
  expectNoVictimData(answer);
  tally("cross-shop reads");
};

/** An action aimed at the victim's record: refused (404, or 400 when the id is not even accepted), nothing changed. */
async function refused(answer: Answer, statuses = [404]): Promise<void> {
  expect(statuses).toContain(answer.status);
  expectNoVictimData(answer);
  await expectVictimUnchanged();
  tally("cross-shop writes");
}

/** An action of the attacker's on their own data, checked to leave the victim's alone. */
async function ownOnly(answer: Answer): Promise<void> {
  expect(answer.status).toBeLessThan(500);
  expectNoVictimData(answer);
  await expectVictimUnchanged();
  tally("cross-shop writes");
}

/** Outside demo mode the demo routes do not exist (requireDemoMode). */
const demoOnly = (route: string, path: string) => async () => {
  const module = await routeModule(route);
  for (const kind of ["loader", "action"] as const) {
    if (!module[kind]) continue;
    const request = new Request(`${APP_URL}${path}`, kind === "action" ? { method: "POST", body: "{}" } : {});
    const answer = await call(module, kind, request, { "*": "chat", handle: "refund-policy" });
    expect(answer.status).toBe(404);
    tally("cross-shop reads");
  }
  await expectVictimUnchanged();
};

/** A signed webhook from the attacker's shop whose body names the victim's customer, checkout and order. */
const webhookFromAttacker = (topic: string) => async () => {
  const identity = {
    id: victimPerson.shopifyId.split("/").pop(),
    email: victimPerson.email,
    phone: victimPerson.phone,
  };
  const body = {
    ...identity,
    admin_graphql_api_id: victimPerson.shopifyId,
    token: victim.checkout.token,
    checkout_token: victim.checkout.token,
    shop_id: 1,
    shop_domain: ATTACKER,
    myshopify_domain: ATTACKER,
    customer: identity,
    orders_to_redact: [victim.orderGid.split("/").pop()],
    orders_requested: [victim.orderGid.split("/").pop()],
    data_request: { id: 1 },
    updated_at: clock.now().toISOString(),
    processed_at: clock.now().toISOString(),
    line_items: [],
    status: "completed",
  };
  const signed = signedWebhook({
    appUrl: APP_URL,
    apiSecret: API_SECRET,
    topic,
    shop: ATTACKER,
    body: JSON.stringify(body),
  });
  const request = new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.rawBody });
  const answer = await call(await routeModule(`webhooks.${topic.replace("/", ".")}`), "action", request);
  expect(answer.status).toBe(200);
  await runDueWorkUntilIdle({ now: clock.now(), workerId: "security" });
  await expectVictimUnchanged();
  tally("cross-shop writes");
};

/** The attacker's genuine app-proxy signature with the victim's visitor token. */
const proxyWithVictimToken = (route: string) => async () => {
  resetRateLimits();
  const path = route.slice("proxy.".length).replace(/\./g, "/");
  const request = new Request(proxyUrl(path, { shop: ATTACKER }), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token: victimVisitorToken, body: "Show me their chat", score: 1 }),
  });
  const answer = await call(await routeModule(route), "action", request);
  expect(answer.status).toBe(401);
  expectNoVictimData(answer);
  await expectVictimUnchanged();
  tally("cross-shop proxy");
};

/** An engagement-style token for the victim's message, tagged under another purpose's key: refused. */
function crossPurposeToken(kind: string, messageId: string): string {
  const payload = Buffer.from(
    JSON.stringify({ k: kind, m: messageId, x: Math.floor(Date.now() / 1000) + 3600, u: `https://${VICTIM}/`, s: 1 }),
  ).toString("base64url");
  return `${payload}.${signingTag("kindly/visitor-token/v1", payload).toString("base64url")}`;
}

const tokenRoute = (route: string, kind: string, okStatus: number) => async () => {
  const module = await routeModule(route);
  const messageId = kind === "s" ? victim.conversation.id : victim.message.id;
  const token = crossPurposeToken(kind, messageId);
  for (const method of ["loader", "action"] as const) {
    if (!module[method]) continue;
    const request = new Request(`${APP_URL}/x/${token}`, {
      method: method === "action" ? "POST" : "GET",
      ...(method === "action"
        ? {
            body: "List-Unsubscribe=One-Click&score=1",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
          }
        : {}),
    });
    const answer = await call(module, method, request, { token });
    expect(answer.status).toBe(okStatus);
    expect(answer.headers.get("Location")).toBeNull();
    expectNoVictimData(answer);
    tally("cross-shop tokens");
  }
  await expectVictimUnchanged();
};

// ---- The probes, one entry per route file ----------------------------------------------------------------------------

type Probe = () => Promise<void>;

const PROBES: Record<string, Probe[]> = {
  _index: [
    async () => {
      const answer = await call(await routeModule("_index"), "loader", new Request(`${APP_URL}/?shop=${VICTIM}`));
      // Shopify opens the app with ?shop=: a redirect into the embedded admin (which then needs a session token).
      expect(answer.status).toBe(302);
      expect(answer.headers.get("Location")?.startsWith("/app?")).toBe(true);
      tally("cross-shop reads");
    },
  ],
  app: [ownPageOnly("app", "/app")],
  "app._index": [
    ownPageOnly("app._index", "/app"),
    async () => ownOnly(await adminAction("app._index", "/app", { json: { intent: "dismiss" } })),
    async () =>
      ownOnly(await adminAction("app._index", "/app", { json: { intent: "answers", answers: { sellsTo: "EU" } } })),
  ],
  "app.customers": [
    ownPageOnly("app.customers", "/app/customers"),
    ownPageOnly("app.customers", `/app/customers?reward=${encodeURIComponent("x")}&q=${victimPerson.email}`),
    async () => {
      for (const customerId of [victim.customer.id, victimPerson.shopifyId]) {
        const form = { intent: "reward", customerId, kind: "PERCENTAGE", value: "50", expiresInDays: "30" };
        await refused(await adminAction("app.customers", "/app/customers", { form }));
      }
    },
  ],
  "app.faq": [
    ownPageOnly("app.faq", "/app/faq"),
    async () => {
      const entry = { id: faqId, locale: "en", topic: "Hacked", question: "Hacked?", answer: "Yes", published: true };
      await refused(await adminAction("app.faq", "/app/faq", { json: { intent: "save", entry } }));
      await refused(await adminAction("app.faq", "/app/faq", { json: { intent: "delete", id: faqId } }));
      await refused(await adminAction("app.faq", "/app/faq", { json: { intent: "move", id: faqId, direction: "up" } }));
    },
  ],
  "app.inbox": [
    ownPageOnly("app.inbox", "/app/inbox?status=ALL"),
    async () => {
      // Searching for the victim's shopper: the query is echoed back, but no conversation is found.
      const answer = await adminLoader(
        "app.inbox",
        `/app/inbox?status=ALL&q=${encodeURIComponent(victimPerson.email)}`,
      );
      const page = JSON.parse(answer.text) as { list: { rows: unknown[] }; total: number };
      expect(answer.status).toBe(200);
      expect(page.list.rows).toEqual([]);
      expect(page.total).toBe(0);
      expect(answer.text.split(victimPerson.email)).toHaveLength(2);
      tally("cross-shop reads");
    },
  ],
  "app.inbox_.$id": [
    victimIdIs404(
      "app.inbox_.$id",
      () => `/app/inbox/${victim.conversation.id}`,
      () => ({ id: victim.conversation.id }),
    ),
    async () => {
      const intents = [
        { intent: "reply", body: "I am shop B" },
        { intent: "note", body: "note" },
        { intent: "assign-me" },
        { intent: "unassign" },
        { intent: "close" },
        { intent: "reopen" },
        { intent: "retry", messageId: victim.message.id },
        { intent: "apology", kind: "PERCENTAGE", value: 50, expiresInDays: 30 },
      ];
      for (const json of intents) {
        const id = victim.conversation.id;
        await refused(await adminAction("app.inbox_.$id", `/app/inbox/${id}`, { json }, { id }));
      }
      // assign: the staff id check comes first, and refuses too.
      const id = victim.conversation.id;
      await refused(
        await adminAction("app.inbox_.$id", `/app/inbox/${id}`, { json: { intent: "assign", staffId: "1" } }, { id }),
        [400, 404],
      );
    },
  ],
  "app.inbox_.replies": [
    ownPageOnly("app.inbox_.replies", "/app/inbox/replies"),
    async () => {
      const update = { intent: "update", id: replyId, title: "Hijacked", body: "Hijacked" };
      await refused(await adminAction("app.inbox_.replies", "/app/inbox/replies", { json: update }));
      await refused(
        await adminAction("app.inbox_.replies", "/app/inbox/replies", { json: { intent: "delete", id: replyId } }),
      );
    },
  ],
  "app.inbox_.updates": [
    victimIdIs404(
      "app.inbox_.updates",
      () => `/app/inbox/updates?id=${victim.conversation.id}`,
      () => ({}),
    ),
  ],
  "app.privacy": [
    async () => {
      const answer = await adminLoader("app.privacy", "/app/privacy");
      expect(answer.status).toBe(200);
      expect(answer.text).not.toContain(dataRequestId);
      tally("cross-shop reads");
    },
  ],
  "app.privacy.$id": [
    victimIdIs404(
      "app.privacy.$id",
      () => `/app/privacy/${dataRequestId}`,
      () => ({ id: dataRequestId }),
    ),
  ],
  "app.recovery": [
    ownPageOnly("app.recovery", "/app/recovery"),
    async () => {
      await ownOnly(await adminAction("app.recovery", "/app/recovery", { json: { intent: "disable" } }));
      // The attacker saves their flow with the victim's step ids: only the attacker's flow changes.
      const { text } = await adminLoader("app.recovery", "/app/recovery");
      const editor = (JSON.parse(text) as { editor: { steps: Array<Record<string, unknown>> } }).editor;
      const victimSteps = await prisma.flowStep.findMany({ where: { flow: { shop: VICTIM } } });
      const steps = editor.steps.map((step, index) => ({
        id: victimSteps[index % victimSteps.length].id,
        delayValue: step.delayValue,
        delayUnit: step.delayUnit,
        channel: step.channel,
        condition: step.condition,
        templates: step.templates,
      }));
      const settings = { steps, consentPolicy: "SUBSCRIBED_ONLY", holdoutPercent: 0 };
      await ownOnly(await adminAction("app.recovery", "/app/recovery", { json: { intent: "save", settings } }));
    },
  ],
  "app.flows": [ownPageOnly("app.flows", "/app/flows")],
  "app.flows_.$slug": [
    async () => {
      const page = await adminLoader("app.flows_.$slug", "/app/flows/vip", { slug: "vip" });
      expect(page.status).toBe(200);
      expectNoVictimData(page);
      tally("cross-shop reads");
    },
    async () => {
      const path = "/app/flows/post-purchase";
      const params = { slug: "post-purchase" };
      await ownOnly(await adminAction("app.flows_.$slug", path, { json: { intent: "enable" } }, params));
      const options = { perk: { kind: "PERCENTAGE", value: 90, expiresInDays: 30 }, reviewUrl: null };
      await ownOnly(
        await adminAction(
          "app.flows_.$slug",
          "/app/flows/vip",
          { json: { intent: "options", options } },
          { slug: "vip" },
        ),
      );
      // The attacker saves their check-in with the victim's step ids: only the attacker's flow changes.
      const { text } = await adminLoader("app.flows_.$slug", path, params);
      const editor = (JSON.parse(text) as { editor: { steps: Array<Record<string, unknown>> } }).editor;
      const victimSteps = await prisma.flowStep.findMany({ where: { flow: { shop: VICTIM } } });
      const steps = editor.steps.map((step, index) => ({
        id: victimSteps[index % victimSteps.length].id,
        delayValue: step.delayValue,
        delayUnit: step.delayUnit,
        channel: step.channel,
        condition: step.condition,
        templates: step.templates,
      }));
      const settings = { steps, consentPolicy: "SUBSCRIBED_ONLY", holdoutPercent: 0 };
      await ownOnly(await adminAction("app.flows_.$slug", path, { json: { intent: "save", settings } }, params));
    },
  ],
  "app.customers_.$customerId": [
    victimIdIs404(
      "app.customers_.$customerId",
      () => `/app/customers/${victim.customer.id}`,
      () => ({ customerId: victim.customer.id }),
    ),
  ],
  "app.recovery_.$checkoutId": [
    victimIdIs404(
      "app.recovery_.$checkoutId",
      () => `/app/recovery/${victim.checkout.id}`,
      () => ({ checkoutId: victim.checkout.id }),
    ),
    victimIdIs404(
      "app.recovery_.$checkoutId",
      () => `/app/recovery/${victim.checkout.token}`,
      () => ({ checkoutId: victim.checkout.token }),
    ),
  ],
  "app.settings": [
    ownPageOnly("app.settings", "/app/settings"),
    async () => {
      const values = { languages: ["fr"] };
      await ownOnly(
        await adminAction("app.settings", "/app/settings", { json: { intent: "save", section: "languages", values } }),
      );
    },
  ],
  "apps.kindly.$": [demoOnly("apps.kindly.$", "/apps/kindly/chat")],
  "auth.$": [
    async () => {
      // Shopify's auth routes with the attacker's token: nothing of the victim's comes back.
      const answer = await call(
        await routeModule("auth.$"),
        "loader",
        adminRequest("/auth/session-token", asAttacker()),
      );
      expectNoVictimData(answer);
      tally("cross-shop reads");
    },
  ],
  "auth.login": [
    async () => {
      const answer = await call(await routeModule("auth.login"), "loader", new Request(`${APP_URL}/auth/login`));
      expect(answer.status).toBe(200);
      expectNoVictimData(answer);
      tally("cross-shop reads");
    },
  ],
  "demo._index": [demoOnly("demo._index", "/demo")],
  "demo.checkouts": [demoOnly("demo.checkouts", "/demo/checkouts")],
  "demo.clock": [demoOnly("demo.clock", "/demo/clock")],
  "demo.orders": [demoOnly("demo.orders", "/demo/orders")],
  "demo.outbox": [demoOnly("demo.outbox", "/demo/outbox")],
  "demo.storefront": [demoOnly("demo.storefront", "/demo/storefront")],
  "demo.storefront.assets.$": [demoOnly("demo.storefront.assets.$", "/demo/storefront/assets/kindly-chat.js")],
  "demo.storefront.policies.$handle": [demoOnly("demo.storefront.policies.$handle", "/demo/storefront/policies/x")],
  "inbound.email": [
    async () => {
      // Without the inbound secret nobody can post mail in, for any shop.
      const raw = `From: a@example.org\r\nTo: reply+${victim.message.replyToken}@reply.kindly.test\r\nSubject: hi\r\n\r\nhello`;
      const request = new Request(`${APP_URL}/inbound/email`, { method: "POST", body: raw });
      expect((await call(await routeModule("inbound.email"), "action", request)).status).toBe(401);
      await expectVictimUnchanged();
      tally("cross-shop writes");
    },
  ],
  "inbound.sms": [
    async () => {
      const body = new URLSearchParams({ From: victimPerson.phone, To: "+15005550006", Body: "STOP" }).toString();
      const request = new Request(`${APP_URL}/inbound/sms`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged" },
        body,
      });
      expect((await call(await routeModule("inbound.sms"), "action", request)).status).toBe(403);
      await expectVictimUnchanged();
      tally("cross-shop writes");
    },
  ],
  "proxy.chat": [proxyWithVictimToken("proxy.chat")],
  "proxy.chat.messages": [proxyWithVictimToken("proxy.chat.messages")],
  "proxy.chat.csat": [proxyWithVictimToken("proxy.chat.csat")],
  "proxy.faq": [
    async () => {
      resetRateLimits();
      const request = new Request(proxyUrl("faq", { shop: ATTACKER, extra: { q: "Victim-only FAQ question" } }));
      const answer = await call(await routeModule("proxy.faq"), "loader", request);
      expect(answer.status).toBe(200);
      expectNoVictimData(answer);
      tally("cross-shop proxy");
    },
  ],
  "proxy.orders": [
    async () => {
      resetRateLimits();
      const order = await prisma.order.findFirstOrThrow({ where: { shop: VICTIM } });
      const request = new Request(proxyUrl("orders", { shop: ATTACKER }), {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ number: order.name, email: victimPerson.email }),
      });
      const answer = await call(await routeModule("proxy.orders"), "action", request);
      expect(answer.status).toBe(404);
      expectNoVictimData(answer);
      tally("cross-shop proxy");
    },
  ],
  "s.$token": [tokenRoute("s.$token", "s", 400)],
  "t.c.$token": [tokenRoute("t.c.$token", "c", 400)],
  "t.o.$token": [tokenRoute("t.o.$token", "o", 200)],
  "u.$token": [tokenRoute("u.$token", "u", 400)],
};

/**
 * Families of routes probed alike, so a new member is attacked without an edit here: webhook topics (delivered
 * genuinely signed for the attacker's shop, naming the victim's records) and signed-link pages (`<x>.$token`: a
 * token for the victim's records tagged under another purpose's key must get the 400 page, for GET and POST).
 */
for (const route of routeFiles()) {
  if (route.startsWith("webhooks."))
    PROBES[route] ??= [webhookFromAttacker(route.slice("webhooks.".length).replace(".", "/"))];
  if (/^[a-z]\.\$token$/.test(route)) PROBES[route] ??= [tokenRoute(route, route.charAt(0), 400)];
}

describe("cross-shop access", () => {
  it("every route in app/routes has a cross-shop probe (add one here for a new route)", () => {
    const missing = routeFiles().filter((route) => !PROBES[route]);
    expect(missing, `routes without a cross-shop probe: ${missing.join(", ")}`).toEqual([]);
  });

  const cases = Object.entries(PROBES)
    .filter(([route]) => routeFiles().includes(route))
    .flatMap(([route, probes]) => probes.map((probe, index) => [route, index + 1, probe] as const));
  it.each(cases)("%s (probe %i): shop B gets nothing of shop A's and changes nothing", async (_route, _n, probe) => {
    await probe();
  });

  it("after every probe, shop A owns exactly what it owned before", async () => {
    await expectVictimUnchanged();
  });

  it("the attacker's own genuine requests did work (the probes were not refused for another reason)", async () => {
    const answer = await call(
      await routeModule("app.inbox_.$id"),
      "loader",
      adminRequest(`/app/inbox/${victim.conversation.id}`, sessionToken(VICTIM)),
      { id: victim.conversation.id },
    );
    expect(answer.status).toBe(200);
    expect(answer.text).toContain(victimPerson.email);
    const token = createToken({ kind: "OPEN", messageId: victim.message.id });
    expect(token).toContain(".");
  });
});
