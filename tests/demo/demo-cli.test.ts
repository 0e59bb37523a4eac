import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT, TMP_DIR } from "../support/paths";

/** `npm run demo` as a separate process: what a person runs, and what Ctrl-C does to it. */

/**
 * Runs `npm run demo` in its own process group, so a test can do what Ctrl-C in a terminal does: signal the whole
 * group (npm, the shell, tsx and node all receive SIGINT).
 */
function demoProcess(env: Record<string, string>): ChildProcessWithoutNullStreams {
  // A clean environment: none of the test settings (NODE_ENV=test, the test database, ...) leak into the demo.
  const clean: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(clean)) if (name !== "PATH" && name !== "HOME") delete clean[name];
  return spawn("npm", ["run", "--silent", "demo"], { cwd: ROOT, env: Object.assign(clean, env), detached: true });
}

function collect(child: ChildProcessWithoutNullStreams) {
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { output, exited };
}

describe("npm run demo", () => {
  it("refuses to start with NODE_ENV=production, exiting non-zero with a message naming KINDLY_DEMO", async () => {
    const child = demoProcess({ NODE_ENV: "production", KINDLY_DEMO: "1", PORT: "0" });
    const { output, exited } = collect(child);
    expect(await exited).toBe(1);
    expect(output.stderr).toContain("Kindly demo refused to start.");
    expect(output.stderr).toContain(
      "KINDLY_DEMO: the demo (emulated shop, open admin pages) refuses to run with NODE_ENV=production",
    );
    expect(output.stdout).not.toContain("Kindly demo ready");
  });

  it("migrates a new database, prints one URL, serves it, and exits 0 on Ctrl-C (SIGINT)", async () => {
    // The demo runs on SQLite whatever database the suite runs on; on a SQLite run the migrated base file saves time.
    const database = path.join(TMP_DIR, `demo-cli-${process.pid}.sqlite`);
    if (inject("postgresUrl")) fs.rmSync(database, { force: true });
    else fs.copyFileSync(inject("baseDb"), database);
    const child = demoProcess({ PORT: "0", DATABASE_URL: `file:${database}`, LOG_LEVEL: "silent" });
    const { output, exited } = collect(child);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no URL within 60 s:\n${output.stdout}\n${output.stderr}`)),
          60_000,
        );
        child.stdout.on("data", () => {
          const match = /Kindly demo ready: (http:\/\/localhost:\d+\/demo)/.exec(output.stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once("exit", (code) => reject(new Error(`demo exited (${code}) before it was ready:\n${output.stderr}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      await page.arrayBuffer();

      process.kill(-child.pid!, "SIGINT");
      expect(await exited, output.stderr).toBe(0);
      expect(output.stdout).toContain("Kindly demo stopped.");
      expect(output.stderr).not.toMatch(/error/i);
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      fs.rmSync(database, { force: true });
    }
  }, 90_000);
});
