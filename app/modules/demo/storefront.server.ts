import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getClock } from "~/clock.server";
import { getDemoRuntime } from "~/modules/demo/runtime.server";
import { renderStorefrontPreview, type PreviewPage } from "~/modules/storefront/preview.server";
import { loadThemeExtension, type ThemeExtension } from "~/modules/storefront/theme-extension.server";

export const STOREFRONT_BASE = "/demo/storefront";

/** The extension the launcher registered, or the repository's own when demo mode runs without the launcher. */
export function demoExtensionDir(): string {
  return getDemoRuntime()?.extensionDir ?? path.resolve(process.cwd(), "extensions", "kindly-storefront");
}

export type DemoStorefrontResult =
  { status: "RENDERED"; httpStatus: 200 | 404; html: string; scriptHashes: string[] } | { status: "NO_EMULATED_SHOP" };

/**
 * CSP hashes of the inline module scripts written in the extension's block files (the chat embed's few lines that
 * load the widget on intent). Taken from the source, not the rendered page, so nothing rendered into the page from
 * data could ever be allowed to run.
 */
export function extensionScriptHashes(extension: ThemeExtension): string[] {
  const hashes = new Set<string>();
  for (const block of extension.blocks) {
    for (const match of block.body.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)) {
      if (match[1].includes("{{") || match[1].includes("{%")) continue; // Liquid inside: not a fixed text
      hashes.add(`sha256-${createHash("sha256").update(match[1]).digest("base64")}`);
    }
  }
  return [...hashes];
}

/** Renders a storefront preview page of the emulated shop with the extension as it is on disk now. */
export async function renderDemoStorefront(
  page: PreviewPage,
  requestedLocale: string | null,
): Promise<DemoStorefrontResult> {
  const runtime = getDemoRuntime();
  if (!runtime) return { status: "NO_EMULATED_SHOP" };
  // Read from disk on every request, so edits to the extension show on reload without restarting the demo.
  const extension = await loadThemeExtension(runtime.extensionDir);
  const { shop, products, appMetafields } = runtime.storefront();
  const result = await renderStorefrontPreview({
    extension,
    shop,
    products,
    appMetafields,
    requestedLocale,
    now: getClock().now(),
    baseUrl: STOREFRONT_BASE,
    page,
  });
  return {
    status: "RENDERED",
    httpStatus: result.status,
    html: result.html,
    scriptHashes: extensionScriptHashes(extension),
  };
}

const CONTENT_TYPES: Record<string, string> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
};

/**
 * One file of the extension's assets/ (Shopify serves them from its CDN). Only plain file names are accepted,
 * so a request cannot climb out of the folder.
 */
export async function readExtensionAsset(name: string): Promise<{ body: Buffer; contentType: string } | null> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.includes("..")) return null;
  const contentType = CONTENT_TYPES[path.extname(name).toLowerCase()];
  if (!contentType) return null;
  try {
    return { body: await readFile(path.join(demoExtensionDir(), "assets", name)), contentType };
  } catch {
    return null;
  }
}

/** The HTTP answer for a storefront preview page (shared by the home and policy routes). */
export async function storefrontResponse(page: PreviewPage, request: Request): Promise<Response> {
  const locale = new URL(request.url).searchParams.get("locale");
  const result = await renderDemoStorefront(page, locale);
  if (result.status === "NO_EMULATED_SHOP") {
    return new Response(
      "The storefront preview needs the emulated shop, which only `npm run demo` starts (KINDLY_DEMO=1 alone is not enough).",
      { status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" } },
    );
  }
  return new Response(result.html, {
    status: result.httpStatus,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      // The preview runs the extension's own scripts only: nothing from other origins, inline only by the source's hash.
      "Content-Security-Policy": `default-src 'self'; script-src 'self'${result.scriptHashes.map((hash) => ` '${hash}'`).join("")}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'`,
    },
  });
}
