import { z } from "zod";

/**
 * Every setting Kindly reads, validated once at boot. Nothing else in the app reads `process.env`.
 *
 * Development defaults exist so `npm install && npm run demo` works with no configuration; in production every
 * secret must be set explicitly (a default secret in production would be a vulnerability, not a convenience).
 */

const DEV_API_KEY = "kindly-dev-api-key";
const DEV_API_SECRET = "kindly-dev-api-secret";
const DEV_INBOUND_EMAIL_SECRET = "kindly-dev-inbound-email-secret";
// 32 zero-ish bytes, base64: fine for a laptop demo, refused in production.
const DEV_ENCRYPTION_KEY = Buffer.from("kindly-development-encryption-k!").toString("base64");

const DEFAULT_SCOPES = "read_customers,write_customers,read_orders,write_discounts,read_themes,read_fulfillments";

const booleanFlag = z
  .enum(["1", "0", "true", "false", ""])
  .optional()
  .transform((value) => value === "1" || value === "true");

const databaseUrl = z.string().refine((value) => /^(file:.+|postgres(ql)?:\/\/.+)$/.test(value), {
  message: "must be a SQLite URL (file:./path.sqlite) or a PostgreSQL URL (postgresql://user@host:5432/db)",
});

const httpUrl = z
  .string()
  .url()
  .refine((value) => /^https?:\/\//.test(value), { message: "must be an http(s) URL" });

const base64Key32 = z.string().refine(
  (value) => {
    try {
      return Buffer.from(value, "base64").length === 32;
    } catch {
      return false;
    }
  },
  { message: "must be 32 random bytes, base64-encoded (openssl rand -base64 32)" },
);

const RawEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  // 0 asks the system for a free port (tests start instances on ephemeral ports; the log line says which).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHOPIFY_APP_URL: httpUrl.optional(),
  SHOPIFY_API_KEY: z.string().min(1).optional(),
  SHOPIFY_API_SECRET: z.string().min(1).optional(),
  SCOPES: z
    .string()
    .regex(/^[a-z_]+(,[a-z_]+)*$/, "must be a comma-separated list of Shopify scopes")
    .default(DEFAULT_SCOPES),
  SHOP_CUSTOM_DOMAIN: z.string().optional(),
  DATABASE_URL: databaseUrl.optional(),
  SMTP_URL: z
    .string()
    .refine((value) => /^smtps?:\/\/.+/.test(value), {
      message: "must be smtp://host:port or smtps://user:pass@host:port",
    })
    .optional(),
  TWILIO_API_BASE_URL: httpUrl.default("https://api.twilio.com"),
  INBOUND_EMAIL_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  ENCRYPTION_KEY: base64Key32.optional(),
  ENCRYPTION_KEY_PREVIOUS: base64Key32.optional(),
  SUPPRESSION_HASH_KEY: base64Key32.optional(),
  KINDLY_DEMO: booleanFlag,
  KINDLY_WORKER: z.enum(["1", "0", "true", "false", ""]).optional(),
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
});

export type Env = {
  NODE_ENV: "development" | "test" | "production";
  PORT: number;
  /** Interface `npm start` listens on. Default 0.0.0.0 (all); 127.0.0.1 keeps an instance on loopback. */
  HOST: string;
  LOG_LEVEL: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  SHOPIFY_APP_URL: string;
  SHOPIFY_API_KEY: string;
  SHOPIFY_API_SECRET: string;
  SCOPES: string[];
  SHOP_CUSTOM_DOMAIN?: string;
  DATABASE_URL: string;
  SMTP_URL?: string;
  TWILIO_API_BASE_URL: string;
  INBOUND_EMAIL_SECRET: string;
  ENCRYPTION_KEY: string;
  /** The key being rotated out: secrets it encrypted still decrypt until `npm run secrets:rotate` re-encrypts them. */
  ENCRYPTION_KEY_PREVIOUS?: string;
  /**
   * The key opt-outs are hashed under (see address-hash.server.ts). It cannot rotate (the addresses are not kept),
   * so it defaults to ENCRYPTION_KEY and must be pinned to the original key before ENCRYPTION_KEY first changes.
   */
  SUPPRESSION_HASH_KEY: string;
  KINDLY_DEMO: boolean;
  /**
   * Whether `npm start` also runs a worker in the web process (default true). KINDLY_WORKER=0 makes a web-only
   * instance, for hosts that run web instances and `npm run worker` processes separately.
   */
  KINDLY_WORKER: boolean;
  /** How long an instance keeps an offline session in memory (0: never). Default 5 s; 0 under test. */
  SESSION_CACHE_SECONDS: number;
  /** PostgreSQL connections per process (ignored on SQLite). Default 10. */
  DATABASE_POOL_SIZE: number;
};

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid environment. Fix these variables (see .env.example):\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "EnvError";
  }
}

/** Validates a set of variables (process.env by default); throws an EnvError naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  // Empty strings count as unset: `FOO=` in a .env file means "not configured".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = RawEnvSchema.safeParse(cleaned);
  const problems: string[] = [];
  if (!parsed.success) {
    // One line per variable, however many rules it broke.
    const byVariable = new Map<string, string[]>();
    for (const issue of parsed.error.issues) {
      const name = issue.path.join(".");
      byVariable.set(name, [...(byVariable.get(name) ?? []), issue.message]);
    }
    for (const [name, messages] of byVariable) problems.push(`${name}: ${messages.join("; ")}`);
    throw new EnvError(problems);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === "production";
  const requiredInProduction = [
    "SHOPIFY_APP_URL",
    "SHOPIFY_API_KEY",
    "SHOPIFY_API_SECRET",
    "DATABASE_URL",
    "INBOUND_EMAIL_SECRET",
    "ENCRYPTION_KEY",
  ] as const;
  if (production) {
    for (const name of requiredInProduction) {
      if (raw[name] === undefined) problems.push(`${name}: required when NODE_ENV=production`);
    }
    if (raw.KINDLY_DEMO) {
      problems.push("KINDLY_DEMO: the demo (emulated shop, open admin pages) refuses to run with NODE_ENV=production");
    }
  }
  if (raw.ENCRYPTION_KEY_PREVIOUS !== undefined && raw.SUPPRESSION_HASH_KEY === undefined) {
    problems.push(
      "SUPPRESSION_HASH_KEY: required while rotating ENCRYPTION_KEY: set it to the key opt-outs were hashed with " +
        "(the previous ENCRYPTION_KEY, or the SUPPRESSION_HASH_KEY already in use) and keep it after the rotation",
    );
  }
  if (raw.ENCRYPTION_KEY_PREVIOUS !== undefined && raw.ENCRYPTION_KEY_PREVIOUS === raw.ENCRYPTION_KEY) {
    problems.push("ENCRYPTION_KEY_PREVIOUS: must differ from ENCRYPTION_KEY (remove it once the rotation is done)");
  }
  if (problems.length > 0) throw new EnvError(problems);

  return {
    NODE_ENV: raw.NODE_ENV,
    PORT: raw.PORT,
    HOST: raw.HOST,
    LOG_LEVEL: raw.LOG_LEVEL,
    SHOPIFY_APP_URL: raw.SHOPIFY_APP_URL ?? `http://localhost:${raw.PORT}`,
    SHOPIFY_API_KEY: raw.SHOPIFY_API_KEY ?? DEV_API_KEY,
    SHOPIFY_API_SECRET: raw.SHOPIFY_API_SECRET ?? DEV_API_SECRET,
    SCOPES: raw.SCOPES.split(","),
    SHOP_CUSTOM_DOMAIN: raw.SHOP_CUSTOM_DOMAIN,
    DATABASE_URL: raw.DATABASE_URL ?? "file:./prisma/dev.sqlite",
    SMTP_URL: raw.SMTP_URL,
    TWILIO_API_BASE_URL: raw.TWILIO_API_BASE_URL,
    INBOUND_EMAIL_SECRET: raw.INBOUND_EMAIL_SECRET ?? DEV_INBOUND_EMAIL_SECRET,
    ENCRYPTION_KEY: raw.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    ENCRYPTION_KEY_PREVIOUS: raw.ENCRYPTION_KEY_PREVIOUS,
    SUPPRESSION_HASH_KEY: raw.SUPPRESSION_HASH_KEY ?? raw.ENCRYPTION_KEY ?? DEV_ENCRYPTION_KEY,
    KINDLY_DEMO: raw.KINDLY_DEMO,
    KINDLY_WORKER: raw.KINDLY_WORKER !== "0" && raw.KINDLY_WORKER !== "false",
    // Tests create and delete sessions directly in the database, so they read them through every time.
    SESSION_CACHE_SECONDS: raw.SESSION_CACHE_SECONDS ?? (raw.NODE_ENV === "test" ? 0 : 5),
    DATABASE_POOL_SIZE: raw.DATABASE_POOL_SIZE,
  };
}

declare global {
  // One validated copy per process, shared by the Remix server build and the worker/demo processes' own imports.
  var __kindlyEnv: Env | undefined;
}

/** The process's validated settings. The first call validates; a bad variable stops boot with a message naming it. */
export function getEnv(): Env {
  globalThis.__kindlyEnv ??= loadEnv();
  return globalThis.__kindlyEnv;
}

/** For tests and the demo launcher, which set variables after the module graph loaded. */
export function resetEnvForTests(): void {
  globalThis.__kindlyEnv = undefined;
}
