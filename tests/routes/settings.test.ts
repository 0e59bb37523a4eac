import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { createSession, createShop } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import { startAppServer, type AppServer } from "../../server/app-server";
import type * as SettingsRoute from "~/routes/app.settings";

/**
 * The Settings page with real Requests in demo mode (the admin acts as the demo shop): secrets never reach the
 * loader's data or the rendered HTML; bad input gets field errors and saves nothing; good input saves; test sends
 * go through the real SMTP sink and fake Twilio, and a successful test email verifies the sender.
 */
const DEMO_SHOP = "kindly-demo.myshopify.com";
const SMTP_PASSWORD = "smtp-pass-Zq83-never-shown";
const TWILIO_TOKEN = "f00dfeedcafe0123456789abcdefbeef";

let settings: typeof SettingsRoute;
let smtp: SmtpSink;
let twilio: FakeTwilio;
let app: AppServer;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  smtp = await startSmtpSink();
  twilio = await startFakeTwilio();
  const smtpUrl = smtp.url.replace("smtp://", `smtp://kindly:${SMTP_PASSWORD}@`);
  await createShop(DEMO_SHOP, {
    name: "Atelier Lumière",
    email: "owner@atelier-lumiere.example",
    senderName: "Léa",
    senderEmail: "lea@atelier-lumiere.example",
    smtpUrlEncrypted: encryptSecret(smtpUrl),
    twilioAccountSid: twilio.accountSid,
    twilioAuthTokenEncrypted: encryptSecret(twilio.authToken),
    twilioFromNumber: "+15005550006",
    twilioApiBaseUrl: twilio.url,
  });
  await createSession(DEMO_SHOP);
  settings = await import("~/routes/app.settings");
  app = await startAppServer({ port: 0 });
});

afterAll(async () => {
  closeEmailTransports();
  await app?.close();
  await smtp?.close();
  await twilio?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

async function post(body: unknown) {
  const request = new Request("http://localhost:3000/app/settings", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = (await settings.action({ request, params: {}, context: {} })) as unknown as {
    data: SettingsRoute.SettingsActionResponse;
    init: ResponseInit | null;
  };
  return { status: result.init?.status ?? 200, body: result.data };
}

const shopRow = () => prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });

describe("settings secrets", () => {
  it("never appear in the loader's data or the page's HTML, encrypted or not", async () => {
    const row = await shopRow();
    const secrets = [SMTP_PASSWORD, twilio.authToken, row.smtpUrlEncrypted!, row.twilioAuthTokenEncrypted!];
    const loaded = JSON.stringify(
      await settings.loader({ request: new Request("http://localhost:3000/app/settings"), params: {}, context: {} }),
    );
    expect(loaded).toContain("lea@atelier-lumiere.example");
    expect(loaded).toContain('"smtpConfigured":true');
    for (const secret of secrets) expect(loaded).not.toContain(secret);

    const response = await fetch(`${app.url}/app/settings`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain("Email sender");
    for (const secret of secrets) expect(html).not.toContain(secret);
  });

  it("keeps a stored secret when the field is left blank, replaces it when typed, removes it on request", async () => {
    const before = (await shopRow()).twilioAuthTokenEncrypted;
    const values = { twilioAccountSid: twilio.accountSid, twilioAuthToken: "", twilioFromNumber: "+15005550006" };
    expect((await post({ intent: "save", section: "sms", values })).status).toBe(200);
    expect((await shopRow()).twilioAuthTokenEncrypted).toBe(before);
    expect(
      (await post({ intent: "save", section: "sms", values: { ...values, twilioAuthToken: TWILIO_TOKEN } })).status,
    ).toBe(200);
    const replaced = (await shopRow()).twilioAuthTokenEncrypted;
    expect(replaced).not.toBe(before);
    expect(replaced).not.toContain(TWILIO_TOKEN);
    // Back to the fake Twilio's own token, so the test SMS below authenticates.
    await post({ intent: "save", section: "sms", values: { ...values, twilioAuthToken: twilio.authToken } });
  });
});

describe("bad input", () => {
  it.each([
    ["sender", { senderName: "Léa", senderEmail: "lea@" }, "senderEmail"],
    [
      "sender",
      { senderName: "Léa\r\nBcc: everyone@example.com", senderEmail: "lea@atelier-lumiere.example" },
      "senderName",
    ],
    [
      "sending",
      { quietHoursStart: "08:00", quietHoursEnd: "07:00", frequencyCapHours: "24", consentPolicy: "SUBSCRIBED_ONLY" },
      "quietHoursEnd",
    ],
    [
      "sending",
      { quietHoursStart: "20:00", quietHoursEnd: "08:00", frequencyCapHours: "-3", consentPolicy: "SUBSCRIBED_ONLY" },
      "frequencyCapHours",
    ],
    [
      "support",
      {
        slaFirstResponseMinutes: "abc",
        slaVipFirstResponseMinutes: "60",
        slaResolutionMinutes: "1440",
        slaGoalPercent: "80",
        alwaysOpen: true,
      },
      "slaFirstResponseMinutes",
    ],
    ["languages", { languages: [] }, "languages"],
  ])("%s %j -> 400 with an error on %s, nothing saved", async (section, values, field) => {
    const before = await shopRow();
    const { status, body } = await post({ intent: "save", section, values });
    expect(status).toBe(400);
    expect(body.ok).toBe(false);
    expect(!body.ok && body.fieldErrors[field]).toBeTruthy();
    const after = await shopRow();
    expect({ ...after, updatedAt: null }).toEqual({ ...before, updatedAt: null });
  });

  it("refuses an unknown section or intent", async () => {
    expect((await post({ intent: "save", section: "billing", values: {} })).status).toBe(400);
    expect((await post({ intent: "drop-tables" })).status).toBe(400);
  });
});

describe("saving and testing", () => {
  it("saves sending rules, support targets with business hours, and languages", async () => {
    expect(
      (
        await post({
          intent: "save",
          section: "sending",
          values: {
            quietHoursStart: "21:30",
            quietHoursEnd: "07:45",
            frequencyCapHours: "48",
            consentPolicy: "SUBSCRIBED_ONLY",
          },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post({
          intent: "save",
          section: "support",
          values: {
            slaFirstResponseMinutes: "120",
            slaVipFirstResponseMinutes: "30",
            slaResolutionMinutes: "960",
            slaGoalPercent: "90",
            alwaysOpen: false,
            timezone: "Europe/Paris",
            days: { mon: { open: true, from: "09:00", to: "18:00" }, tue: { open: true, from: "09:00", to: "18:00" } },
          },
        })
      ).status,
    ).toBe(200);
    expect((await post({ intent: "save", section: "languages", values: { languages: ["fr"] } })).status).toBe(200);
    expect(await shopRow()).toMatchObject({
      quietHoursStart: 1290,
      quietHoursEnd: 465,
      frequencyCapHours: 48,
      slaFirstResponseMinutes: 120,
      slaVipFirstResponseMinutes: 30,
      slaGoalPercent: 90,
      businessHoursJson: JSON.stringify({
        timezone: "Europe/Paris",
        days: { mon: [["09:00", "18:00"]], tue: [["09:00", "18:00"]] },
      }),
      languagesJson: '["fr"]',
    });
    const form = await settings.loader({
      request: new Request("http://localhost:3000/app/settings"),
      params: {},
      context: {},
    });
    expect(form.settings.support.days.mon).toEqual({ open: true, from: "09:00", to: "18:00" });
    expect(form.settings.support.days.sun.open).toBe(false);
  });

  it("a changed sender address is unverified until a test email goes out through the shop's server", async () => {
    const saved = await post({
      intent: "save",
      section: "sender",
      values: { senderName: "Léa Martin", senderEmail: "hello@atelier-lumiere.example", replyDomain: "", smtpUrl: "" },
    });
    expect(saved.status).toBe(200);
    expect((await shopRow()).senderVerifiedAt).toBeNull();
    const tested = await post({ intent: "test-email", to: "owner@atelier-lumiere.example" });
    expect(tested.status).toBe(200);
    const mail = await smtp.waitFor();
    expect(mail.to).toContain("owner@atelier-lumiere.example");
    expect(mail.from).toContain("hello@atelier-lumiere.example");
    expect((await shopRow()).senderVerifiedAt).not.toBeNull();
    expect((await post({ intent: "test-email", to: "nobody" })).status).toBe(400);
  });

  it("sends a test SMS through the shop's Twilio", async () => {
    const tested = await post({ intent: "test-sms", to: "+33 6 12 34 56 78" });
    expect(tested.status).toBe(200);
    const sms = await twilio.waitFor();
    expect(sms.to).toBe("+33612345678");
    expect((await post({ intent: "test-sms", to: "0612" })).status).toBe(400);
  });
});
