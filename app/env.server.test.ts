import { describe, expect, it } from "vitest";
import { EnvError, loadEnv } from "~/env.server";

const productionEnv = {
  NODE_ENV: "production",
  SHOPIFY_APP_URL: "https://kindly.example.com",
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  DATABASE_URL: "postgresql://kindly@127.0.0.1:5432/kindly",
  INBOUND_EMAIL_SECRET: "a-long-enough-shared-secret",
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
};

function problemsOf(source: Record<string, string>): string[] {
  try {
    loadEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error("expected loadEnv to throw");
}

describe("loadEnv", () => {
  it("boots with development defaults and no configuration", () => {
    const env = loadEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(env.DATABASE_URL).toMatch(/^file:/);
    expect(env.SCOPES).toEqual([
      "read_customers",
      "write_customers",
      "read_orders",
      "write_discounts",
      "read_themes",
      "read_fulfillments",
    ]);
    expect(Buffer.from(env.ENCRYPTION_KEY, "base64")).toHaveLength(32);
  });

  it("accepts a complete production configuration", () => {
    const env = loadEnv(productionEnv);
    expect(env.SHOPIFY_API_SECRET).toBe("secret");
    expect(env.KINDLY_DEMO).toBe(false);
  });

  it("names every missing production variable", () => {
    const problems = problemsOf({ NODE_ENV: "production" });
    for (const name of [
      "SHOPIFY_APP_URL",
      "SHOPIFY_API_KEY",
      "SHOPIFY_API_SECRET",
      "DATABASE_URL",
      "INBOUND_EMAIL_SECRET",
      "ENCRYPTION_KEY",
    ]) {
      expect(problems.some((problem) => problem.startsWith(`${name}:`))).toBe(true);
    }
  });

  it("names each malformed variable, all at once", () => {
    const problems = problemsOf({
      PORT: "eighty",
      DATABASE_URL: "mysql://nope",
      SMTP_URL: "http://not-smtp",
      ENCRYPTION_KEY: "too-short",
      SHOPIFY_APP_URL: "not a url",
    });
    expect(problems.map((problem) => problem.split(":")[0]).sort()).toEqual(
      ["DATABASE_URL", "ENCRYPTION_KEY", "PORT", "SHOPIFY_APP_URL", "SMTP_URL"].sort(),
    );
    expect(() => loadEnv({ PORT: "eighty" })).toThrow(/PORT/);
  });

  it("refuses the demo in production", () => {
    expect(problemsOf({ ...productionEnv, KINDLY_DEMO: "1" })).toEqual([
      expect.stringMatching(/^KINDLY_DEMO:.*production/),
    ]);
  });
});
