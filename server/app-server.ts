import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import compression from "compression";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_DIR = path.join(ROOT, "build");

export interface AppServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Loads the production Remix build (`npm run build` writes it). */
export async function loadServerBuild(): Promise<ServerBuild> {
  const entry = path.join(BUILD_DIR, "server", "index.js");
  return (await import(pathToFileURL(entry).href)) as ServerBuild;
}

/**
 * The web process: static assets plus the Remix request handler, on one port.
 * `extraRoutes` lets the demo mount loopback-only helpers before Remix sees the request.
 */
export async function startAppServer(options: {
  port: number;
  host?: string;
  build?: ServerBuild;
  extraRoutes?: (app: express.Express) => void;
}): Promise<AppServer> {
  const build = options.build ?? (await loadServerBuild());
  const app = express();
  app.disable("x-powered-by");
  // Webhook and provider callbacks answer with empty bodies: nothing to compress, so skip the middleware's work.
  app.use(compression({ filter: (request, response) => !request.path.startsWith("/webhooks/") && compression.filter(request, response) }));
  app.use("/assets", express.static(path.join(BUILD_DIR, "client", "assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(BUILD_DIR, "client"), { maxAge: "1h" }));
  options.extraRoutes?.(app);
  app.all("*", createRequestHandler({ build, mode: process.env.NODE_ENV }));
  const host = options.host ?? "127.0.0.1";
  const server = await new Promise<Server>((resolve, reject) => {
    const listening = app.listen(options.port, host, () => resolve(listening));
    listening.once("error", reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host === "0.0.0.0" ? "localhost" : host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
