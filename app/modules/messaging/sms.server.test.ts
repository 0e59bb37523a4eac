import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SendError } from "~/modules/messaging/send-error";
import { sendSms, type SmsShop } from "~/modules/messaging/sms.server";
import { encryptSecret } from "~/modules/shop/secrets.server";

/**
 * A stand-in for Twilio's Messages endpoint on loopback: checks Basic auth and the form like Twilio, answers with
 * Twilio's JSON shapes, and can be told what to answer next (401, 429, 400, 500).
 */
const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "twilio-auth-token-for-tests";

interface Recorded {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  form: URLSearchParams;
}

let server: Server;
let baseUrl: string;
let recorded: Recorded[] = [];
let nextAnswer: { status: number; body: Record<string, unknown>; headers?: Record<string, string> } | null = null;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const form = new URLSearchParams(await readBody(request));
    recorded.push({
      path: request.url ?? "",
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      form,
    });
    const expectedAuth = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`;
    const answer =
      nextAnswer ??
      (request.headers.authorization !== expectedAuth
        ? { status: 401, body: { code: 20003, message: "Authenticate", status: 401 } }
        : {
            status: 201,
            body: {
              sid: "SM" + "a".repeat(32),
              status: "queued",
              num_segments: "1",
              to: form.get("To"),
              from: form.get("From"),
            },
          });
    nextAnswer = null;
    response.writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  recorded = [];
  nextAnswer = null;
});

function shopWith(overrides: Partial<SmsShop> = {}): SmsShop {
  return {
    shop: "sms-shop.myshopify.com",
    twilioAccountSid: ACCOUNT_SID,
    twilioAuthTokenEncrypted: encryptSecret(AUTH_TOKEN),
    twilioFromNumber: "+15005550006",
    twilioApiBaseUrl: baseUrl,
    ...overrides,
  };
}

describe("sendSms over Twilio's REST API (loopback)", () => {
  it("POSTs the form with Basic auth to the account's Messages resource and returns the SID (201)", async () => {
    const sent = await sendSms(shopWith(), {
      to: "+33 6 12 34 56 78",
      body: "Hi Camille, it's Linen & Co. Reply STOP to opt out",
      statusCallback: "https://kindly.test/sms/status",
    });
    expect(sent).toEqual({ sid: "SM" + "a".repeat(32), from: "+15005550006", status: "queued", segments: 1 });
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request.contentType).toBe("application/x-www-form-urlencoded");
    expect(request.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
    expect(Object.fromEntries(request.form)).toEqual({
      To: "+33612345678",
      From: "+15005550006",
      Body: "Hi Camille, it's Linen & Co. Reply STOP to opt out",
      StatusCallback: "https://kindly.test/sms/status",
    });
  });

  it("401 (wrong credentials) is permanent", async () => {
    const error = await sendSms(shopWith({ twilioAuthTokenEncrypted: encryptSecret("wrong") }), {
      to: "+33612345678",
      body: "Hi",
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SendError);
    expect(error).toMatchObject({
      code: "AUTHENTICATION",
      retryable: false,
      providerCode: 20003,
      providerMessage: "Authenticate",
    });
  });

  it("429 is retryable, with Retry-After", async () => {
    nextAnswer = {
      status: 429,
      body: { code: 20429, message: "Too Many Requests", status: 429 },
      headers: { "Retry-After": "7" },
    };
    await expect(sendSms(shopWith(), { to: "+33612345678", body: "Hi" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryable: true,
      providerCode: 20429,
      retryAfterSeconds: 7,
    });
  });

  it("5xx is retryable", async () => {
    nextAnswer = { status: 503, body: { code: 20500, message: "Service Unavailable", status: 503 } };
    await expect(sendSms(shopWith(), { to: "+33612345678", body: "Hi" })).rejects.toMatchObject({
      code: "PROVIDER_TEMPORARY",
      retryable: true,
    });
  });

  it("400 is permanent and keeps Twilio's code and message", async () => {
    nextAnswer = {
      status: 400,
      body: { code: 21211, message: "The 'To' number +33612345678 is not a valid phone number.", status: 400 },
    };
    const error = (await sendSms(shopWith(), { to: "+33612345678", body: "Hi" }).catch(
      (caught: unknown) => caught,
    )) as SendError;
    expect(error).toMatchObject({ code: "INVALID_RECIPIENT", retryable: false, providerCode: 21211 });
    expect(error.providerMessage).toContain("is not a valid phone number");
    expect(error.message).toBe("Twilio 400 (21211): The 'To' number +33612345678 is not a valid phone number.");

    nextAnswer = {
      status: 400,
      body: { code: 21617, message: "The concatenated message body exceeds the 1600 character limit.", status: 400 },
    };
    await expect(sendSms(shopWith(), { to: "+33612345678", body: "Hi" })).rejects.toMatchObject({
      code: "PROVIDER_REJECTED",
      retryable: false,
    });
  });

  it("a refused connection is retryable; missing settings and bad numbers are refused before any request", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      sendSms(shopWith({ twilioApiBaseUrl: `http://127.0.0.1:${port}` }), { to: "+33612345678", body: "Hi" }),
    ).rejects.toMatchObject({
      code: "CONNECTION",
      retryable: true,
    });

    await expect(
      sendSms(shopWith({ twilioFromNumber: null }), { to: "+33612345678", body: "Hi" }),
    ).rejects.toMatchObject({
      code: "NOT_CONFIGURED",
      retryable: false,
    });
    await expect(
      sendSms(shopWith({ twilioAuthTokenEncrypted: "garbage" }), { to: "+33612345678", body: "Hi" }),
    ).rejects.toMatchObject({
      code: "NOT_CONFIGURED",
    });
    await expect(sendSms(shopWith(), { to: "call me maybe", body: "Hi" })).rejects.toMatchObject({
      code: "INVALID_RECIPIENT",
    });
    expect(recorded).toHaveLength(0);
  });
});
