import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "~/env.server";
import {
  TOKEN_TTL_SECONDS,
  clickUrl,
  createToken,
  newReplyToken,
  verifyToken,
} from "~/modules/messaging/tokens.server";

const now = new Date("2026-11-20T10:00:00Z");
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

describe("engagement tokens", () => {
  afterEach(() => {
    process.env.SHOPIFY_API_SECRET = "test-api-secret";
    resetEnvForTests();
  });

  it("round-trips each kind with its fields", () => {
    const open = createToken({ kind: "OPEN", messageId: "msg_1" }, { now });
    expect(open).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(open, "OPEN", now)).toEqual({
      kind: "OPEN",
      messageId: "msg_1",
      expiresAt: later(TOKEN_TTL_SECONDS.OPEN),
    });

    const target = "https://shop-1.myshopify.com/cart?utm_source=kindly&x=é";
    const click = createToken({ kind: "CLICK", messageId: "msg_1", url: target }, { now });
    expect(verifyToken(click, "CLICK", now)).toMatchObject({ kind: "CLICK", messageId: "msg_1", url: target });

    const unsubscribe = createToken({ kind: "UNSUBSCRIBE", messageId: "msg_1" }, { now });
    expect(verifyToken(unsubscribe, "UNSUBSCRIBE", later(300 * 86_400))).toMatchObject({ messageId: "msg_1" });

    const csat = createToken({ kind: "CSAT", messageId: "msg_2", score: 4 }, { now });
    expect(verifyToken(csat, "CSAT", now)).toMatchObject({ kind: "CSAT", messageId: "msg_2", score: 4 });
  });

  it("refuses a token of another kind (an open token cannot unsubscribe or redirect)", () => {
    const open = createToken({ kind: "OPEN", messageId: "msg_1" }, { now });
    expect(verifyToken(open, "UNSUBSCRIBE", now)).toBeNull();
    expect(verifyToken(open, "CLICK", now)).toBeNull();
  });

  it("refuses any tampering: payload, tag, truncation, garbage", () => {
    const token = createToken({ kind: "CLICK", messageId: "msg_1", url: "https://shop-1.myshopify.com/" }, { now });
    const [payload, signature] = token.split(".");

    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), u: "https://evil.example/" }),
    ).toString("base64url");
    expect(verifyToken(`${forgedPayload}.${signature}`, "CLICK", now)).toBeNull();

    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    expect(verifyToken(`${payload}.${flipped}`, "CLICK", now)).toBeNull();
    expect(verifyToken(`${payload}.${signature.slice(0, -2)}`, "CLICK", now)).toBeNull();
    expect(verifyToken(payload, "CLICK", now)).toBeNull();
    expect(verifyToken(`${token}.x`, "CLICK", now)).toBeNull();
    expect(verifyToken("", "CLICK", now)).toBeNull();
    expect(verifyToken("not a token at all", "CLICK", now)).toBeNull();
  });

  it("expires at its TTL", () => {
    const token = createToken({ kind: "OPEN", messageId: "msg_1" }, { now, ttlSeconds: 60 });
    expect(verifyToken(token, "OPEN", later(59))).not.toBeNull();
    expect(verifyToken(token, "OPEN", later(60))).toBeNull();
  });

  it("is bound to the app secret", () => {
    const token = createToken({ kind: "OPEN", messageId: "msg_1" }, { now });
    process.env.SHOPIFY_API_SECRET = "another-secret";
    resetEnvForTests();
    expect(verifyToken(token, "OPEN", now)).toBeNull();
  });

  it("builds endpoint URLs under the app URL", () => {
    const url = clickUrl("https://kindly.test/", "msg_1", "https://shop-1.myshopify.com/", now);
    expect(url).toMatch(/^https:\/\/kindly\.test\/t\/c\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyToken(url.split("/").pop()!, "CLICK", now)).toMatchObject({ url: "https://shop-1.myshopify.com/" });
  });

  it("makes reply tokens that survive a lowercased address", () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newReplyToken()));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(token).toMatch(/^[a-z2-7]{26}$/);
  });
});
