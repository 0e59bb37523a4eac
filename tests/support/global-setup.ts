import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT, TMP_DIR } from "./paths";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

declare module "vitest" {
  export interface ProvidedContext {
    baseDb: string;
  }
}

/**
 * Builds the migrated base database once per run (one file per run, so two runs side by side never share it), and
 * the Remix build when app/ changed since the last one.
 */
export default function setup(project: TestProject): () => void {
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const baseDb = path.join(TMP_DIR, `base-${process.pid}.sqlite`);
  fs.rmSync(baseDb, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${baseDb}` },
    stdio: "pipe",
  });
  project.provide("baseDb", baseDb);

  const serverBuild = path.join(ROOT, "build", "server", "index.js");
  const builtAt = fs.existsSync(serverBuild) ? fs.statSync(serverBuild).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(path.join(ROOT, "app")),
    fs.statSync(path.join(ROOT, "vite.config.ts")).mtimeMs,
  );
  if (builtAt < sourcesAt) {
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: "pipe" });
  }
  return () => fs.rmSync(baseDb, { force: true });
}
