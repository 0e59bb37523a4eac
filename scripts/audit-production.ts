/**
 * `npm run audit:prod`: `npm audit --omit=dev` with no high or critical advisory allowed in what ships.
 *
 * Some registries (and the machines this project is built on) refuse npm's advisory endpoint with 405 Method Not
 * Allowed. That is not a pass: the script then prints a loud BLOCKED banner saying the check did not run, and
 * exits 0 so an offline build is not failed for the registry's answer (`-- --required` exits 2 instead).
 */
import { execFile } from "node:child_process";
import { pathToFileURL } from "node:url";

export type AuditVerdict =
  | { result: "PASSED"; counts: Record<string, number> }
  | { result: "FAILED"; counts: Record<string, number>; packages: string[] }
  | { result: "BLOCKED"; reason: string }
  | { result: "ERROR"; reason: string };

const SEVERITIES = ["info", "low", "moderate", "high", "critical"] as const;

/** Reads `npm audit --json` output (npm 7+ format) into a verdict. */
export function assessAudit(stdout: string): AuditVerdict {
  let report: {
    metadata?: { vulnerabilities?: Record<string, number> };
    vulnerabilities?: Record<string, { severity?: string }>;
    statusCode?: number;
    message?: string;
    error?: { code?: string; summary?: string };
  };
  try {
    report = JSON.parse(stdout) as typeof report;
  } catch {
    return { result: "ERROR", reason: `npm audit did not answer JSON: ${stdout.slice(0, 200)}` };
  }
  const refusal = report.statusCode ?? Number(/\b(4\d\d|5\d\d)\b/.exec(report.message ?? "")?.[1] ?? NaN);
  if (refusal === 405 || refusal === 404 || refusal === 501) {
    return { result: "BLOCKED", reason: report.message ?? `the registry answered ${refusal}` };
  }
  const counts = report.metadata?.vulnerabilities;
  if (!counts) {
    return {
      result: "ERROR",
      reason: report.message ?? report.error?.summary ?? "no vulnerability counts in the report",
    };
  }
  const normalized = Object.fromEntries(SEVERITIES.map((severity) => [severity, counts[severity] ?? 0]));
  if (normalized.high + normalized.critical === 0) return { result: "PASSED", counts: normalized };
  const packages = Object.entries(report.vulnerabilities ?? {})
    .filter(([, vulnerability]) => vulnerability.severity === "high" || vulnerability.severity === "critical")
    .map(([name, vulnerability]) => `${name} (${vulnerability.severity})`);
  return { result: "FAILED", counts: normalized, packages };
}

async function main(): Promise<number> {
  const stdout = await new Promise<string>((resolve) => {
    // npm audit exits non-zero both when it finds advisories and when the endpoint fails: the JSON tells which.
    execFile("npm", ["audit", "--omit=dev", "--json"], { maxBuffer: 64 * 1024 * 1024 }, (_error, out) =>
      resolve(String(out)),
    );
  });
  const verdict = assessAudit(stdout);
  switch (verdict.result) {
    case "PASSED":
      console.log(`audit:prod PASSED: no high or critical advisory (${JSON.stringify(verdict.counts)})`);
      return 0;
    case "FAILED":
      console.log(`audit:prod FAILED: ${verdict.packages.join(", ")} (${JSON.stringify(verdict.counts)})`);
      return 1;
    case "BLOCKED": {
      const bar = "!".repeat(100);
      console.log(
        `${bar}\n!! audit:prod BLOCKED, NOT RUN: the registry refused the advisory endpoint.\n!! ${verdict.reason}\n` +
          `!! No advisory was checked. Run \`npm run audit:prod\` where the registry answers it.\n${bar}`,
      );
      return process.argv.includes("--required") ? 2 : 0;
    }
    case "ERROR":
      console.log(`audit:prod ERROR: ${verdict.reason}`);
      return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(await main());
}
