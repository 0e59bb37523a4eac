import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { isEngaged } from "~/modules/messaging/engagement.server";
import { isSuppressed } from "~/modules/messaging/suppression.server";
import { createToken } from "~/modules/messaging/tokens.server";
import { loader as openPixel } from "~/routes/t.o.$token";
import { loader as clickRedirect } from "~/routes/t.c.$token";
import { action as unsubscribePost, loader as unsubscribePage } from "~/routes/u.$token";
import { createMessagingShop, createSentMessage, eventTypes, runState } from "./support";

const SENT_AT = new Date("2026-11-20T10:00:00Z");
const HOUR = 3_600_000;
const IPHONE_MAIL =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";

let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock(new Date(SENT_AT.getTime() + HOUR));
  setClock(clock);
});

const routeArgs = (path: string, token: string, init: RequestInit = {}) => ({
  request: new Request(`https://kindly.test${path}${token}`, init),
  params: { token },
  context: {},
});

async function fetchPixel(token: string, userAgent?: string) {
  return (await openPixel(
    routeArgs("/t/o/", token, { headers: userAgent ? { "User-Agent": userAgent } : {} }),
  )) as Response;
}

async function click(token: string, userAgent = IPHONE_MAIL) {
  return (await clickRedirect(routeArgs("/t/c/", token, { headers: { "User-Agent": userAgent } }))) as Response;
}

describe("open pixel", () => {
  it("answers a 1x1 GIF that is never cached, and records a person's open", async () => {
    const { shop } = await createMessagingShop();
    const { message, run } = await createSentMessage(shop, { sentAt: SENT_AT });
    const response = await fetchPixel(createToken({ kind: "OPEN", messageId: message.id }), IPHONE_MAIL);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    expect(response.headers.get("cache-control")).toContain("no-store");
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    expect(body.readUInt16LE(6)).toBe(1);
    expect(body.readUInt16LE(8)).toBe(1);
    expect(await eventTypes(message.id)).toEqual(["OPEN"]);
    expect(await isEngaged(prisma, run.id)).toBe(true);
  });

  it("records machine opens (prefetch within seconds, privacy proxies) without counting them as engagement", async () => {
    const { shop } = await createMessagingShop();
    const { message, run } = await createSentMessage(shop, { sentAt: SENT_AT });
    const token = createToken({ kind: "OPEN", messageId: message.id }, { now: SENT_AT });

    clock.set(new Date(SENT_AT.getTime() + 3_000));
    await fetchPixel(token, IPHONE_MAIL); // 3 s after sending: nobody reads that fast
    clock.set(new Date(SENT_AT.getTime() + 2 * HOUR));
    await fetchPixel(token, "Mozilla/5.0"); // Apple Mail Privacy Protection
    clock.advance(1000);
    await fetchPixel(
      token,
      "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
    );
    clock.advance(1000);
    await fetchPixel(token, "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html");

    const events = await prisma.messageEvent.findMany({ where: { messageId: message.id }, orderBy: { at: "asc" } });
    expect(events.map((event) => event.type)).toEqual(["MACHINE_OPEN", "MACHINE_OPEN", "MACHINE_OPEN", "MACHINE_OPEN"]);
    expect(events.map((event) => JSON.parse(event.detailJson ?? "{}").reason)).toEqual([
      "PREFETCH_WINDOW",
      "PRIVACY_PROXY",
      "PRIVACY_PROXY",
      "PRIVACY_PROXY",
    ]);
    expect(JSON.parse(events[1].detailJson ?? "{}").agent).toBe("Apple Mail Privacy Protection");
    expect(await isEngaged(prisma, run.id)).toBe(false);

    // A person opening later does count.
    await fetchPixel(token, IPHONE_MAIL);
    expect(await isEngaged(prisma, run.id)).toBe(true);
  });

  it("still answers the image for a tampered or expired token, and records nothing", async () => {
    const { shop } = await createMessagingShop();
    const { message } = await createSentMessage(shop, { sentAt: SENT_AT });
    const expired = createToken({ kind: "OPEN", messageId: message.id }, { now: SENT_AT, ttlSeconds: 60 });
    const response = await fetchPixel(expired, IPHONE_MAIL);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/gif");
    await fetchPixel(`${createToken({ kind: "OPEN", messageId: message.id })}x`, IPHONE_MAIL);
    await fetchPixel(createToken({ kind: "UNSUBSCRIBE", messageId: message.id }), IPHONE_MAIL);
    expect(await eventTypes(message.id)).toEqual([]);
  });
});

describe("click redirect", () => {
  it("redirects to the recovery URL and to the shop's own domains, recording the click", async () => {
    const { shop } = await createMessagingShop();
    const recoveryUrl = "https://checkout.example-payments.com/recover/abc?key=1";
    const { message, run } = await createSentMessage(shop, { sentAt: SENT_AT, recoveryUrl });
    expect(await isEngaged(prisma, run.id)).toBe(false);

    for (const target of [recoveryUrl, "https://linen.example/pages/faq", `https://${shop}/cart`]) {
      const response = await click(createToken({ kind: "CLICK", messageId: message.id, url: target }));
      expect(response.status).toBe(302);
      expect(response.headers.get("location")).toBe(target);
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
    }
    expect(await eventTypes(message.id)).toEqual(["CLICK", "CLICK", "CLICK"]);
    expect(await isEngaged(prisma, run.id)).toBe(true);
  });

  it("refuses an open-redirect attempt even with a validly signed token, and records nothing", async () => {
    const { shop } = await createMessagingShop();
    const { message } = await createSentMessage(shop, { sentAt: SENT_AT });
    for (const target of [
      "https://evil.example/phish",
      "https://linen.example@evil.example/",
      "https://linen.example.evil.example/",
      "javascript:alert(document.domain)",
      `https://${shop}.evil.example/`,
      "https://checkout.example-payments.com/recover/other", // looks like a recovery URL, but not this checkout's
    ]) {
      const response = await click(createToken({ kind: "CLICK", messageId: message.id, url: target }));
      expect(response.status, target).toBe(400);
      expect(response.headers.get("location")).toBeNull();
      expect(await response.text()).toContain("This link can&#39;t be opened");
    }
    const tampered = await click(
      `${createToken({ kind: "CLICK", messageId: message.id, url: "https://linen.example/" })}A`,
    );
    expect(tampered.status).toBe(400);
    expect(await eventTypes(message.id)).toEqual([]);
  });

  it("records a mail scanner's click as MACHINE_CLICK, redirects it, and does not count it", async () => {
    const { shop } = await createMessagingShop();
    const { message, run } = await createSentMessage(shop, { sentAt: SENT_AT });
    const response = await click(
      createToken({ kind: "CLICK", messageId: message.id, url: "https://linen.example/" }),
      "Mozilla/5.0 (compatible; BingPreview/1.0b)",
    );
    expect(response.status).toBe(302);
    expect(await eventTypes(message.id)).toEqual(["MACHINE_CLICK"]);
    expect(await isEngaged(prisma, run.id)).toBe(false);
  });
});

describe("unsubscribe", () => {
  it("GET shows an accessible confirmation page and changes nothing", async () => {
    const { shop } = await createMessagingShop({ data: { name: `Linen <script>alert("x")</script> & Co` } });
    const { message, run, email } = await createSentMessage(shop, { sentAt: SENT_AT });
    const token = createToken({ kind: "UNSUBSCRIBE", messageId: message.id });
    const response = (await unsubscribePage(routeArgs("/u/", token))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(
      "<h1>Unsubscribe from Linen &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co emails?</h1>",
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain(`${email[0]}•••@example.org`);
    expect(html).toContain('<form method="post">');
    expect(html).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(html).toContain('<button type="submit">Unsubscribe</button>');

    expect(await isSuppressed(prisma, shop, "EMAIL", email)).toBe(false);
    expect(await eventTypes(message.id)).toEqual([]);
    expect(await runState(run.id)).toEqual({ state: "ACTIVE", stopReason: null });
  });

  it("one-click POST (RFC 8058) suppresses the address, records UNSUBSCRIBE and stops the run", async () => {
    const { shop } = await createMessagingShop();
    const { message, run, email, pendingId } = await createSentMessage(shop, { sentAt: SENT_AT });
    const token = createToken({ kind: "UNSUBSCRIBE", messageId: message.id });
    const post = () =>
      unsubscribePost(
        routeArgs("/u/", token, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        }),
      ) as Promise<Response>;

    const response = await post();
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("<h1>You&#39;re unsubscribed</h1>");
    expect(await isSuppressed(prisma, shop, "EMAIL", email.toUpperCase())).toBe(true);
    expect(await eventTypes(message.id)).toEqual(["UNSUBSCRIBE"]);
    const event = await prisma.messageEvent.findFirstOrThrow({ where: { messageId: message.id } });
    expect(JSON.parse(event.detailJson ?? "{}")).toEqual({ source: "ONE_CLICK" });
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "UNSUBSCRIBED" });
    expect(await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: pendingId } })).toMatchObject({
      state: "CANCELLED",
      skipReason: "UNSUBSCRIBED",
    });

    // Twice (a mail client retrying, then the person clicking the link): same outcome, one event.
    expect((await post()).status).toBe(200);
    expect(await eventTypes(message.id)).toEqual(["UNSUBSCRIBE"]);
    const again = (await unsubscribePage(routeArgs("/u/", token))) as Response;
    expect(await again.text()).toContain("You&#39;re unsubscribed");
  });

  it("speaks the shopper's language", async () => {
    const { shop } = await createMessagingShop();
    const { message } = await createSentMessage(shop, { sentAt: SENT_AT, locale: "fr" });
    const token = createToken({ kind: "UNSUBSCRIBE", messageId: message.id });
    const html = await ((await unsubscribePage(routeArgs("/u/", token))) as Response).text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Se désabonner des e-mails de Linen &amp; Co ?");
    expect(html).toContain('<button type="submit">Me désabonner</button>');
  });

  it("answers a bad or expired token with a polite 400 page and changes nothing", async () => {
    const { shop } = await createMessagingShop();
    const { message, run } = await createSentMessage(shop, { sentAt: SENT_AT });
    const expired = createToken({ kind: "UNSUBSCRIBE", messageId: message.id }, { now: SENT_AT, ttlSeconds: 60 });
    const get = (await unsubscribePage(routeArgs("/u/", expired))) as Response;
    expect(get.status).toBe(400);
    expect(await get.text()).toContain("This link no longer works");
    const post = (await unsubscribePost(
      routeArgs("/u/", createToken({ kind: "OPEN", messageId: message.id }), {
        method: "POST",
        body: "List-Unsubscribe=One-Click",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "fr-FR,fr;q=0.9" },
      }),
    )) as Response;
    expect(post.status).toBe(400);
    expect(await post.text()).toContain("Ce lien ne fonctionne plus");
    expect(await prisma.suppression.count({ where: { shop } })).toBe(0);
    expect(await runState(run.id)).toEqual({ state: "ACTIVE", stopReason: null });
  });
});
