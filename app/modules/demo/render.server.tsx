import type { ReactElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";

/** A complete HTML document from a server-only React tree (no hydration: the demo pages ship no JavaScript). */
export function htmlResponse(document: ReactElement, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Content-Type", "text/html; charset=utf-8");
  // Demo state changes with every clock move and captured message: never serve a stale copy.
  headers.set("Cache-Control", "no-store");
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "no-referrer");
  return new Response(`<!DOCTYPE html>${renderToStaticMarkup(document)}`, { ...init, headers });
}
