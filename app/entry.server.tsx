import { PassThrough } from "node:stream";
import { renderToPipeableStream } from "react-dom/server";
import { RemixServer } from "@remix-run/react";
import {
  createReadableStreamFromReadable,
  type ActionFunctionArgs,
  type EntryContext,
  type LoaderFunctionArgs,
} from "@remix-run/node";
import { isbot } from "isbot";
import { addDocumentResponseHeaders } from "~/shopify.server";
import { getLogger } from "~/logger.server";

export const streamTimeout = 5000;

/**
 * A loader or action that failed (a 500: for a webhook, Shopify retries) is logged in every mode, with the method and
 * path only (never the query string, headers or body). Remix's own default prints nothing under NODE_ENV=test, which
 * hid the database outage's refused webhooks from the web instances' output.
 */
export function handleError(error: unknown, { request }: LoaderFunctionArgs | ActionFunctionArgs): void {
  if (request.signal.aborted) return;
  getLogger().error({ err: error, method: request.method, path: new URL(request.url).pathname }, "request failed");
}

export default async function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
) {
  addDocumentResponseHeaders(request, responseHeaders);
  const userAgent = request.headers.get("user-agent");
  const callbackName = isbot(userAgent ?? "") ? "onAllReady" : "onShellReady";

  return new Promise((resolve, reject) => {
    const { pipe, abort } = renderToPipeableStream(<RemixServer context={remixContext} url={request.url} />, {
      [callbackName]: () => {
        const body = new PassThrough();
        const stream = createReadableStreamFromReadable(body);
        responseHeaders.set("Content-Type", "text/html");
        resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }));
        pipe(body);
      },
      onShellError(error) {
        reject(error);
      },
      onError(error) {
        responseStatusCode = 500;
        console.error(error);
      },
    });
    // Let React finish rendering, then abort whatever is still pending.
    setTimeout(abort, streamTimeout + 1000);
  });
}
