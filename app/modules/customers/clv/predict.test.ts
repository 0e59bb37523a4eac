import { describe, expect, it } from "vitest";
import { conditionalExpectedPurchases } from "./bgnbd";
import { conditionalExpectedOrderValue } from "./gamma-gamma";
import { fitClvModel, predictClv, type ClvModel } from "./predict";
import { seededRandom, simulateCustomers } from "./simulate";
import { type CustomerSummary } from "./summary";

const random = seededRandom(3);
const ages = Array.from({ length: 3000 }, () => 20 + 40 * random());
const base = simulateCustomers({ r: 0.4, alpha: 5, a: 0.8, b: 2.5 }, ages, 5, { p: 6, q: 4, gamma: 15 });

describe("predicted CLV with fitted models", () => {
  const model = fitClvModel(base);

  it("fits both models on a shop with enough customers", () => {
    expect(model.method).toBe("bgnbd-gamma-gamma");
  });

  it("is the month-by-month discounted sum of eq. 10 increments times the expected order value", () => {
    if (model.method !== "bgnbd-gamma-gamma") throw new Error("expected a fitted model");
    const customer: CustomerSummary = { x: 3, t_x: 30, T: 40, zbar: 40 };
    const month = 365.25 / 12 / 7;
    let expected = 0;
    for (let m = 1; m <= 12; m++) {
      const increment =
        conditionalExpectedPurchases(model.bgnbd.params, customer, m * month) -
        conditionalExpectedPurchases(model.bgnbd.params, customer, (m - 1) * month);
      expected += increment / 1.01 ** m;
    }
    expected *= conditionalExpectedOrderValue(model.gammaGamma.params, 3, 40);
    const prediction = predictClv(model, customer);
    expect(prediction.clv).toBeCloseTo(expected, 9);
    expect(prediction.expectedPurchases).toBeCloseTo(
      conditionalExpectedPurchases(model.bgnbd.params, customer, 12 * month),
      12,
    );
    // Without discounting the value is purchases × order value; discounting can only lower it.
    const undiscounted = predictClv(model, customer, { monthlyDiscountRate: 0 });
    expect(undiscounted.clv).toBeCloseTo(undiscounted.expectedPurchases * undiscounted.expectedOrderValue, 9);
    expect(prediction.clv).toBeLessThan(undiscounted.clv);
  });
});

describe("small-shop fallback", () => {
  it("is used and labelled when there are too few customers", () => {
    const model = fitClvModel(base.slice(0, 30));
    expect(model).toMatchObject({ method: "fallback", reason: "TOO_FEW_CUSTOMERS" });
    const prediction = predictClv(model, { x: 2, t_x: 20, T: 30, zbar: 30 });
    expect(prediction.method).toBe("fallback");
    expect(prediction.reason).toBe("TOO_FEW_CUSTOMERS");
    expect(prediction.clv).toBeGreaterThan(0);
    expect(prediction.clvRange?.low).toBeLessThanOrEqual(prediction.clv);
    expect(prediction.clvRange?.high).toBeGreaterThan(prediction.clv);
  });

  it("is used when there are too few repeat buyers", () => {
    const oneTimers = base.filter((c) => c.x === 0).slice(0, 200);
    const withFew = [...oneTimers, ...base.filter((c) => c.x > 0).slice(0, 5)];
    const model: ClvModel = fitClvModel(withFew);
    expect(model).toMatchObject({ method: "fallback", reason: "TOO_FEW_REPEAT_BUYERS" });
  });

  it("is used when no order values are known", () => {
    const model = fitClvModel(base.map(({ x, t_x, T }) => ({ x, t_x, T })));
    expect(model).toMatchObject({ method: "fallback", reason: "NO_ORDER_VALUES" });
    expect(model.bgnbd?.converged).toBe(true);
  });

  it("estimates from the customer's rate, a recency rule and the shop's mean order value", () => {
    const model = fitClvModel(base.slice(0, 40));
    if (model.method !== "fallback") throw new Error("expected the fallback");
    const { shop } = model;
    // A customer silent for more than a typical gap is less likely alive than one who just bought.
    const recent = predictClv(model, { x: 2, t_x: 29, T: 30 });
    const silent = predictClv(model, { x: 2, t_x: 1, T: 30 + 2 * shop.typicalGap });
    expect(recent.pAlive).toBe(1);
    expect(silent.pAlive).toBeLessThan(0.5);
    expect(recent.expectedOrderValue).toBeCloseTo(shop.meanOrderValue, 12);
    // A one-time buyer still gets a non-zero estimate (shrunk towards the shop's rate).
    expect(predictClv(model, { x: 0, t_x: 0, T: 10 }).clv).toBeGreaterThan(0);
  });
});
