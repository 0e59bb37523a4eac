import { execFileSync } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BENCH_TMP = path.join(ROOT, "bench", ".tmp");

/** A fresh, migrated SQLite database for one benchmark run. */
export function freshDatabase(name: string): string {
  fs.mkdirSync(BENCH_TMP, { recursive: true });
  const file = path.join(BENCH_TMP, `${name}.sqlite`);
  for (const suffix of ["", "-journal", "-wal", "-shm"]) fs.rmSync(file + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${file}` },
    stdio: "pipe",
  });
  return `file:${file}`;
}

export function ensureBuild(): void {
  if (!fs.existsSync(path.join(ROOT, "build", "server", "index.js"))) {
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: "inherit" });
  }
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)];
}

export function summarize(latenciesMs: number[]) {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
  };
}

export const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** A checkouts/update body for the ingest benchmarks (a new token each time: every delivery is a new checkout). */
export function checkoutWebhookBody(shop: string, token: string, updatedAt: string): string {
  return JSON.stringify({
    token,
    cart_token: randomUUID(),
    email: `shopper-${token.slice(0, 8)}@example.org`,
    buyer_accepts_marketing: true,
    created_at: updatedAt,
    updated_at: updatedAt,
    currency: "EUR",
    presentment_currency: "EUR",
    total_price: "59.90",
    customer_locale: "fr",
    abandoned_checkout_url: `https://${shop}/checkouts/${token}/recover?key=k`,
    line_items: [{ title: "Linen shirt", quantity: 1, price: "59.90" }],
    billing_address: { first_name: "Camille", country_code: "FR" },
  });
}

/** POSTs `body` as Shopify delivers checkouts/update: HMAC-signed with `secret`, every X-Shopify-* header. */
export function postSignedCheckoutWebhook(url: string, body: string, shop: string, secret: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    body,
    headers: {
      "Content-Type": "application/json",
      "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body).digest("base64"),
      "X-Shopify-Topic": "checkouts/update",
      "X-Shopify-Shop-Domain": shop,
      "X-Shopify-Event-Id": randomUUID(),
      "X-Shopify-Webhook-Id": randomUUID(),
      "X-Shopify-Triggered-At": new Date().toISOString(),
      "X-Shopify-API-Version": "2026-10",
    },
  });
}
