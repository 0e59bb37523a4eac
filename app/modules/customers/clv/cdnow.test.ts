/**
 * The published CDNOW estimates (Fader, Hardie & Lee 2005), from the data in ../shared (never copied into the
 * repository). Skipped, saying so in the title, when the data is not there.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SHARED_DIR } from "../../../../tests/support/paths";
import { fitBgNbd } from "./bgnbd";
import { fitGammaGamma } from "./gamma-gamma";
import { parseSummaryCsv } from "./summary";

const SAMPLE = path.join(SHARED_DIR, "datasets", "cdnow", "cdnow_customers_summary_with_transactions.csv");
const exists = fs.existsSync(SAMPLE);
const title = exists
  ? "CLV fit on the CDNOW sample"
  : "CLV fit on the CDNOW sample (skipped: ../shared/datasets/cdnow not found)";

const withinOnePercent = (actual: number, published: number) =>
  expect(Math.abs(actual / published - 1), `${actual} vs published ${published}`).toBeLessThan(0.01);

describe.skipIf(!exists)(title, () => {
  const summaries = exists ? parseSummaryCsv(fs.readFileSync(SAMPLE, "utf8")) : [];

  it("reproduces the published BG/NBD estimates within 1 %", () => {
    expect(summaries).toHaveLength(2357);
    const fit = fitBgNbd(summaries);
    expect(fit.converged).toBe(true);
    withinOnePercent(fit.params.r, 0.243);
    withinOnePercent(fit.params.alpha, 4.414);
    withinOnePercent(fit.params.a, 0.793);
    withinOnePercent(fit.params.b, 2.426);
    withinOnePercent(fit.logLikelihood, -9582.4);
  });

  it("reproduces the published Gamma-Gamma estimates on the 946 repeat buyers within 1 %", () => {
    const fit = fitGammaGamma(summaries);
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    withinOnePercent(fit.params.p, 6.25);
    withinOnePercent(fit.params.q, 3.74);
    withinOnePercent(fit.params.gamma, 15.44);
  });
});
