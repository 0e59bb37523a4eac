import type { LoaderFunctionArgs } from "@remix-run/node";
import { DemoHome } from "~/components/demo/DemoHome";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { getRecoveryDemoState } from "~/modules/demo/checkouts.server";
import { getDemoOverview } from "~/modules/demo/overview.server";
import { htmlResponse } from "~/modules/demo/render.server";

// A resource route rendering static HTML: the demo pages ship no client JavaScript (see DemoDocument).
export const loader = async (_args: LoaderFunctionArgs) => {
  requireDemoMode();
  const [overview, recovery] = await Promise.all([getDemoOverview(), getRecoveryDemoState()]);
  return htmlResponse(<DemoHome overview={overview} recovery={recovery} />);
};
