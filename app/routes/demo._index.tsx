import type { LoaderFunctionArgs } from "@remix-run/node";
import { DemoHome } from "~/components/demo/DemoHome";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { getRecoveryDemoState } from "~/modules/demo/checkouts.server";
import { getCareDemoState } from "~/modules/demo/orders.server";
import { getDemoOverview } from "~/modules/demo/overview.server";
import { htmlResponse } from "~/modules/demo/render.server";

// A resource route rendering static HTML: the demo pages ship no client JavaScript (see DemoDocument).
export const loader = async (_args: LoaderFunctionArgs) => {
  requireDemoMode();
  const [overview, recovery, care] = await Promise.all([getDemoOverview(), getRecoveryDemoState(), getCareDemoState()]);
  return htmlResponse(<DemoHome overview={overview} recovery={recovery} care={care} />);
};
