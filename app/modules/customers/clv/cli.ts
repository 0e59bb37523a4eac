/**
 * The CLV command line (the thin shell around the pure models: it reads files and prints JSON).
 *
 *   npm run clv -- fit --summary FILE.csv [--unit weeks|days]
 *   npm run clv -- fit --transactions FILE [--calibration-end YYYY-MM-DD] [--unit weeks|days]
 *
 * Prints one JSON object. Errors go to stderr with exit code 1.
 */
import fs from "node:fs";
import { type BgNbdFit } from "./bgnbd";
import { type GammaGammaFit } from "./gamma-gamma";
import { fitClvModel } from "./predict";
import {
  CDNOW_CALIBRATION_END,
  parseSummaryCsv,
  parseTransactionLog,
  summarizeTransactions,
  SummaryInputError,
  type CustomerSummary,
  type TimeUnit,
} from "./summary";

export type CliIo = { stdout: (text: string) => void; stderr: (text: string) => void };

const USAGE = `usage:
  clv fit --summary FILE.csv [--unit weeks|days]
      CSV with header columns x,t_x,T and optionally zbar (other columns ignored)
  clv fit --transactions FILE [--calibration-end YYYY-MM-DD] [--unit weeks|days]
      whitespace-separated log: customer id, date YYYYMMDD, number of items, amount (CDNOW_master.txt format);
      calibration period ends ${CDNOW_CALIBRATION_END} (inclusive) unless given`;

class UsageError extends Error {}

function parseArgs(args: string[]): Map<string, string> {
  const options = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const name = args[i];
    if (!name.startsWith("--")) throw new UsageError(`unexpected argument "${name}"`);
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`${name} needs a value`);
    options.set(name.slice(2), value);
    i++;
  }
  const known = new Set(["summary", "transactions", "calibration-end", "unit"]);
  for (const name of options.keys()) if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
  return options;
}

function readInput(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SummaryInputError(code === "ENOENT" ? `file not found: ${file}` : `cannot read ${file} (${code})`);
  }
}

const round = (value: number, digits = 6) => Number(value.toPrecision(digits));

function reportFit(fit: BgNbdFit | GammaGammaFit | undefined) {
  if (!fit) return null;
  return {
    params: Object.fromEntries(Object.entries(fit.params).map(([name, value]) => [name, round(value)])),
    logLikelihood: round(fit.logLikelihood, 10),
    iterations: fit.iterations,
    evaluations: fit.evaluations,
    converged: fit.converged,
    toleranceMet: fit.toleranceMet,
    atBounds: fit.atBounds,
    ms: round(fit.ms, 4),
  };
}

/** Run the command; returns the exit code. */
export function runClvCommand(args: string[], io: CliIo): number {
  const started = performance.now();
  try {
    const [command, ...rest] = args;
    if (command !== "fit") throw new UsageError(command ? `unknown command "${command}"` : "missing command");
    const options = parseArgs(rest);
    const unitOption = options.get("unit") ?? "weeks";
    if (unitOption !== "weeks" && unitOption !== "days") throw new UsageError("--unit must be weeks or days");
    const unit: TimeUnit = unitOption;
    const summaryFile = options.get("summary");
    const transactionsFile = options.get("transactions");
    if ((summaryFile === undefined) === (transactionsFile === undefined)) {
      throw new UsageError("give exactly one of --summary FILE.csv or --transactions FILE");
    }
    let summaries: CustomerSummary[];
    let summaryMs: number | undefined;
    const calibrationEnd = options.get("calibration-end") ?? CDNOW_CALIBRATION_END;
    if (summaryFile !== undefined) {
      if (options.has("calibration-end")) throw new UsageError("--calibration-end applies to --transactions only");
      summaries = parseSummaryCsv(readInput(summaryFile));
    } else {
      const text = readInput(transactionsFile as string);
      const summaryStarted = performance.now();
      summaries = summarizeTransactions(parseTransactionLog(text), { calibrationEnd, unit });
      summaryMs = performance.now() - summaryStarted;
    }
    const model = fitClvModel(summaries, { unit });
    const hasZbar = summaries.some((c) => c.zbar !== undefined);
    const output = {
      source: summaryFile !== undefined ? { summary: summaryFile } : { transactions: transactionsFile, calibrationEnd },
      unit,
      customers: model.shop.customers,
      repeatBuyers: model.shop.repeatBuyers,
      method: model.method,
      ...(model.method === "fallback" ? { reason: model.reason } : {}),
      bgnbd: reportFit(model.bgnbd),
      gammaGamma: hasZbar ? reportFit(model.gammaGamma) : null,
      ...(summaryMs !== undefined ? { summaryMs: round(summaryMs, 4) } : {}),
      ms: round(performance.now() - started, 4),
    };
    io.stdout(JSON.stringify(output, null, 2) + "\n");
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`clv: ${error.message}\n${USAGE}\n`);
      return 1;
    }
    if (error instanceof SummaryInputError) {
      io.stderr(`clv: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
