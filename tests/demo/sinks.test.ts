import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countSegments, startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

describe("SMTP sink", () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(async () => {
    await sink.close();
  });

  it("captures what nodemailer sends over real SMTP, parsed", async () => {
    const transport = nodemailer.createTransport(sink.url);
    await transport.sendMail({
      from: '"Kindly Demo Store" <support@kindly-demo.example>',
      to: "ada@example.com",
      replyTo: "reply+abc@kindly.example",
      subject: "Trouble at checkout? Je peux vous aider",
      text: "Hi Ada,\n\nJust reply and I'll help.",
      html: "<p>Hi Ada,</p><p>Just reply and I&#39;ll help.</p>",
      headers: {
        "List-Unsubscribe": "<https://kindly.example/u/abc>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
    transport.close();

    const message = await sink.waitFor((m) => m.to.includes("ada@example.com"));
    expect(message.from).toBe("Kindly Demo Store <support@kindly-demo.example>");
    expect(message.envelope).toEqual({ from: "support@kindly-demo.example", to: ["ada@example.com"] });
    expect(message.subject).toBe("Trouble at checkout? Je peux vous aider");
    expect(message.replyTo).toBe("reply+abc@kindly.example");
    expect(message.text).toContain("Just reply and I'll help.");
    expect(message.html).toContain("<p>Hi Ada,</p>");
    expect(message.date).toBeInstanceOf(Date);
    expect(message.headers).toContainEqual(["list-unsubscribe-post", "List-Unsubscribe=One-Click"]);
    expect(message.raw).toMatch(/^[\s\S]*Subject: /);
  });

  it("keeps the newest first and accepts any login", async () => {
    const transport = nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      auth: { user: "shop", pass: "secret" },
    });
    await transport.sendMail({ from: "a@example.com", to: "b@example.com", subject: "second", text: "2" });
    transport.close();
    const [newest] = sink.messages();
    expect(newest.subject).toBe("second");
    expect(newest.authUser).toBe("shop");
  });
});

describe("fake Twilio", () => {
  let twilio: FakeTwilio;
  const post = (
    form: Record<string, string>,
    credentials = `${twilio.accountSid}:${twilio.authToken}`,
    accountSid = twilio.accountSid,
  ) =>
    fetch(`${twilio.url}/2010-04-01/Accounts/${accountSid}/Messages.json`, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    twilio = await startFakeTwilio();
  });
  afterAll(async () => {
    await twilio.close();
  });

  it("answers a good request with 201 and Twilio's message resource, and records it", async () => {
    const response = await post({ To: "+15555550123", From: "+15005550006", Body: "Hi Ada, it's Maya from the shop." });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(body).toMatchObject({
      account_sid: twilio.accountSid,
      api_version: "2010-04-01",
      status: "queued",
      direction: "outbound-api",
      to: "+15555550123",
      from: "+15005550006",
      num_segments: "1",
      error_code: null,
      uri: `/2010-04-01/Accounts/${twilio.accountSid}/Messages/${String(body.sid)}.json`,
    });
    expect(body.date_created).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(twilio.messages()[0]).toMatchObject({ sid: body.sid, body: "Hi Ada, it's Maya from the shop." });
  });

  it("refuses bad Basic auth with 401 and Twilio's error JSON", async () => {
    const wrongToken = await post({ To: "+15555550123", From: "+15005550006", Body: "x" }, `${twilio.accountSid}:nope`);
    expect(wrongToken.status).toBe(401);
    expect(await wrongToken.json()).toEqual({
      code: 20003,
      message: "Authenticate",
      more_info: "https://www.twilio.com/docs/errors/20003",
      status: 401,
    });
    const noAuth = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/Messages.json`, {
      method: "POST",
    });
    expect(noAuth.status).toBe(401);
    const otherAccount = await post(
      { To: "+15555550123", From: "+15005550006", Body: "x" },
      undefined,
      "AC00000000000000000000000000000000",
    );
    expect(otherAccount.status).toBe(401);
  });

  it("validates the form like Twilio (To, From or MessagingServiceSid, Body)", async () => {
    expect((await (await post({ From: "+15005550006", Body: "x" })).json()) as object).toMatchObject({
      code: 21604,
      status: 400,
    });
    expect((await (await post({ To: "+15555550123", Body: "x" })).json()) as object).toMatchObject({ code: 21603 });
    expect((await (await post({ To: "+15555550123", From: "+15005550006" })).json()) as object).toMatchObject({
      code: 21602,
    });
    const viaService = await post({ To: "+15555550123", MessagingServiceSid: "MG" + "a".repeat(32), Body: "x" });
    expect(viaService.status).toBe(201);
    expect(await viaService.json()).toMatchObject({ status: "accepted", from: null });
  });

  it("fails on demand with 500 or 429, then recovers", async () => {
    twilio.failNext(500);
    const failed = await post({ To: "+15555550123", From: "+15005550006", Body: "x" });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ code: 20500, status: 500 });
    expect((await post({ To: "+15555550123", From: "+15005550006", Body: "x" })).status).toBe(201);

    twilio.failAll(429);
    const limited = await post({ To: "+15555550123", From: "+15005550006", Body: "x" });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await post({ To: "+15555550123", From: "+15005550006", Body: "x" })).status).toBe(429);
    twilio.recover();
    expect((await post({ To: "+15555550123", From: "+15005550006", Body: "x" })).status).toBe(201);
  });

  it("posts signed status callbacks to the StatusCallback URL", async () => {
    const received: Array<{ signature: string | undefined; form: URLSearchParams; url: string }> = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        received.push({
          signature: request.headers["x-twilio-signature"] as string | undefined,
          form: new URLSearchParams(body),
          url: request.url ?? "",
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/inbound/sms/status?shop=demo`;
    try {
      const response = await post({ To: "+15555550123", From: "+15005550006", Body: "x", StatusCallback: callback });
      const { sid } = (await response.json()) as { sid: string };
      expect(await twilio.reportStatus(sid, "delivered")).toBe(204);
      const [call] = received;
      expect(call.form.get("MessageStatus")).toBe("delivered");
      expect(call.form.get("MessageSid")).toBe(sid);
      // Twilio's scheme, computed independently: URL + each parameter name and value, sorted by name.
      const data = [...call.form.keys()].sort().reduce((acc, key) => acc + key + call.form.get(key), callback);
      expect(call.signature).toBe(createHmac("sha1", twilio.authToken).update(data).digest("base64"));
    } finally {
      receiver.close();
    }
  });

  it("counts segments as carriers do (GSM-7 160/153, UCS-2 70/67)", () => {
    expect(countSegments("a".repeat(160))).toBe(1);
    expect(countSegments("a".repeat(161))).toBe(2);
    expect(countSegments("é".repeat(160))).toBe(1); // é is in GSM-7
    expect(countSegments("ê".repeat(70))).toBe(1); // ê is not
    expect(countSegments("ê".repeat(71))).toBe(2);
  });
});
