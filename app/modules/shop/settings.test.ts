import { describe, expect, it } from "vitest";
import {
  enabledLanguages,
  parseLanguagesSettings,
  parseSenderSettings,
  parseSendingSettings,
  parseSmsSettings,
  parseSupportSettings,
  quietLength,
} from "./settings";
import { pickLocale } from "~/modules/recovery/render.server";

const errorsOf = (result: { ok: boolean; fieldErrors?: Record<string, string> }) =>
  result.ok ? {} : (result.fieldErrors ?? {});

describe("sender settings", () => {
  it("accepts a sender and keeps blank secrets as 'unchanged'", () => {
    const parsed = parseSenderSettings({ senderName: " Léa ", senderEmail: "lea@atelier.example", smtpUrl: "" });
    expect(parsed).toEqual({
      ok: true,
      value: {
        senderName: "Léa",
        senderEmail: "lea@atelier.example",
        replyDomain: null,
        smtpUrl: null,
        clearSmtp: false,
      },
    });
  });

  it("names each bad field: invalid email, header injection, bad domain, bad SMTP URL", () => {
    expect(Object.keys(errorsOf(parseSenderSettings({ senderName: "Léa", senderEmail: "not-an-email" })))).toEqual([
      "senderEmail",
    ]);
    expect(
      errorsOf(parseSenderSettings({ senderName: "Léa\r\nBcc: all@example.com", senderEmail: "lea@atelier.example" }))
        .senderName,
    ).toMatch(/line breaks/);
    expect(
      errorsOf(parseSenderSettings({ senderName: "Léa", senderEmail: "lea@atelier.example\r\nBcc: x@y.z" }))
        .senderEmail,
    ).toBeDefined();
    expect(
      Object.keys(
        errorsOf(
          parseSenderSettings({
            senderName: "",
            senderEmail: "lea@atelier.example",
            replyDomain: "not a domain",
            smtpUrl: "http://mail",
          }),
        ),
      ).sort(),
    ).toEqual(["replyDomain", "senderName", "smtpUrl"]);
  });
});

describe("SMS settings", () => {
  const sid = `AC${"a1".repeat(16)}`;
  it("normalises the number and requires SID and number unless switching off", () => {
    const parsed = parseSmsSettings({
      twilioAccountSid: sid,
      twilioAuthToken: "",
      twilioFromNumber: "+33 6 12 34 56 78",
    });
    expect(parsed.ok && parsed.value).toMatchObject({ twilioFromNumber: "+33612345678", twilioAuthToken: null });
    expect(Object.keys(errorsOf(parseSmsSettings({ twilioAccountSid: "", twilioFromNumber: "" }))).sort()).toEqual([
      "twilioAccountSid",
      "twilioFromNumber",
    ]);
    expect(parseSmsSettings({ clearSms: true }).ok).toBe(true);
    expect(errorsOf(parseSmsSettings({ twilioAccountSid: "AC123", twilioFromNumber: "0612" }))).toMatchObject({
      twilioAccountSid: expect.stringMatching(/AC/),
      twilioFromNumber: expect.stringMatching(/international/),
    });
  });
});

describe("sending rules", () => {
  const valid = {
    quietHoursStart: "20:00",
    quietHoursEnd: "08:00",
    frequencyCapHours: "24",
    consentPolicy: "SUBSCRIBED_ONLY",
  };
  it("stores quiet hours as minutes after midnight; the window may cross midnight", () => {
    expect(parseSendingSettings(valid)).toEqual({
      ok: true,
      value: { quietHoursStart: 1200, quietHoursEnd: 480, frequencyCapHours: 24, consentPolicy: "SUBSCRIBED_ONLY" },
    });
    expect(quietLength(1200, 480)).toBe(720);
    expect(quietLength(60, 300)).toBe(240);
  });

  it("refuses quiet hours ending before they start (a 23-hour night), equal ends, a negative cap, unknown policies", () => {
    expect(
      errorsOf(parseSendingSettings({ ...valid, quietHoursStart: "08:00", quietHoursEnd: "07:00" })).quietHoursEnd,
    ).toMatch(/end is before the start/);
    expect(errorsOf(parseSendingSettings({ ...valid, quietHoursEnd: "20:00" })).quietHoursEnd).toMatch(
      /different time/,
    );
    expect(errorsOf(parseSendingSettings({ ...valid, frequencyCapHours: "-1" })).frequencyCapHours).toMatch(
      /at least 1/,
    );
    expect(errorsOf(parseSendingSettings({ ...valid, frequencyCapHours: "1.5" })).frequencyCapHours).toMatch(/whole/);
    expect(errorsOf(parseSendingSettings({ ...valid, quietHoursStart: "25:00" })).quietHoursStart).toMatch(/HH:MM/);
    expect(errorsOf(parseSendingSettings({ ...valid, consentPolicy: "EVERYONE" })).consentPolicy).toBeDefined();
  });
});

describe("support targets", () => {
  const base = {
    slaFirstResponseMinutes: "240",
    slaVipFirstResponseMinutes: "60",
    slaResolutionMinutes: "1440",
    slaGoalPercent: "80",
  };
  it("stores business hours in the inbox's format, or none for 24/7", () => {
    expect(parseSupportSettings({ ...base, alwaysOpen: true })).toMatchObject({
      ok: true,
      value: { businessHoursJson: null },
    });
    const parsed = parseSupportSettings({
      ...base,
      alwaysOpen: false,
      timezone: "Europe/Paris",
      days: { mon: { open: true, from: "09:00", to: "17:30" }, sat: { open: false, from: "10:00", to: "12:00" } },
    });
    expect(parsed.ok && JSON.parse(parsed.value.businessHoursJson!)).toEqual({
      timezone: "Europe/Paris",
      days: { mon: [["09:00", "17:30"]] },
    });
  });

  it("refuses a VIP target looser than everyone's, resolution before response, closed weeks and reversed days", () => {
    expect(
      errorsOf(parseSupportSettings({ ...base, slaVipFirstResponseMinutes: "300", alwaysOpen: true })),
    ).toHaveProperty("slaVipFirstResponseMinutes");
    expect(errorsOf(parseSupportSettings({ ...base, slaResolutionMinutes: "60", alwaysOpen: true }))).toHaveProperty(
      "slaResolutionMinutes",
    );
    expect(errorsOf(parseSupportSettings({ ...base, alwaysOpen: false, days: {} }))).toHaveProperty("days");
    expect(
      errorsOf(
        parseSupportSettings({ ...base, alwaysOpen: false, days: { tue: { open: true, from: "18:00", to: "09:00" } } }),
      ),
    ).toHaveProperty(["days.tue"]);
    expect(
      errorsOf(
        parseSupportSettings({
          ...base,
          alwaysOpen: false,
          timezone: "Mars/Olympus",
          days: { mon: { open: true, from: "09:00", to: "17:00" } },
        }),
      ),
    ).toHaveProperty("timezone");
  });
});

describe("languages", () => {
  it("keeps at least one shipped language, and shoppers outside them get the shop's language", () => {
    expect(parseLanguagesSettings({ languages: [] }).ok).toBe(false);
    expect(parseLanguagesSettings({ languages: ["de"] }).ok).toBe(false);
    expect(enabledLanguages(null)).toEqual(["en", "fr"]);
    expect(enabledLanguages('["fr"]')).toEqual(["fr"]);
    expect(enabledLanguages("not json")).toEqual(["en", "fr"]);
    const templates = { en: { body: "Hi" }, fr: { body: "Bonjour" } };
    expect(pickLocale(templates, "fr-CA", "en")).toBe("fr");
    expect(pickLocale(templates, "fr-CA", "en", ["en"])).toBe("en");
    expect(pickLocale(templates, "en-US", "fr", ["fr"])).toBe("fr");
  });
});
