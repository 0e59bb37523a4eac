import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAppServer, type AppServer } from "../../server/app-server";

/** Without KINDLY_DEMO the demo pages do not exist: no outbox, no clock control, no storefront preview. */

let app: AppServer;
beforeAll(async () => {
  expect(process.env.KINDLY_DEMO).toBeUndefined();
  app = await startAppServer({ port: 0 });
});
afterAll(async () => {
  await app?.close();
});

describe("demo routes outside demo mode", () => {
  it.each([
    "/demo",
    "/demo/outbox",
    "/demo/clock",
    "/demo/orders",
    "/demo/storefront",
    "/demo/storefront?locale=fr",
    "/demo/storefront/policies/refund-policy",
    "/demo/storefront/assets/policy-links.css",
  ])("GET %s is 404", async (path) => {
    const response = await fetch(`${app.url}${path}`, { redirect: "manual" });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });

  it("POST /demo/orders is 404: no simulated customer outside the demo", async () => {
    const response = await fetch(`${app.url}/demo/orders`, { method: "POST", redirect: "manual" });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
  });

  it("POST /demo/clock is 404 and the clock does not move", async () => {
    const before = Date.now();
    const response = await fetch(`${app.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"advance":"P3D"}',
    });
    expect(response.status).toBe(404);
    await response.arrayBuffer();
    const { getClock } = await import("~/clock.server");
    expect(Math.abs(getClock().now().getTime() - Date.now())).toBeLessThan(1_000 + (Date.now() - before));
  });
});
