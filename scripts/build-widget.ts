import { writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * Compiles the storefront chat widget (widget/chat.ts, widget/chat.css) into the theme app extension's assets/,
 * which Shopify serves as files: the compiled files are committed, and tests/storefront/chat-widget.test.ts fails
 * when they differ from what this script produces from the sources.
 *
 *   npm run build:widget
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const WIDGET_SOURCES = { js: path.join(ROOT, "widget", "chat.ts"), css: path.join(ROOT, "widget", "chat.css") };
export const WIDGET_ASSETS = {
  js: path.join(ROOT, "extensions", "kindly-storefront", "assets", "chat.js"),
  css: path.join(ROOT, "extensions", "kindly-storefront", "assets", "chat.css"),
};

const BANNER = "/* Kindly chat widget. Built from widget/ by `npm run build:widget`; do not edit. */";

/** The two assets as the extension ships them (deterministic for one esbuild version). */
export async function buildWidget(): Promise<{ js: string; css: string }> {
  const common = {
    bundle: true,
    minify: true,
    write: false,
    legalComments: "none",
    banner: { js: BANNER, css: BANNER },
  } as const;
  const [js, css] = await Promise.all([
    // Browsers from 2020 on: what Shopify's themes support (optional chaining, ??, ??=).
    build({ ...common, entryPoints: [WIDGET_SOURCES.js], format: "iife", target: ["es2021"] }),
    build({
      ...common,
      entryPoints: [WIDGET_SOURCES.css],
      loader: { ".css": "css" },
      target: ["chrome90", "safari14", "firefox90"],
    }),
  ]);
  return { js: js.outputFiles[0].text, css: css.outputFiles[0].text };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { js, css } = await buildWidget();
  await writeFile(WIDGET_ASSETS.js, js);
  await writeFile(WIDGET_ASSETS.css, css);
  console.log(`chat.js ${Buffer.byteLength(js)} bytes, chat.css ${Buffer.byteLength(css)} bytes`);
}
