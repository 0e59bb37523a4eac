import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { simulateDeliveredOrder } from "~/modules/demo/orders.server";

// POST from the demo home's "A customer orders" button; the result shows on the home page.
export const action = async ({ request }: ActionFunctionArgs) => {
  requireDemoMode();
  if (request.method !== "POST") return new Response("Use POST", { status: 405, headers: { Allow: "POST" } });
  const result = await simulateDeliveredOrder();
  if (result.status === "NO_EMULATED_SHOP") {
    return new Response("Simulated customers need the emulated shop, which only `npm run demo` starts.", {
      status: 503,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  }
  // Post/redirect/get: reloading the home page must not place another order.
  return redirect("/demo#care", 303);
};

export const loader = () => {
  requireDemoMode();
  return redirect("/demo#care");
};
