import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { TMP_DIR } from "../../../../tests/support/paths";
import { runClvCommand } from "./cli";
import { seededRandom, simulateCustomers } from "./simulate";

fs.mkdirSync(TMP_DIR, { recursive: true });
const dir = fs.mkdtempSync(path.join(TMP_DIR, "clv-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runClvCommand(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("clv fit", () => {
  it("prints one JSON object with the fitted parameters for a summary CSV", () => {
    const random = seededRandom(1);
    const customers = simulateCustomers(
      { r: 0.5, alpha: 5, a: 0.8, b: 3 },
      Array.from({ length: 800 }, () => 30 + 20 * random()),
      2,
      { p: 6, q: 4, gamma: 15 },
    );
    const file = path.join(dir, "summary.csv");
    fs.writeFileSync(
      file,
      "id,x,t_x,T,zbar\n" + customers.map((c, i) => `${i},${c.x},${c.t_x},${c.T},${c.zbar}`).join("\n"),
    );
    const { code, stdout, stderr } = run(["fit", "--summary", file]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const output = JSON.parse(stdout);
    expect(output).toMatchObject({ method: "bgnbd-gamma-gamma", customers: 800, unit: "weeks" });
    expect(Object.keys(output.bgnbd.params)).toEqual(["r", "alpha", "a", "b"]);
    expect(output.bgnbd).toMatchObject({ converged: true });
    expect(typeof output.bgnbd.logLikelihood).toBe("number");
    expect(typeof output.bgnbd.iterations).toBe("number");
    expect(Object.keys(output.gammaGamma.params)).toEqual(["p", "q", "gamma"]);
  });

  it("builds the summary from a transaction log", () => {
    const file = path.join(dir, "log.txt");
    fs.writeFileSync(file, " 1 19970101 1 10.00\n 1 19970115 1 20.00\n 2 19970103 1 5.00\n");
    const { code, stdout } = run(["fit", "--transactions", file, "--calibration-end", "1997-03-31"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ customers: 2, method: "fallback", reason: "TOO_FEW_CUSTOMERS" });
  });

  it("fails with a clear message and exit code 1 for a missing file, bad columns or bad usage", () => {
    expect(run(["fit", "--summary", path.join(dir, "nope.csv")])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("file not found"),
    });
    const bad = path.join(dir, "bad.csv");
    fs.writeFileSync(bad, "frequency,recency,T\n1,2,3\n");
    expect(run(["fit", "--summary", bad])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining("missing x, t_x"),
    });
    expect(run(["fit"])).toMatchObject({ code: 1, stderr: expect.stringContaining("exactly one of") });
    expect(run(["predict"])).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown command") });
  });
});
