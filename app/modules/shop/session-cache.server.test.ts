import { Session } from "@shopify/shopify-app-remix/server";
import { describe, expect, it } from "vitest";
import { CachedSessionStorage, forgetShopSessions, registerSessionCache } from "./session-cache.server";

/** An in-memory storage that counts reads, standing in for the Prisma storage. */
function countingStorage() {
  const rows = new Map<string, Session>();
  const storage = {
    reads: 0,
    rows,
    async loadSession(id: string) {
      storage.reads++;
      const row = rows.get(id);
      return row ? new Session(row.toObject()) : undefined;
    },
    async storeSession(session: Session) {
      rows.set(session.id, new Session(session.toObject()));
      return true;
    },
    async deleteSession(id: string) {
      rows.delete(id);
      return true;
    },
    async deleteSessions(ids: string[]) {
      for (const id of ids) rows.delete(id);
      return true;
    },
    async findSessionsByShop(shop: string) {
      return [...rows.values()].filter((session) => session.shop === shop);
    },
  };
  return storage;
}

const offline = (shop: string, token = "shpat_one") => {
  const session = new Session({ id: `offline_${shop}`, shop, state: "s", isOnline: false });
  session.accessToken = token;
  return session;
};

describe("CachedSessionStorage", () => {
  it("serves an offline session from memory within the TTL, then reads it again", async () => {
    let now = 1_000;
    const inner = countingStorage();
    const cache = new CachedSessionStorage(inner, 5_000, () => now);
    await inner.storeSession(offline("a.myshopify.com"));
    expect((await cache.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("shpat_one");
    expect((await cache.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("shpat_one");
    expect(inner.reads).toBe(1);
    now += 5_001;
    await cache.loadSession("offline_a.myshopify.com");
    expect(inner.reads).toBe(2);
  });

  it("hands out copies, so a caller changing its session does not change the cache", async () => {
    const inner = countingStorage();
    const cache = new CachedSessionStorage(inner, 5_000);
    await inner.storeSession(offline("a.myshopify.com"));
    const first = await cache.loadSession("offline_a.myshopify.com");
    first!.accessToken = "tampered";
    expect((await cache.loadSession("offline_a.myshopify.com"))?.accessToken).toBe("shpat_one");
  });

  it("sees stores and deletes through it at once, and never caches a missing or online session", async () => {
    const inner = countingStorage();
    const cache = new CachedSessionStorage(inner, 60_000);
    expect(await cache.loadSession("offline_b.myshopify.com")).toBeUndefined();
    await inner.storeSession(offline("b.myshopify.com")); // a new install, written by another instance
    expect(await cache.loadSession("offline_b.myshopify.com")).toBeDefined();
    await cache.storeSession(offline("b.myshopify.com", "shpat_two"));
    expect((await cache.loadSession("offline_b.myshopify.com"))?.accessToken).toBe("shpat_two");
    await cache.deleteSessions(["offline_b.myshopify.com"]);
    expect(await cache.loadSession("offline_b.myshopify.com")).toBeUndefined();

    const online = new Session({ id: "b.myshopify.com_42", shop: "b.myshopify.com", state: "s", isOnline: true });
    await inner.storeSession(online);
    const reads = inner.reads;
    await cache.loadSession(online.id);
    await cache.loadSession(online.id);
    expect(inner.reads).toBe(reads + 2);
  });

  it("forgets a shop's sessions removed behind its back (uninstall, shop/redact)", async () => {
    const inner = countingStorage();
    const cache = registerSessionCache(new CachedSessionStorage(inner, 60_000));
    await inner.storeSession(offline("c.myshopify.com"));
    await cache.loadSession("offline_c.myshopify.com");
    inner.rows.clear();
    expect(await cache.loadSession("offline_c.myshopify.com")).toBeDefined();
    forgetShopSessions("c.myshopify.com");
    expect(await cache.loadSession("offline_c.myshopify.com")).toBeUndefined();
  });

  it("caches nothing with a TTL of 0", async () => {
    const inner = countingStorage();
    const cache = new CachedSessionStorage(inner, 0);
    await inner.storeSession(offline("d.myshopify.com"));
    await cache.loadSession("offline_d.myshopify.com");
    await cache.loadSession("offline_d.myshopify.com");
    expect(inner.reads).toBe(2);
  });
});
