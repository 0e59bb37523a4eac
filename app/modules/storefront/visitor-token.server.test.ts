import { describe, expect, it } from "vitest";
import {
  createVisitorToken,
  newVisitorId,
  verifyVisitorToken,
  VISITOR_TOKEN_TTL_SECONDS,
} from "~/modules/storefront/visitor-token.server";

const SHOP = "ada.myshopify.com";
const now = new Date("2026-11-24T12:00:00Z");

describe("visitor tokens", () => {
  it("round-trips a visitor for its shop until it expires", () => {
    const visitorId = newVisitorId();
    const token = createVisitorToken({ visitorId, shop: SHOP }, { now });
    expect(verifyVisitorToken(token, SHOP, now)).toEqual({
      visitorId,
      shop: SHOP,
      expiresAt: new Date(now.getTime() + VISITOR_TOKEN_TTL_SECONDS * 1000),
    });
    const justBefore = new Date(now.getTime() + VISITOR_TOKEN_TTL_SECONDS * 1000 - 1);
    expect(verifyVisitorToken(token, SHOP, justBefore)?.visitorId).toBe(visitorId);
    const atExpiry = new Date(now.getTime() + VISITOR_TOKEN_TTL_SECONDS * 1000);
    expect(verifyVisitorToken(token, SHOP, atExpiry)).toBeNull();
  });

  it("refuses another shop, a changed payload, a changed tag and junk", () => {
    const token = createVisitorToken({ visitorId: newVisitorId(), shop: SHOP }, { now });
    expect(verifyVisitorToken(token, "eve.myshopify.com", now)).toBeNull();
    const [payload, tag] = token.split(".");
    const wire = JSON.parse(Buffer.from(payload, "base64url").toString());
    const swapped = Buffer.from(JSON.stringify({ ...wire, v: newVisitorId() })).toString("base64url");
    expect(verifyVisitorToken(`${swapped}.${tag}`, SHOP, now)).toBeNull();
    const flipped = tag.startsWith("A") ? `B${tag.slice(1)}` : `A${tag.slice(1)}`;
    expect(verifyVisitorToken(`${payload}.${flipped}`, SHOP, now)).toBeNull();
    for (const junk of ["", "a.b", "a.b.c", `${payload}`, "x".repeat(600), null, undefined]) {
      expect(verifyVisitorToken(junk, SHOP, now)).toBeNull();
    }
  });

  it("visitor ids are unguessable and URL-safe", () => {
    const ids = new Set(Array.from({ length: 100 }, newVisitorId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
