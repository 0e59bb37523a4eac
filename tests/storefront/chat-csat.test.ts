import { createHmac } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSession, createShop } from "../support/factories";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { requestCsat } from "~/modules/inbox/actions.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import type * as ChatRoute from "~/routes/proxy.chat";
import type * as CsatRoute from "~/routes/proxy.chat.csat";
import type * as MessagesRoute from "~/routes/proxy.chat.messages";

/**
 * The satisfaction survey in the chat: the inbox closes a conversation and asks (a CSAT_REQUEST message), the
 * widget's poll shows it, and the answer goes through the app proxy to the inbox's recordCsatResponse, for the
 * visitor's own conversation only and only once.
 */

const SECRET = "test-api-secret";
const SHOP = "csat-chat.myshopify.com";
const clock = new ManualClock("2026-11-24T12:00:00Z");
let chat: typeof ChatRoute;
let csat: typeof CsatRoute;
let messages: typeof MessagesRoute;

beforeAll(async () => {
  await createShop(SHOP, { staffLastSeenAt: new Date("2026-11-24T12:00:00Z") });
  await createSession(SHOP);
  chat = await import("~/routes/proxy.chat");
  csat = await import("~/routes/proxy.chat.csat");
  messages = await import("~/routes/proxy.chat.messages");
});
beforeEach(() => {
  resetRateLimits();
  setClock(clock);
});

function signedUrl(path: string) {
  const query: Record<string, string> = {
    shop: SHOP,
    logged_in_customer_id: "",
    path_prefix: "/apps/kindly",
    timestamp: String(Math.floor(Date.now() / 1000)),
  };
  const message = Object.keys(query)
    .sort()
    .map((key) => `${key}=${query[key]}`)
    .join("");
  const signature = createHmac("sha256", SECRET).update(message).digest("hex");
  return `https://kindly.test/proxy/${path}?${new URLSearchParams({ ...query, signature }).toString()}`;
}

type Route = { action: (args: { request: Request; params: object; context: object }) => Promise<Response> };
async function post(route: Route, path: string, body: unknown) {
  const response = await route.action({
    request: new Request(signedUrl(path), {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "X-Forwarded-For": "203.0.113.20" },
    }),
    params: {},
    context: {},
  });
  return { status: response.status, json: await response.json() };
}

async function startConversation(text: string) {
  const sent = await post(chat as Route, "chat", { body: text });
  expect(sent.status).toBe(200);
  const conversation = await prisma.conversation.findFirstOrThrow({
    where: { shop: SHOP, messages: { some: { body: text } } },
  });
  return { token: sent.json.token as string, conversation };
}

describe("CSAT in the chat", () => {
  it("the poll shows the survey request; the answer is recorded once, for this visitor's conversation", async () => {
    const { token, conversation } = await startConversation("Thanks for the help");
    // Not asked yet: nothing to answer.
    expect((await post(csat as Route, "chat/csat", { token, score: 5 })).status).toBe(409);

    clock.advance(60_000);
    expect(await requestCsat(conversation, clock.now())).toBe("REQUESTED");
    const polled = await post(messages as Route, "chat/messages", { token });
    expect(polled.json.csat).toBe("REQUESTED");
    const request = polled.json.messages.find((m: { kind: string }) => m.kind === "CSAT_REQUEST");
    expect(request).toMatchObject({ author: "STAFF", kind: "CSAT_REQUEST", body: expect.any(String) });

    const answered = await post(csat as Route, "chat/csat", { token, score: 4, comment: "<b>Quick</b> & kind" });
    expect(answered).toEqual({ status: 200, json: { outcome: "RECORDED" } });
    const again = await post(csat as Route, "chat/csat", { token, score: 1 });
    expect(again.json).toEqual({ outcome: "ALREADY_ANSWERED" });
    const stored = await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(stored).toMatchObject({ csatScore: 4, csatComment: "<b>Quick</b> & kind" });
    // The survey answer itself is not echoed back into the chat log.
    const after = await post(messages as Route, "chat/messages", { token });
    expect(after.json.csat).toBe("ANSWERED");
    expect(after.json.messages.map((m: { kind: string }) => m.kind)).not.toContain("CSAT_RESPONSE");
  });

  it("refuses bad scores, forged tokens, and another visitor's conversation", async () => {
    const { token, conversation } = await startConversation("Question one");
    await requestCsat(conversation, clock.now());
    for (const score of [0, 6, 2.5, "5"]) {
      expect((await post(csat as Route, "chat/csat", { token, score })).status, String(score)).toBe(400);
    }
    expect((await post(csat as Route, "chat/csat", { token: `${token}x`, score: 5 })).status).toBe(401);
    // A second visitor has their own (unsurveyed) conversation: they cannot answer the first one's survey.
    const other = await startConversation("Question two");
    expect((await post(csat as Route, "chat/csat", { token: other.token, score: 1 })).status).toBe(409);
    const first = await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(first.csatScore).toBeNull();
  });
});
