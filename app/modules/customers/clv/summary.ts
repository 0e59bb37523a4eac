/**
 * Customer summaries, the input of the CLV models: x repeat purchases, t_x the time of the last purchase and T the
 * customer's age, both measured from the first purchase (Fader, Hardie & Lee 2005, section 2), plus zbar, the mean
 * value of the repeat purchases (the Gamma-Gamma model's input). Parsing is pure: the caller reads the file.
 */

export type TimeUnit = "days" | "weeks";

export const DAYS_PER_UNIT: Record<TimeUnit, number> = { days: 1, weeks: 7 };

export type CustomerSummary = {
  /** Repeat purchases (purchase days after the first one). */
  x: number;
  /** Time of the last purchase since the first one (0 when x = 0). */
  t_x: number;
  /** Time from the first purchase to the end of the observation (calibration) period. */
  T: number;
  /** Mean value of the repeat purchases; undefined when unknown, ignored when x = 0. */
  zbar?: number;
};

export type Transaction = { customerId: string; date: string; amount: number };

export class SummaryInputError extends Error {
  override name = "SummaryInputError";
}

/**
 * Parse a CSV of customer summaries with header columns x, t_x, T and optionally zbar (other columns, such as the
 * CDNOW sample's ID, are ignored). Simple CSV: no quoted commas, which numeric summaries never need.
 */
export function parseSummaryCsv(text: string): CustomerSummary[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
  if (lines.length === 0) throw new SummaryInputError("the summary file is empty");
  const header = lines[0].split(",").map((name) => name.trim().replace(/^"|"$/g, ""));
  const column = (name: string) => header.indexOf(name);
  const missing = ["x", "t_x", "T"].filter((name) => column(name) < 0);
  if (missing.length > 0) {
    throw new SummaryInputError(
      `the summary file needs header columns x, t_x, T (optional zbar); missing ${missing.join(", ")} in "${lines[0]}"`,
    );
  }
  const [xi, txi, Ti, zi] = [column("x"), column("t_x"), column("T"), column("zbar")];
  return lines.slice(1).map((line, index) => {
    const cells = line.split(",");
    const read = (i: number, name: string) => {
      const value = Number(cells[i]);
      if (cells[i] === undefined || cells[i].trim() === "" || !Number.isFinite(value)) {
        throw new SummaryInputError(`line ${index + 2}: ${name} is not a number ("${cells[i] ?? ""}")`);
      }
      return value;
    };
    const summary: CustomerSummary = { x: read(xi, "x"), t_x: read(txi, "t_x"), T: read(Ti, "T") };
    if (!Number.isInteger(summary.x) || summary.x < 0 || summary.t_x < 0 || summary.t_x > summary.T) {
      throw new SummaryInputError(`line ${index + 2}: need an integer x >= 0 and 0 <= t_x <= T`);
    }
    if (zi >= 0) summary.zbar = read(zi, "zbar");
    return summary;
  });
}

/**
 * Parse a transaction log in the CDNOW_master.txt format: whitespace-separated customer id, date YYYYMMDD, number of
 * items, amount. A header line (non-numeric date) is skipped; the item count is not used by the models.
 */
export function parseTransactionLog(text: string): Transaction[] {
  const transactions: Transaction[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    const fields = line.split(/\s+/);
    if (i === 0 && !/^\d{8}$/.test(fields[1] ?? "")) continue; // header
    if (fields.length < 3 || !/^\d{8}$/.test(fields[1])) {
      throw new SummaryInputError(
        `line ${i + 1}: expected "customer_id YYYYMMDD number_of_items amount", got "${line}"`,
      );
    }
    const amount = Number(fields[fields.length >= 4 ? 3 : 2]);
    if (!Number.isFinite(amount)) throw new SummaryInputError(`line ${i + 1}: amount is not a number`);
    transactions.push({ customerId: fields[0], date: fields[1], amount });
  }
  return transactions;
}

/** Days since 1970-01-01 for a YYYYMMDD or YYYY-MM-DD date (UTC: calendar days, no time-zone drift). */
export function dayNumber(date: string): number {
  const digits = date.replace(/-/g, "");
  if (!/^\d{8}$/.test(digits)) throw new SummaryInputError(`not a date: "${date}" (expected YYYY-MM-DD)`);
  const [year, month, day] = [Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8))];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new SummaryInputError(`not a calendar date: "${date}"`);
  }
  return ms / 86_400_000;
}

/**
 * The paper's calibration period: 39 weeks from 1997-01-01, i.e. purchases up to and including 1997-09-30 (the
 * CDNOW sample's T = 38.86 weeks for a customer who first bought on 1997-01-01 is 272 days).
 */
export const CDNOW_CALIBRATION_END = "1997-09-30";

/**
 * Build customer summaries from a transaction log, as in Fader, Hardie & Lee (2005): transactions on the same day are
 * one purchase (their amounts added), the first purchase is not a repeat purchase, t_x and T are measured from each
 * customer's first purchase, and only purchases up to calibrationEnd (inclusive) count. Customers whose first purchase
 * is after calibrationEnd are left out. zbar is the mean value of the repeat purchases (0 when there are none).
 */
export function summarizeTransactions(
  transactions: Iterable<Transaction>,
  options: { calibrationEnd: string; unit?: TimeUnit },
): CustomerSummary[] {
  const end = dayNumber(options.calibrationEnd);
  const daysPerUnit = DAYS_PER_UNIT[options.unit ?? "weeks"];
  // customer id -> purchase day -> amount on that day
  const byCustomer = new Map<string, Map<number, number>>();
  for (const transaction of transactions) {
    const day = dayNumber(transaction.date);
    if (day > end) continue;
    let days = byCustomer.get(transaction.customerId);
    if (!days) byCustomer.set(transaction.customerId, (days = new Map()));
    days.set(day, (days.get(day) ?? 0) + transaction.amount);
  }
  const summaries: CustomerSummary[] = [];
  for (const days of byCustomer.values()) {
    const sorted = [...days.keys()].sort((p, q) => p - q);
    const first = sorted[0];
    const last = sorted[sorted.length - 1];
    let repeatValue = 0;
    for (const day of sorted.slice(1)) repeatValue += days.get(day) ?? 0;
    const x = sorted.length - 1;
    summaries.push({
      x,
      t_x: (last - first) / daysPerUnit,
      T: (end - first) / daysPerUnit,
      zbar: x > 0 ? repeatValue / x : 0,
    });
  }
  return summaries;
}

/**
 * Customers with identical (x, t_x, T) collapsed into one group with a count: the likelihood is a sum over groups
 * weighted by count. Distinct x, t_x and T values are indexed separately so that per-evaluation work that depends on
 * only one of them (log-gammas of x, logs of α + T) is done once per distinct value, not once per customer.
 */
export type CollapsedSummary = {
  count: Float64Array;
  xIndex: Int32Array;
  txIndex: Int32Array;
  TIndex: Int32Array;
  xValues: number[];
  txValues: number[];
  TValues: number[];
  customers: number;
};

export function collapseSummaries(summaries: readonly CustomerSummary[]): CollapsedSummary {
  const groups = new Map<string, { x: number; tx: number; T: number; count: number }>();
  for (const { x, t_x, T } of summaries) {
    const key = `${x}|${t_x}|${T}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { x, tx: t_x, T, count: 1 });
  }
  const indexer = () => {
    const values: number[] = [];
    const index = new Map<number, number>();
    return {
      values,
      of(value: number) {
        let i = index.get(value);
        if (i === undefined) {
          i = values.length;
          values.push(value);
          index.set(value, i);
        }
        return i;
      },
    };
  };
  const [xs, txs, Ts] = [indexer(), indexer(), indexer()];
  const n = groups.size;
  const collapsed: CollapsedSummary = {
    count: new Float64Array(n),
    xIndex: new Int32Array(n),
    txIndex: new Int32Array(n),
    TIndex: new Int32Array(n),
    xValues: xs.values,
    txValues: txs.values,
    TValues: Ts.values,
    customers: summaries.length,
  };
  let g = 0;
  for (const group of groups.values()) {
    collapsed.count[g] = group.count;
    collapsed.xIndex[g] = xs.of(group.x);
    collapsed.txIndex[g] = txs.of(group.tx);
    collapsed.TIndex[g] = Ts.of(group.T);
    g++;
  }
  return collapsed;
}
