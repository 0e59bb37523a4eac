import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BASE_DB, ROOT, TMP_DIR } from "./paths";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the migrated base database once per run, and the Remix build when app/ changed since the last one. */
export default function setup(): void {
  fs.mkdirSync(TMP_DIR, { recursive: true });
  fs.rmSync(BASE_DB, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: `file:${BASE_DB}` },
    stdio: "pipe",
  });

  const serverBuild = path.join(ROOT, "build", "server", "index.js");
  const builtAt = fs.existsSync(serverBuild) ? fs.statSync(serverBuild).mtimeMs : 0;
  const sourcesAt = Math.max(newestMtime(path.join(ROOT, "app")), fs.statSync(path.join(ROOT, "vite.config.ts")).mtimeMs);
  if (builtAt < sourcesAt) {
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: "pipe" });
  }
}
