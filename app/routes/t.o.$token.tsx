import type { LoaderFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { getLogger } from "~/logger.server";
import { recordOpen } from "~/modules/messaging/engagement.server";

// The smallest transparent GIF (1x1, 43 bytes).
const TRANSPARENT_GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");

/** Open pixel: always answers the image (a broken image in a shopper's email helps nobody), records when it can. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  try {
    await recordOpen(prisma, params.token ?? "", {
      userAgent: request.headers.get("user-agent"),
      now: getClock().now(),
    });
  } catch (error) {
    getLogger().error(
      { err: error instanceof Error ? error.message : String(error) },
      "open pixel: could not record the open",
    );
  }
  return new Response(TRANSPARENT_GIF, {
    status: 200,
    headers: {
      "Content-Type": "image/gif",
      "Content-Length": String(TRANSPARENT_GIF.length),
      // Every fetch must reach us: a cached pixel would hide later opens.
      "Cache-Control": "no-store, no-cache, must-revalidate, private, max-age=0",
      Expires: "0",
      "X-Content-Type-Options": "nosniff",
    },
  });
};
