import { describe, expect, it } from "vitest";
import { isValidTwilioSignature, smsKeyword, twilioSignature, twiml } from "~/modules/messaging/inbound-sms.server";

describe("Twilio request signature", () => {
  // The worked example of Twilio's webhook security guide (auth token "12345").
  const url = "https://mycompany.com/myapp.php?foo=1&bar=2";
  const params: Array<[string, string]> = [
    ["To", "+18005551212"],
    ["CallSid", "CA1234567890ABCDE"],
    ["Digits", "1234"],
    ["From", "+12349013030"],
    ["Caller", "+12349013030"],
  ];

  it("matches Twilio's published example, whatever the parameter order", () => {
    expect(twilioSignature("12345", url, params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    expect(isValidTwilioSignature("12345", url, params.slice().reverse(), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")).toBe(true);
  });

  it("fails on any change: parameter, URL, token, signature", () => {
    const signature = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";
    expect(isValidTwilioSignature("12345", url, [...params.slice(1), ["To", "+18005551213"]], signature)).toBe(false);
    expect(isValidTwilioSignature("12345", url, [...params, ["Body", "STOP"]], signature)).toBe(false);
    expect(isValidTwilioSignature("12345", "https://mycompany.com/myapp.php", params, signature)).toBe(false);
    expect(isValidTwilioSignature("54321", url, params, signature)).toBe(false);
    expect(isValidTwilioSignature("12345", url, params, signature.slice(0, -2))).toBe(false);
    expect(isValidTwilioSignature("12345", url, params, null)).toBe(false);
  });
});

describe("SMS keywords", () => {
  it("recognises the opt-out, opt-in and help words, whole message only", () => {
    for (const text of [
      "STOP",
      "stop",
      " Stop. ",
      "stop!",
      "STOPALL",
      "stop all",
      "Unsubscribe",
      "cancel",
      "END",
      "quit",
      "Arrêt",
    ]) {
      expect(smsKeyword(text), text).toBe("OPT_OUT");
    }
    for (const text of ["START", "yes", "Unstop"]) expect(smsKeyword(text), text).toBe("OPT_IN");
    for (const text of ["HELP", "help?", "Info"]) expect(smsKeyword(text), text).toBe("HELP");
    for (const text of ["Don't stop", "stop sending me the blue one", "yes please, the blue one", "", "Hello"]) {
      expect(smsKeyword(text), text).toBeNull();
    }
  });

  it("writes TwiML with the text escaped", () => {
    expect(twiml()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(twiml("Linen & Co <3")).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Linen &amp; Co &lt;3</Message></Response>',
    );
  });
});
