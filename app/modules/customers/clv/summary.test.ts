import { describe, expect, it } from "vitest";
import {
  collapseSummaries,
  parseSummaryCsv,
  parseTransactionLog,
  summarizeTransactions,
  SummaryInputError,
} from "./summary";

const LOG = ` customer_id  date number_of_cds  dollar_value
 00001 19970101  1   11.77
 00002 19970112  1   12.00
 00002 19970112  5   77.00
 00002 19970126  2   20.00
 00002 19970209  1   10.00
 00003 19970102  2   20.76
 00003 19971015  1   99.00
 00004 19971001  1   5.00
`;

describe("summarizeTransactions", () => {
  const summaries = summarizeTransactions(parseTransactionLog(LOG), { calibrationEnd: "1997-09-30" });

  it("merges same-day purchases, excludes the first from x, and measures weeks from the first purchase", () => {
    expect(summaries).toHaveLength(3); // customer 4's first purchase is after the calibration period
    const [one, two, three] = summaries;
    expect(one).toEqual({ x: 0, t_x: 0, T: 272 / 7, zbar: 0 });
    // Customer 2: 12 Jan (two lines, one purchase), 26 Jan, 9 Feb; the calibration period ends 30 Sep (261 days on).
    expect(two.x).toBe(2);
    expect(two.t_x).toBeCloseTo(4, 12);
    expect(two.T).toBeCloseTo(261 / 7, 12);
    expect(two.zbar).toBeCloseTo(15, 12); // (20 + 10) / 2: the first purchase's 89 is not a repeat purchase
    // Customer 3's October purchase is outside the calibration period.
    expect(three).toEqual({ x: 0, t_x: 0, T: 271 / 7, zbar: 0 });
  });

  it("takes the calibration end and the time unit as parameters", () => {
    const days = summarizeTransactions(parseTransactionLog(LOG), { calibrationEnd: "1997-12-31", unit: "days" });
    expect(days[2]).toEqual({ x: 1, t_x: 286, T: 363, zbar: 99 }); // 2 Jan to 15 Oct, and to 31 Dec
    expect(days).toHaveLength(4);
  });

  it("rejects malformed lines and dates", () => {
    expect(() => parseTransactionLog("1 19970101 1 2\n2 1997-01-01 1 2\n")).toThrow(SummaryInputError);
    expect(() => summarizeTransactions([], { calibrationEnd: "1997-02-30" })).toThrow(/calendar date/);
  });
});

describe("parseSummaryCsv", () => {
  it("reads x, t_x, T and zbar by header name, ignoring other columns", () => {
    expect(parseSummaryCsv("ID,x,t_x,T,zbar\n1,2,30.43,38.86,22.35\n")).toEqual([
      { x: 2, t_x: 30.43, T: 38.86, zbar: 22.35 },
    ]);
    expect(parseSummaryCsv("T,x,t_x\r\n10,0,0\r\n")).toEqual([{ x: 0, t_x: 0, T: 10 }]);
  });

  it("says which columns are missing or bad", () => {
    expect(() => parseSummaryCsv("x,recency,T\n1,2,3\n")).toThrow(/missing t_x/);
    expect(() => parseSummaryCsv("x,t_x,T\n1,abc,3\n")).toThrow(/line 2: t_x is not a number/);
    expect(() => parseSummaryCsv("x,t_x,T\n1,5,3\n")).toThrow(/t_x <= T/);
  });
});

describe("collapseSummaries", () => {
  it("counts identical customers once", () => {
    const collapsed = collapseSummaries([
      { x: 0, t_x: 0, T: 5 },
      { x: 0, t_x: 0, T: 5 },
      { x: 1, t_x: 2, T: 5 },
    ]);
    expect(Array.from(collapsed.count)).toEqual([2, 1]);
    expect(collapsed.customers).toBe(3);
    expect(collapsed.TValues).toEqual([5]);
  });
});
