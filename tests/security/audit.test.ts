import { describe, expect, it } from "vitest";
import { assessAudit } from "../../scripts/audit-production";

/**
 * `npm run audit:prod` decides from npm's JSON report. The audit itself needs the registry (not loopback), so it is
 * a script and not part of this suite; these tests pin how its answer is read: a refused endpoint is BLOCKED, never
 * a pass, and one high or critical advisory fails it.
 */

const REFUSED = JSON.stringify({
  message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  method: "POST",
  uri: "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
  headers: { allow: ["GET,HEAD"] },
  statusCode: 405,
  body: "",
  error: { summary: "", detail: "" },
});

const report = (vulnerabilities: Record<string, number>, packages: Record<string, { severity: string }> = {}) =>
  JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: packages,
    metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0, ...vulnerabilities } },
  });

describe("npm audit --omit=dev verdict", () => {
  it("the registry's 405 (what these machines get) is BLOCKED, not a pass", () => {
    expect(assessAudit(REFUSED)).toMatchObject({ result: "BLOCKED", reason: expect.stringContaining("405") });
  });

  it("no high or critical advisory passes, moderate ones included", () => {
    expect(assessAudit(report({ moderate: 2, low: 1 }))).toMatchObject({ result: "PASSED" });
  });

  it("one high or critical advisory fails, naming the package", () => {
    const high = assessAudit(report({ high: 1 }, { "some-lib": { severity: "high" } }));
    expect(high).toEqual(expect.objectContaining({ result: "FAILED", packages: ["some-lib (high)"] }));
    expect(assessAudit(report({ critical: 1 }, { other: { severity: "critical" } }))).toMatchObject({
      result: "FAILED",
    });
  });

  it("anything else is an error, not a pass", () => {
    expect(assessAudit("npm ERR! something")).toMatchObject({ result: "ERROR" });
    expect(assessAudit(JSON.stringify({ message: "500 Internal Server Error", statusCode: 500 }))).toMatchObject({
      result: "ERROR",
    });
  });
});
