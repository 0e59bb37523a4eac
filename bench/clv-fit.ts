/**
 * CLV fit benchmark: the full CDNOW transaction log (23,570 customers), from the raw text to fitted BG/NBD and
 * Gamma-Gamma models, as `npm run clv -- fit --transactions` does it. Target: under 2 s in total.
 *
 *   npx tsx bench/clv-fit.ts [--runs 3]
 *
 * Reads ../shared/datasets/cdnow/CDNOW_master.txt (KINDLY_SHARED_DIR overrides ../shared); says so and exits 0 when
 * it is absent. Each run is timed in phases (parse, summarise, collapse, BG/NBD fit, Gamma-Gamma fit); the first run
 * includes JIT warm-up, which is what a nightly job pays.
 */
import fs from "node:fs";
import path from "node:path";
import { fitBgNbd } from "../app/modules/customers/clv/bgnbd";
import { fitGammaGamma } from "../app/modules/customers/clv/gamma-gamma";
import {
  CDNOW_CALIBRATION_END,
  collapseSummaries,
  parseTransactionLog,
  summarizeTransactions,
} from "../app/modules/customers/clv/summary";
import { fmt, ROOT } from "./lib";

const args = process.argv.slice(2);
const runsIndex = args.indexOf("--runs");
const RUNS = runsIndex >= 0 ? Number(args[runsIndex + 1]) : 3;
const SHARED_DIR = process.env.KINDLY_SHARED_DIR ?? path.resolve(ROOT, "..", "shared");
const FILE = path.join(SHARED_DIR, "datasets", "cdnow", "CDNOW_master.txt");

if (!fs.existsSync(FILE)) {
  console.log(`clv-fit: ${FILE} not found; nothing to measure (the CDNOW data lives outside the repository).`);
  process.exit(0);
}

console.log(`clv-fit: ${FILE}, calibration period to ${CDNOW_CALIBRATION_END}, ${RUNS} run(s)`);
for (let run = 1; run <= RUNS; run++) {
  const t0 = performance.now();
  const text = fs.readFileSync(FILE, "utf8");
  const t1 = performance.now();
  const transactions = parseTransactionLog(text);
  const t2 = performance.now();
  const summaries = summarizeTransactions(transactions, { calibrationEnd: CDNOW_CALIBRATION_END });
  const t3 = performance.now();
  const collapsed = collapseSummaries(summaries);
  const t4 = performance.now();
  const bgnbd = fitBgNbd(collapsed);
  const t5 = performance.now();
  const gammaGamma = fitGammaGamma(summaries);
  const t6 = performance.now();
  const total = t6 - t0;
  console.log(
    [
      `run ${run}: total ${fmt(total)} ms ${total < 2000 ? "(< 2 s target: ok)" : "(OVER the 2 s target)"}`,
      `  read ${fmt(t1 - t0)} ms, parse ${fmt(t2 - t1)} ms (${transactions.length} lines),` +
        ` summarise ${fmt(t3 - t2)} ms (${summaries.length} customers),` +
        ` collapse ${fmt(t4 - t3)} ms (${collapsed.count.length} distinct (x, t_x, T))`,
      `  BG/NBD ${fmt(t5 - t4)} ms: r ${bgnbd.params.r.toFixed(4)}, alpha ${bgnbd.params.alpha.toFixed(4)},` +
        ` a ${bgnbd.params.a.toFixed(4)}, b ${bgnbd.params.b.toFixed(4)}, LL ${fmt(bgnbd.logLikelihood, 2)},` +
        ` ${bgnbd.iterations} iterations / ${bgnbd.evaluations} evaluations, converged ${bgnbd.converged}`,
      `  Gamma-Gamma ${fmt(t6 - t5)} ms on ${gammaGamma.customers} repeat buyers: p ${gammaGamma.params.p.toFixed(3)},` +
        ` q ${gammaGamma.params.q.toFixed(3)}, gamma ${gammaGamma.params.gamma.toFixed(3)},` +
        ` ${gammaGamma.iterations} iterations, converged ${gammaGamma.converged}`,
    ].join("\n"),
  );
}
