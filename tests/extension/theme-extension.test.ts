import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { check } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import { parseBlockSchema } from "~/modules/storefront/theme-extension.server";
import { ROOT } from "../support/paths";

/**
 * The theme app extension against Shopify's linter and the budgets Shopify enforces (and ours inside them).
 * theme-check's CLI always exits 0 and a relative path silently checks nothing, hence this wrapper with absolute paths.
 */

const EXTENSION_DIR = path.join(ROOT, "extensions", "kindly-storefront");
const require = createRequire(import.meta.url);
const THEME_APP_EXTENSION_CONFIG = path.join(
  path.dirname(require.resolve("@shopify/theme-check-node/package.json")),
  "configs",
  "theme-app-extension.yml",
);

const files = (folder: string, extension: string) =>
  fs.existsSync(path.join(EXTENSION_DIR, folder))
    ? fs
        .readdirSync(path.join(EXTENSION_DIR, folder))
        .filter((name) => name.endsWith(extension))
        .map((name) => path.join(EXTENSION_DIR, folder, name))
    : [];

type Tree = { [key: string]: string | Tree };
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Tree;
const has = (tree: Tree, key: string) =>
  typeof key
    .split(".")
    .reduce<string | Tree | undefined>((node, part) => (typeof node === "object" ? node[part] : undefined), tree) ===
  "string";

describe("theme app extension", () => {
  it("passes theme-check (theme-app-extension config) with no error-severity offense", async () => {
    const offenses = await check(EXTENSION_DIR, THEME_APP_EXTENSION_CONFIG);
    const describe = (o: (typeof offenses)[number]) =>
      `${o.check} ${o.uri.replace(`file://${EXTENSION_DIR}/`, "")}: ${o.message}`;
    const errors = offenses.filter((offense) => offense.severity === 0);
    expect(errors.map(describe)).toEqual([]);
    // Warnings do not fail Shopify's deploy either, but ours are kept at zero so a new one is noticed.
    expect(offenses.map(describe)).toEqual([]);
  });

  it("the linter really runs on this folder (a broken copy is caught)", async () => {
    const broken = fs.mkdtempSync(path.join(ROOT, "tests", ".tmp", "broken-extension-"));
    try {
      fs.cpSync(EXTENSION_DIR, broken, { recursive: true });
      fs.writeFileSync(
        path.join(broken, "blocks", "broken.liquid"),
        `<script src="{{ 'missing.js' | asset_url }}"></script>\n{% schema %}{"name":"Broken","target":"section"}{% endschema %}\n`,
      );
      const offenses = await check(broken, THEME_APP_EXTENSION_CONFIG);
      expect(offenses.filter((o) => o.severity === 0).map((o) => o.check)).toEqual(
        expect.arrayContaining(["ParserBlockingScript", "MissingAsset"]),
      );
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it("has Shopify CLI's layout", () => {
    const toml = fs.readFileSync(path.join(EXTENSION_DIR, "shopify.extension.toml"), "utf8");
    expect(toml).toMatch(/^type = "theme"$/m);
    expect(toml).toMatch(/^name = ".+"$/m);
    for (const folder of ["blocks", "snippets", "assets", "locales"]) {
      expect(fs.statSync(path.join(EXTENSION_DIR, folder)).isDirectory()).toBe(true);
    }
    expect(fs.existsSync(path.join(EXTENSION_DIR, "locales", "en.default.json"))).toBe(true);
    expect(fs.existsSync(path.join(EXTENSION_DIR, "locales", "fr.json"))).toBe(true);
  });

  it("stays inside Shopify's budgets: Liquid, JavaScript, locales, settings", () => {
    const liquidBytes = [...files("blocks", ".liquid"), ...files("snippets", ".liquid")].reduce(
      (sum, file) => sum + fs.statSync(file).size,
      0,
    );
    expect(liquidBytes).toBeLessThanOrEqual(100 * 1024); // Shopify's limit across blocks and snippets
    for (const file of files("assets", ".js")) expect(fs.statSync(file).size, file).toBeLessThanOrEqual(10_000);
    for (const file of files("locales", ".json")) expect(fs.statSync(file).size, file).toBeLessThanOrEqual(15 * 1024);
  });

  it("every block has a valid schema: target, unique setting ids, <= 25 settings, existing assets, translated labels", () => {
    const schemaLocales = files("locales", ".schema.json").map(readJson);
    for (const file of files("blocks", ".liquid")) {
      const handle = path.basename(file, ".liquid");
      const { schema } = parseBlockSchema(handle, fs.readFileSync(file, "utf8"));
      const settings = schema.settings ?? [];
      expect(settings.length, handle).toBeLessThanOrEqual(25);
      const ids = settings.flatMap((setting) => (setting.id ? [setting.id] : []));
      expect(new Set(ids).size, `${handle}: duplicate setting ids`).toBe(ids.length);
      for (const asset of [schema.stylesheet, schema.javascript].filter(Boolean)) {
        expect(fs.existsSync(path.join(EXTENSION_DIR, "assets", String(asset))), `${handle}: assets/${asset}`).toBe(
          true,
        );
      }
      const labels = JSON.stringify(schema).match(/"t:[^"]+"/g) ?? [];
      for (const label of labels) {
        for (const locale of schemaLocales) expect(has(locale, label.slice(3, -1)), `${handle}: ${label}`).toBe(true);
      }
    }
  });

  it("every translation key the Liquid uses exists in every storefront locale, not only the default", () => {
    const locales = files("locales", ".json").filter((file) => !file.endsWith(".schema.json"));
    const liquid = [...files("blocks", ".liquid"), ...files("snippets", ".liquid")].map((file) =>
      fs.readFileSync(file, "utf8"),
    );
    const keys = new Set(
      liquid.flatMap((source) => [...source.matchAll(/'([a-z0-9_.]+)'\s*\|\s*t\b/g)].map((m) => m[1])),
    );
    expect(keys.size).toBeGreaterThan(0);
    for (const file of locales) {
      const tree = readJson(file);
      for (const key of keys) expect(has(tree, key), `${path.basename(file)}: ${key}`).toBe(true);
    }
  });

  it("the policy links block ships no JavaScript", () => {
    const source = fs.readFileSync(path.join(EXTENSION_DIR, "blocks", "policy-links.liquid"), "utf8");
    const { schema } = parseBlockSchema("policy-links", source);
    expect(schema.target).toBe("section");
    expect(schema.javascript).toBeUndefined();
    expect(source).not.toMatch(/<script/i);
  });
});
