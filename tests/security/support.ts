import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { Prisma } from "~/generated/prisma/client";
import { ROOT } from "../support/paths";

/**
 * What the security suite shares: forged and genuine credentials of every kind Kindly accepts (App Bridge session
 * tokens, app-proxy signatures), a way to call a route module the way Remix does and read its answer whatever
 * shape it takes, the list of route files on disk, and a snapshot of everything one shop owns so a test can prove
 * an attack changed nothing.
 */

export const APP_URL = "https://kindly.test";
export const API_KEY = "test-api-key";
export const API_SECRET = "test-api-secret";

export const ROUTES_DIR = path.join(ROOT, "app", "routes");

/** Every route module on disk (flat routes: one file per route), so a route added later is seen by the suite. */
export function routeFiles(): string[] {
  return fs
    .readdirSync(ROUTES_DIR)
    .filter((name) => /\.(tsx?|jsx?)$/.test(name) && !/\.test\./.test(name))
    .map((name) => name.replace(/\.(tsx?|jsx?)$/, ""))
    .sort();
}

/** Imports a route module by its route name (the file name without extension), as the Remix build would. */
export async function routeModule(name: string): Promise<RouteModule> {
  const file = fs
    .readdirSync(ROUTES_DIR)
    .find((candidate) => candidate.replace(/\.(tsx?|jsx?)$/, "") === name && !/\.test\./.test(candidate));
  if (!file) throw new Error(`No route module named ${name} in app/routes`);
  return (await import(path.join(ROUTES_DIR, file))) as RouteModule;
}

// ---- App Bridge session tokens --------------------------------------------------------------------------------------

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export interface SessionTokenClaims {
  iss?: string;
  dest?: string;
  aud?: string;
  sub?: string;
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  sid?: string;
}

/** An HS256 JWT shaped like the ones App Bridge gets from Shopify (claims overridable; `secret` defaults to the app's). */
export function sessionToken(
  shop: string,
  overrides: SessionTokenClaims = {},
  options: { secret?: string; alg?: string } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: API_KEY,
    sub: "42",
    exp: now + 60,
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
    ...overrides,
  };
  const header = b64url(JSON.stringify({ alg: options.alg ?? "HS256", typ: "JWT" }));
  const payload = b64url(JSON.stringify(claims));
  if (options.alg === "none") return `${header}.${payload}.`;
  const signature = createHmac("sha256", options.secret ?? API_SECRET)
    .update(`${header}.${payload}`)
    .digest("base64url");
  return `${header}.${payload}.${signature}`;
}

/** A fetch-style admin request (what App Bridge's authenticated fetch sends): the session token as a Bearer header. */
export function adminRequest(
  pathAndQuery: string,
  token: string,
  init: { method?: string; json?: unknown; form?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  let body: string | undefined;
  if (init.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(init.json);
  } else if (init.form) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(init.form).toString();
  }
  return new Request(`${APP_URL}${pathAndQuery}`, { method: init.method ?? (body ? "POST" : "GET"), headers, body });
}

/** The offline session the app keeps for an installed shop, with the app's full scopes (so no token exchange runs). */
export async function installSession(shop: string): Promise<void> {
  await prisma.session.upsert({
    where: { id: `offline_${shop}` },
    create: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: `shpat_${randomUUID().replace(/-/g, "")}`,
      // The scopes the app asks for: a session with fewer is not active and would trigger a token exchange.
      scope: getEnv().SCOPES.join(","),
    },
    update: {},
  });
}

// ---- App proxy signatures -------------------------------------------------------------------------------------------

/**
 * A storefront request as Shopify's app proxy forwards it: the query signed with the app secret (hex HMAC-SHA256 of
 * the sorted `key=value` pairs joined with nothing; repeated keys joined with commas).
 */
export function proxyUrl(
  pathname: string,
  options: {
    shop: string;
    secret?: string;
    timestamp?: number;
    customer?: string;
    extra?: Record<string, string>;
  },
): string {
  const query: Record<string, string> = {
    shop: options.shop,
    logged_in_customer_id: options.customer ?? "",
    path_prefix: "/apps/kindly",
    timestamp: String(options.timestamp ?? Math.floor(Date.now() / 1000)),
    ...options.extra,
  };
  const message = Object.keys(query)
    .sort()
    .map((key) => `${key}=${query[key]}`)
    .join("");
  const signature = createHmac("sha256", options.secret ?? API_SECRET)
    .update(message)
    .digest("hex");
  return `${APP_URL}/proxy/${pathname}?${new URLSearchParams({ ...query, signature }).toString()}`;
}

// ---- Calling route modules ------------------------------------------------------------------------------------------

export interface RouteModule {
  loader?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
  action?: (args: { request: Request; params: Record<string, string>; context: object }) => unknown;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * Runs a loader or action as Remix would and reduces whatever it produced (a returned or thrown Response, `data()`
 * with an init, or plain data) to status + text.
 */
export async function call(
  route: RouteModule,
  kind: "loader" | "action",
  request: Request,
  params: Record<string, string> = {},
): Promise<Answer> {
  const handler = route[kind];
  if (!handler) throw new Error(`route has no ${kind}`);
  let result: unknown;
  try {
    result = await handler({ request, params, context: {} });
  } catch (error) {
    if (error instanceof Response) result = error;
    else throw error;
  }
  if (result instanceof Response) return { status: result.status, headers: result.headers, text: await result.text() };
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const wrapped = result as unknown as { data: unknown; init: ResponseInit | null };
    return {
      status: wrapped.init?.status ?? 200,
      headers: new Headers(wrapped.init?.headers),
      text: JSON.stringify(wrapped.data),
    };
  }
  return { status: 200, headers: new Headers(), text: JSON.stringify(result ?? null) };
}

// ---- "Nothing changed" -----------------------------------------------------------------------------------------------

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/**
 * Every row of every table that belongs to the shop (its `shop` column), as canonical JSON per model. Tables are
 * derived from the generated client, so a model added later is included.
 */
export async function snapshotShop(shop: string): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    const delegate = (prisma as unknown as Record<string, { findMany: (args?: object) => Promise<object[]> }>)[
      lowerFirst(model)
    ];
    const rows = (await delegate.findMany()) as Array<Record<string, unknown>>;
    const mine = rows
      .filter((row) => row.shop === shop)
      .map((row) => JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value)))
      .sort();
    snapshot[model] = mine.join("\n");
  }
  return snapshot;
}
