import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { simulateAbandonedCheckout } from "~/modules/demo/checkouts.server";

// POST from the demo home's "A shopper abandons a checkout" button; the result shows on the home page.
export const action = async ({ request }: ActionFunctionArgs) => {
  requireDemoMode();
  if (request.method !== "POST") return new Response("Use POST", { status: 405, headers: { Allow: "POST" } });
  const result = await simulateAbandonedCheckout();
  if (result.status === "NO_EMULATED_SHOP") {
    return new Response("Simulated shoppers need the emulated shop, which only `npm run demo` starts.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  // Post/redirect/get: reloading the home page must not abandon another checkout.
  return redirect("/demo#recovery", 303);
};

export const loader = () => {
  requireDemoMode();
  return redirect("/demo#recovery");
};
