import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { getResponse } from "msw";
import type { Emulator } from "../emulator";

/**
 * The shop emulator over loopback HTTP, for Kindly's child processes: their MSW (./preload.ts) forwards each
 * request to a non-loopback host here, with the original URL in `x-kindly-forward-url`, and this server answers it
 * with the emulator's own MSW handlers (the same ones in-process tests use), from the one store the test holds.
 * Anything the emulator does not serve is a 502: a child can never reach a real host.
 */
export interface ShopifyGateway {
  url: string;
  /** Requests answered, by host and path (tests check the children really asked the emulated shop). */
  requests(): string[];
  /** Fault switch: requests wait, unanswered, until `release()` (a Shopify that has gone quiet). */
  hold(): void;
  release(): void;
  /** Requests waiting because of `hold()`. */
  held(): number;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

export async function startShopifyGateway(emulator: Emulator): Promise<ShopifyGateway> {
  const seen: string[] = [];
  let holding = false;
  let waiting: Array<() => void> = [];
  const server = createServer((incoming, outgoing) => {
    void (async () => {
      if (holding) await new Promise<void>((resolve) => waiting.push(resolve));
      const target = incoming.headers["x-kindly-forward-url"];
      if (typeof target !== "string") {
        outgoing.writeHead(400).end("x-kindly-forward-url missing");
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined || ["host", "connection", "content-length", "x-kindly-forward-url"].includes(name))
          continue;
        headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const body = await readBody(incoming);
      const method = incoming.method ?? "GET";
      const request = new Request(target, {
        method,
        headers,
        body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body),
      });
      const response = await getResponse(emulator.handlers, request);
      const url = new URL(target);
      seen.push(`${method} ${url.host}${url.pathname}`);
      if (!response) {
        outgoing.writeHead(502, { "content-type": "text/plain" }).end(`Not emulated: ${url.host}`);
        return;
      }
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        if (name !== "content-length" && name !== "transfer-encoding") responseHeaders[name] = value;
      });
      outgoing.writeHead(response.status, responseHeaders).end(Buffer.from(await response.arrayBuffer()));
    })().catch((error: unknown) => {
      if (!outgoing.headersSent) outgoing.writeHead(500, { "content-type": "text/plain" });
      outgoing.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests: () => [...seen],
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const resume = waiting;
      waiting = [];
      for (const resolve of resume) resolve();
    },
    held: () => waiting.length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
