import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { ManualClock, setClock } from "~/clock.server";
import { createToken } from "~/modules/messaging/tokens.server";
import { MAX_INBOUND_EMAIL_BYTES } from "~/modules/messaging/inbound-email.server";
import { MAX_INBOUND_SMS_BYTES } from "~/modules/messaging/inbound-sms.server";
import { MAX_PUBLIC_FORM_BYTES } from "~/modules/messaging/http.server";
import { MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { readExtensionAsset } from "~/modules/demo/storefront.server";
import { renderStorefrontPreview } from "~/modules/storefront/preview.server";
import { loadThemeExtension } from "~/modules/storefront/theme-extension.server";
import { MAX_WEBHOOK_BODY_BYTES } from "~/modules/webhooks/receive.server";
import { startAppServer, type AppServer } from "../../server/app-server";
import { createCustomerFootprint, createShop, person } from "../support/factories";
import { ROOT } from "../support/paths";
import { signWebhook } from "../support/webhooks";
import { API_SECRET, APP_URL, call, installSession, proxyUrl, routeFiles, routeModule, type Answer } from "./support";
import { tally } from "./tally";

/**
 * Oversize bodies on every public POST endpoint (413, refused before the whole body is buffered), path traversal on
 * every route that serves files, and open redirects wherever Kindly answers with a Location.
 */

const SHOP = "limits-shop.myshopify.com";
const clock = new ManualClock(new Date());
let footprint: Awaited<ReturnType<typeof createCustomerFootprint>>;
let csatRequestId = "";
let app: AppServer;

beforeAll(async () => {
  setClock(clock);
  await createShop(SHOP, { primaryDomain: "limits.example" });
  await installSession(SHOP);
  footprint = await createCustomerFootprint(SHOP, person(), clock.now());
  csatRequestId = (
    await prisma.conversationMessage.create({
      data: {
        shop: SHOP,
        conversationId: footprint.conversation.id,
        author: "SYSTEM",
        channel: "EMAIL",
        kind: "CSAT_REQUEST",
        body: "How did we do?",
      },
    })
  ).id;
});

afterAll(async () => {
  await app?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

// ---- 413 ------------------------------------------------------------------------------------------------------------

/** A body of `size` bytes sent as a stream with no Content-Length (chunked): the limit must hold while reading. */
function streamedBody(size: number, chunk = 64 * 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const n = Math.min(chunk, size - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

interface PublicPost {
  limit: number;
  url: string;
  headers?: Record<string, string>;
  kind?: "action" | "loader";
  params?: Record<string, string>;
}

/** Every route that takes a POST from outside Shopify's admin, and the most it accepts. */
function publicPost(route: string): PublicPost | null {
  if (route.startsWith("webhooks.")) {
    const topic = route.slice("webhooks.".length).replace(".", "/");
    return {
      limit: MAX_WEBHOOK_BODY_BYTES,
      url: `${APP_URL}/webhooks/${topic}`,
      headers: {
        "X-Shopify-Topic": topic,
        "X-Shopify-Shop-Domain": SHOP,
        "X-Shopify-Hmac-Sha256": signWebhook("{}", API_SECRET),
        "X-Shopify-Webhook-Id": "w-1",
        "Content-Type": "application/json",
      },
    };
  }
  if (route.startsWith("proxy.") && route !== "proxy.faq") {
    return {
      limit: MAX_PROXY_BODY_BYTES,
      url: proxyUrl(route.slice("proxy.".length).replace(/\./g, "/"), { shop: SHOP }),
      headers: { "Content-Type": "application/json" },
    };
  }
  if (route === "inbound.email") {
    return {
      limit: MAX_INBOUND_EMAIL_BYTES,
      url: `${APP_URL}/inbound/email`,
      headers: { "X-Kindly-Inbound-Secret": "kindly-dev-inbound-email-secret", "Content-Type": "message/rfc822" },
    };
  }
  if (route === "inbound.sms") {
    return {
      limit: MAX_INBOUND_SMS_BYTES,
      url: `${APP_URL}/inbound/sms`,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    };
  }
  const form = { limit: MAX_PUBLIC_FORM_BYTES, headers: { "Content-Type": "application/x-www-form-urlencoded" } };
  if (route === "auth.login") return { ...form, url: `${APP_URL}/auth/login` };
  if (/^[a-z]\.\$token$/.test(route)) {
    // Signed-link pages: with a genuine token where this suite can mint one (CSAT, unsubscribe), so the size is
    // what gets the request refused; another kind's token is refused before its body is read at all.
    const token =
      route === "s.$token"
        ? createToken({ kind: "CSAT", messageId: csatRequestId })
        : createToken({ kind: "UNSUBSCRIBE", messageId: footprint.message.id });
    return { ...form, url: `${APP_URL}/${route.charAt(0)}/${token}`, params: { token } };
  }
  return null;
}

const isPublicPost = (route: string) =>
  route.startsWith("webhooks.") ||
  (route.startsWith("proxy.") && route !== "proxy.faq") ||
  route.startsWith("inbound.") ||
  route === "auth.login" ||
  /^[a-z]\.\$token$/.test(route);
const PUBLIC_POSTS = routeFiles().filter(isPublicPost);
/** Signed-link routes this suite cannot mint a genuine token for: they must refuse (400) before reading the body. */
const mintable = (route: string) => !/^[a-z]\.\$token$/.test(route) || ["s.$token", "u.$token"].includes(route);

describe("oversize bodies -> 413", () => {
  it("covers every webhook, proxy, inbound and signed-link route", () => {
    expect(PUBLIC_POSTS.filter((r) => r.startsWith("webhooks.")).length).toBeGreaterThanOrEqual(12);
    expect(PUBLIC_POSTS).toEqual(expect.arrayContaining(["inbound.email", "inbound.sms", "proxy.chat", "u.$token"]));
  });

  it.each(PUBLIC_POSTS)("%s: a declared Content-Length over the limit -> 413", async (route) => {
    resetRateLimits();
    const spec = publicPost(route)!;
    const request = new Request(spec.url, {
      method: "POST",
      headers: { ...spec.headers, "Content-Length": String(spec.limit + 1) },
      body: streamedBody(spec.limit + 1),
      duplex: "half",
    } as RequestInit);
    const events = await prisma.webhookEvent.count();
    const answer = await call(await routeModule(route), "action", request, spec.params ?? {});
    expect(answer.status).toBe(mintable(route) ? 413 : 400);
    expect(await prisma.webhookEvent.count()).toBe(events);
    tally("oversize bodies");
  });

  it.each(PUBLIC_POSTS)("%s: a streamed body (no Content-Length) cut off past the limit -> 413", async (route) => {
    resetRateLimits();
    const spec = publicPost(route)!;
    let pulled = 0;
    const body = streamedBody(spec.limit * 4);
    const counting = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulled += chunk.byteLength;
          controller.enqueue(chunk);
        },
      }),
    );
    const request = new Request(spec.url, {
      method: "POST",
      headers: spec.headers,
      body: counting,
      duplex: "half",
    } as RequestInit);
    const answer = await call(await routeModule(route), "action", request, spec.params ?? {});
    expect(answer.status).toBe(mintable(route) ? 413 : 400);
    // Reading stopped soon after the limit: the sender could not make us buffer the four times the limit it sent.
    expect(pulled).toBeLessThan(spec.limit + 4 * 64 * 1024);
    tally("oversize bodies");
  });
});

// ---- Path traversal -------------------------------------------------------------------------------------------------

const TRAVERSALS = [
  "../../../package.json",
  "..%2f..%2f..%2fpackage.json",
  "%2e%2e%2f%2e%2e%2fpackage.json",
  "..\\..\\..\\package.json",
  "....//....//package.json",
  "/etc/passwd",
  path.join(ROOT, "package.json"),
  "chat.js\0.css",
  "chat.js%00.css",
  "..",
  ".env",
  "%252e%252e%252fpackage.json",
];
const PACKAGE_JSON = fs.readFileSync(path.join(ROOT, "package.json"), "utf8");

describe("path traversal", () => {
  it.each(TRAVERSALS)("extension assets %j -> nothing outside assets/", async (name) => {
    expect(await readExtensionAsset(name)).toBeNull();
    tally("path traversal");
  });

  it("a genuine asset is served (the refusals above are for the path only)", async () => {
    expect((await readExtensionAsset("chat.js"))?.contentType).toMatch(/javascript/);
  });

  it.each(TRAVERSALS)("policy page handle %j -> 404, no file read", async (handle) => {
    const { status, html } = await renderStorefrontPreview({
      extension: await loadThemeExtension(path.join(ROOT, "extensions", "kindly-storefront")),
      shop: { name: "Shop", email: "a@b.example", domain: SHOP, currencyCode: "EUR", policies: [] },
      products: [],
      requestedLocale: null,
      now: clock.now(),
      baseUrl: "/demo/storefront",
      page: { kind: "policy", handle },
    });
    expect(status).toBe(404);
    expect(html).not.toContain('"name": "kindly"');
    tally("path traversal");
  });

  describe("through the built server, raw paths as a client can send them", () => {
    beforeAll(async () => {
      process.env.KINDLY_DEMO = "1";
      resetEnvForTests();
      app = await startAppServer({ port: 0 });
    });

    const RAW_PATHS = [
      "/assets/..%2f..%2f..%2fpackage.json",
      "/assets/%2e%2e/%2e%2e/%2e%2e/package.json",
      "/assets/../../../package.json",
      "/..%2f..%2fpackage.json",
      "/%2e%2e%2f%2e%2e%2fpackage.json",
      "/favicon.ico%00../../package.json",
      "/demo/storefront/assets/..%2f..%2f..%2f..%2fpackage.json",
      "/demo/storefront/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json",
      "/demo/storefront/assets/..%5c..%5c..%5cpackage.json",
      "/demo/storefront/assets/chat.js%00.css",
      "/demo/storefront/assets/%2fetc%2fpasswd",
      "/build/server/index.js",
      "/server/index.js",
      "/.env",
    ];

    function rawGet(rawPath: string): Promise<{ status: number; body: string }> {
      const { hostname, port } = new URL(app.url);
      return new Promise((resolve, reject) => {
        const request = http.request({ host: hostname, port, path: rawPath, method: "GET" }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
        });
        request.on("error", reject);
        request.end();
      });
    }

    it.each(RAW_PATHS)("GET %s -> 4xx, no file outside the served directory", async (rawPath) => {
      // Remix reports an unmatched URL with console.error ("No route matches URL"): that, and only that, is expected.
      const logged: string[] = [];
      vi.mocked(console.error).mockImplementation((...parts: unknown[]) => {
        logged.push(
          parts
            .map((part) => (part instanceof Error ? part.message : (JSON.stringify(part) ?? String(part))))
            .join(" "),
        );
      });
      const { status, body } = await rawGet(rawPath);
      for (const line of logged) expect(line).toMatch(/No route matches URL/);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(body).not.toContain(PACKAGE_JSON.slice(0, 60));
      expect(body).not.toContain("root:x:0:0");
      expect(body).not.toMatch(/DATABASE_URL|ENCRYPTION_KEY=/);
      tally("path traversal");
    });

    it("the same server serves the genuine asset", async () => {
      const { status, body } = await rawGet("/demo/storefront/assets/chat.js");
      expect(status).toBe(200);
      expect(body.length).toBeGreaterThan(100);
    });
  });
});

// ---- Open redirects -------------------------------------------------------------------------------------------------

describe("open redirects", () => {
  const HOSTILE_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "https://limits-shop.myshopify.com.evil.example/",
    "https://limits-shop.myshopify.com@evil.example/",
    "https://evil.example/?next=https://limits-shop.myshopify.com/",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
    "https:\\\\evil.example",
    "https://evil.example\\@limits-shop.myshopify.com/",
    "https://limits.example.evil.example/",
    "/\\evil.example",
    "ftp://limits-shop.myshopify.com/",
  ];

  it.each(HOSTILE_TARGETS)("click redirect with a genuinely signed target %j -> refused, no Location", async (url) => {
    const token = createToken({ kind: "CLICK", messageId: footprint.message.id, url });
    const answer = await call(await routeModule("t.c.$token"), "loader", new Request(`${APP_URL}/t/c/${token}`), {
      token,
    });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("Location")).toBeNull();
    tally("open redirect");
  });

  it("the shop's own pages and its primary domain are followed", async () => {
    for (const url of [`https://${SHOP}/cart`, "https://limits.example/products/mug"]) {
      const token = createToken({ kind: "CLICK", messageId: footprint.message.id, url });
      const answer = await call(await routeModule("t.c.$token"), "loader", new Request(`${APP_URL}/t/c/${token}`), {
        token,
      });
      expect(answer.status).toBe(302);
      expect(answer.headers.get("Location")).toBe(url);
    }
  });

  it.each(["https://evil.example", "//evil.example", "evil.example", "/\\evil.example"])(
    "the landing page's ?shop=%j hands over to /app on this origin only",
    async (shop) => {
      const request = new Request(`${APP_URL}/?shop=${encodeURIComponent(shop)}`);
      const answer = await call(await routeModule("_index"), "loader", request);
      expect(answer.status).toBe(302);
      const location = answer.headers.get("Location") ?? "";
      expect(location.startsWith("/app?")).toBe(true);
      expect(new URL(location, APP_URL).origin).toBe(APP_URL);
      tally("open redirect");
    },
  );

  it.each([
    "evil.example",
    "https://evil.example",
    "limits-shop.myshopify.com.evil.example",
    "evil.example/.myshopify.com",
  ])("login with shop %j redirects nowhere", async (shop) => {
    const request = new Request(`${APP_URL}/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ shop }).toString(),
    });
    const answer = await call(await routeModule("auth.login"), "action", request);
    expect(answer.headers.get("Location")).toBeNull();
    expect(answer.text).toContain("Enter a valid shop domain");
    tally("open redirect");
  });

  it.each(["https://evil.example/", "//evil.example", "javascript:alert(1)"])(
    "Shopify's exit-iframe page refuses the destination %j",
    async (destination) => {
      const request = new Request(
        `${APP_URL}/auth/exit-iframe?shop=${SHOP}&host=aG9zdA&exitIframe=${encodeURIComponent(destination)}`,
      );
      const outcome: Answer | Error = await call(await routeModule("auth.$"), "loader", request).catch(
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      );
      if (outcome instanceof Error) {
        expect(outcome.message).toMatch(/untrusted|Invalid exit-iframe/i);
      } else {
        expect(outcome.headers.get("Location")).toBeNull();
        expect(outcome.text).not.toContain("evil.example");
      }
      tally("open redirect");
    },
  );
});
