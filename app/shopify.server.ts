import "@shopify/shopify-app-remix/adapters/node";
import {
  ApiVersion,
  AppDistribution,
  shopifyApp,
  type AdminApiContext,
  type Session,
} from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { recordInstall } from "~/modules/shop/install.server";
import { CachedSessionStorage, registerSessionCache } from "~/modules/shop/session-cache.server";

const env = getEnv();

// Shopify's library captures `globalThis.fetch` when its adapter loads. Looking it up at call time instead lets
// a stand-in installed later (MSW in tests and the local demo) answer Admin API calls; in production it is the
// same fetch either way.
setAbstractFetchFunc((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

const shopify = shopifyApp({
  apiKey: env.SHOPIFY_API_KEY,
  apiSecretKey: env.SHOPIFY_API_SECRET,
  apiVersion: ApiVersion.October26,
  scopes: env.SCOPES,
  appUrl: env.SHOPIFY_APP_URL,
  authPathPrefix: "/auth",
  // Offline sessions cached for a few seconds: every webhook loads one (see session-cache.server.ts).
  sessionStorage: registerSessionCache(
    new CachedSessionStorage(new PrismaSessionStorage(prisma), env.SESSION_CACHE_SECONDS * 1000),
  ),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      await recordInstall(session.shop, admin);
    },
  },
  ...(env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = ApiVersion.October26;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;

/** The shop the local demo installs Kindly into. */
export const DEMO_SHOP = "kindly-demo.myshopify.com";

export function isDemoMode(): boolean {
  const { KINDLY_DEMO, NODE_ENV } = getEnv();
  // env validation already refuses KINDLY_DEMO in production; checked again here because this gate opens the admin.
  return KINDLY_DEMO && NODE_ENV !== "production";
}

export interface AdminRequestContext {
  shop: string;
  session: Session;
  admin: AdminApiContext;
  /** Rendered outside Shopify's iframe with the demo shop's offline session. */
  demo: boolean;
}

/**
 * Authenticates an embedded admin request. In the local demo (KINDLY_DEMO=1, never in production) the admin
 * pages open outside Shopify's iframe, acting as the demo shop with its offline session.
 */
export async function authenticateAdmin(request: Request): Promise<AdminRequestContext> {
  if (isDemoMode()) {
    const { admin, session } = await shopify.unauthenticated.admin(DEMO_SHOP);
    return { shop: session.shop, session, admin, demo: true };
  }
  const { admin, session } = await shopify.authenticate.admin(request);
  return { shop: session.shop, session, admin, demo: false };
}
