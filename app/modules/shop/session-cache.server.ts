import { Session } from "@shopify/shopify-app-remix/server";
import type { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";

/** The session-storage interface shopify-app-remix expects (the Prisma storage's methods). */
type SessionStorage = Pick<
  PrismaSessionStorage<never>,
  "loadSession" | "storeSession" | "deleteSession" | "deleteSessions" | "findSessionsByShop"
>;

/**
 * A short-lived, in-process cache of offline sessions in front of the real session storage.
 *
 * Every webhook goes through `authenticate.webhook`, which loads the shop's offline session: one database read per
 * delivery, for a row that changes only on install, token refresh and uninstall. Caching it for a few seconds
 * takes that read off the hot path (bench/webhook-ingest.ts).
 *
 * Correctness: writes and deletes through this storage update the cache at once; code that removes sessions
 * directly (app/uninstalled, shop/redact) calls `forgetShopSessions`. Another instance's changes are seen within
 * the TTL; the worst case is a webhook context holding a just-revoked token for a few seconds, which Shopify refuses.
 * Online (per-user) sessions are never cached. Only found sessions are cached, so a new install is seen at once.
 */
export class CachedSessionStorage implements SessionStorage {
  private readonly cache = new Map<string, { session: Session; until: number }>();

  constructor(
    private readonly inner: SessionStorage,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  private cacheable(id: string): boolean {
    return this.ttlMs > 0 && id.startsWith("offline_");
  }

  async loadSession(id: string): Promise<Session | undefined> {
    const hit = this.cache.get(id);
    if (hit && hit.until > this.now()) return new Session(hit.session.toObject());
    this.cache.delete(id);
    const session = await this.inner.loadSession(id);
    if (session && this.cacheable(id)) {
      this.cache.set(id, { session: new Session(session.toObject()), until: this.now() + this.ttlMs });
    }
    return session;
  }

  async storeSession(session: Session): Promise<boolean> {
    this.cache.delete(session.id);
    return this.inner.storeSession(session);
  }

  async deleteSession(id: string): Promise<boolean> {
    this.cache.delete(id);
    return this.inner.deleteSession(id);
  }

  async deleteSessions(ids: string[]): Promise<boolean> {
    for (const id of ids) this.cache.delete(id);
    return this.inner.deleteSessions(ids);
  }

  findSessionsByShop(shop: string): Promise<Session[]> {
    return this.inner.findSessionsByShop(shop);
  }

  /** Drops every cached session of a shop (its sessions were deleted behind this storage's back). */
  forgetShop(shop: string): void {
    for (const [id, entry] of this.cache) if (entry.session.shop === shop) this.cache.delete(id);
  }
}

declare global {
  var __kindlySessionCaches: Set<CachedSessionStorage> | undefined;
}

/** Registers a cache so `forgetShopSessions` reaches it (the Remix build and tsx-loaded code are separate modules). */
export function registerSessionCache(cache: CachedSessionStorage): CachedSessionStorage {
  globalThis.__kindlySessionCaches ??= new Set();
  globalThis.__kindlySessionCaches.add(cache);
  return cache;
}

export function forgetShopSessions(shop: string): void {
  for (const cache of globalThis.__kindlySessionCaches ?? []) cache.forgetShop(shop);
}
