import type { LoaderFunctionArgs } from "@remix-run/node";
import { DemoOutbox } from "~/components/demo/DemoOutbox";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { getOutbox } from "~/modules/demo/outbox.server";
import { htmlResponse } from "~/modules/demo/render.server";

export const loader = async (_args: LoaderFunctionArgs) => {
  requireDemoMode();
  return htmlResponse(<DemoOutbox outbox={getOutbox()} />);
};
