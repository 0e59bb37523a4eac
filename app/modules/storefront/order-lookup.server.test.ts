import { describe, expect, it } from "vitest";
import { safeHttpUrl, toOrderStatusView } from "~/modules/storefront/order-lookup.server";

describe("order status view", () => {
  it("keeps only http(s) links", () => {
    expect(safeHttpUrl("https://track.example/?n=1")).toBe("https://track.example/?n=1");
    expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
    expect(safeHttpUrl("data:text/html,<script>")).toBeNull();
    expect(safeHttpUrl("not a url")).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });

  it("shows status, shipments and tracking, and nothing personal", () => {
    const view = toOrderStatusView({
      id: "gid://shopify/Order/1",
      name: "#1001",
      email: "ada@example.com",
      processedAt: "2026-11-20T10:00:00Z",
      cancelledAt: null,
      displayFinancialStatus: "PAID",
      displayFulfillmentStatus: "FULFILLED",
      statusPageUrl: "https://shop.example/1/orders/abc",
      fulfillments: [
        {
          displayStatus: "IN_TRANSIT",
          createdAt: "2026-11-21T10:00:00Z",
          inTransitAt: "2026-11-21T12:00:00Z",
          deliveredAt: null,
          estimatedDeliveryAt: "2026-11-25T00:00:00Z",
          trackingInfo: [{ company: "UPS", number: "1Z999", url: "javascript:alert(1)" }],
        },
      ],
    });
    expect(view).toEqual({
      name: "#1001",
      processedAt: "2026-11-20T10:00:00Z",
      cancelled: false,
      financialStatus: "PAID",
      fulfillmentStatus: "FULFILLED",
      statusPageUrl: "https://shop.example/1/orders/abc",
      shipments: [
        {
          status: "IN_TRANSIT",
          deliveredAt: null,
          estimatedDeliveryAt: "2026-11-25T00:00:00Z",
          tracking: [{ company: "UPS", number: "1Z999", url: null }],
        },
      ],
    });
    expect(JSON.stringify(view)).not.toContain("ada@example.com");
  });
});
