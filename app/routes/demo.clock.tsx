import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { DemoClock } from "~/components/demo/DemoClock";
import { parseIsoDuration } from "~/clock.server";
import { advanceDemoClock, formatDuration, readDemoClock } from "~/modules/demo/clock.server";
import { requireDemoMode } from "~/modules/demo/guard.server";
import { getDemoShopTimezone } from "~/modules/demo/overview.server";
import { htmlResponse } from "~/modules/demo/render.server";

/**
 * GET shows the clock and its buttons; POST moves it. The same URL serves people (a form, answered with a
 * redirect back here) and scripts (JSON in, `{ "now": ... }` out), hence a resource route.
 */

async function clockPage(request: Request, options: { moved?: string | null; error?: string | null; status?: number }) {
  const clock = readDemoClock();
  return htmlResponse(
    <DemoClock
      now={clock.now}
      offsetMs={clock.offsetMs}
      movable={clock.movable}
      timeZone={await getDemoShopTimezone()}
      moved={options.moved ?? null}
      error={options.error ?? null}
      endpoint={new URL("/demo/clock", request.url).href}
    />,
    { status: options.status ?? 200 },
  );
}

/** The `moved` notice after a form post, shown only if it is a duration (never echo arbitrary query text). */
function movedLabel(request: Request): string | null {
  const moved = new URL(request.url).searchParams.get("moved");
  if (!moved) return null;
  try {
    return formatDuration(parseIsoDuration(moved));
  } catch {
    return null;
  }
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  requireDemoMode();
  return clockPage(request, { moved: movedLabel(request) });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  requireDemoMode();
  if (request.method !== "POST") {
    return Response.json({ error: "Use POST" }, { status: 405, headers: { Allow: "GET, POST" } });
  }
  const wantsJson = (request.headers.get("Content-Type") ?? "").includes("application/json");
  if (wantsJson) {
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: 'The body must be JSON, such as {"advance":"PT1H"}' }, { status: 400 });
    }
    const result = advanceDemoClock(body);
    if (result.status === "MOVED") return Response.json({ now: result.now.toISOString() });
    return Response.json({ error: result.error }, { status: result.status === "INVALID" ? 400 : 409 });
  }

  const form = await request.formData();
  const result = advanceDemoClock({ advance: form.get("advance") ?? undefined });
  if (result.status === "MOVED") {
    // Post/redirect/get: reloading the page must not move the clock again.
    const advance = String(form.get("advance")).trim();
    return redirect(`/demo/clock?moved=${encodeURIComponent(advance)}`, 303);
  }
  return clockPage(request, { error: result.error, status: result.status === "INVALID" ? 400 : 409 });
};
