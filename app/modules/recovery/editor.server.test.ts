import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock, systemClock } from "~/clock.server";
import prisma from "~/db.server";
import {
  loadRecoveryEditor,
  saveRecoverySettings,
  setRecoveryEnabled,
  type RecoveryEditor,
} from "~/modules/recovery/editor.server";
import { ensureRecoveryFlow, enrollCheckout } from "~/modules/recovery/flow.server";
import type { RecoverySettingsInput } from "~/modules/recovery/editor";
import { createShop } from "../../../tests/support/factories";

const NOW = new Date("2026-11-20T10:00:00Z");
const clock = new ManualClock(NOW);

beforeEach(() => {
  clock.set(NOW);
  setClock(clock);
});
afterAll(() => setClock(systemClock));

/** The editor's stored state as the form would submit it, unchanged. */
function asInput(
  editor: RecoveryEditor,
): RecoverySettingsInput & { steps: NonNullable<RecoverySettingsInput["steps"]> } {
  return {
    steps: editor.steps.map((step) => ({
      id: step.id,
      delayValue: step.delayValue,
      delayUnit: step.delayUnit,
      channel: step.channel,
      condition: step.condition,
      templates: step.templates,
    })),
    consentPolicy: editor.consentPolicy,
    holdoutPercent: editor.holdoutPercent,
  };
}

async function freshShop() {
  const { shop } = await createShop();
  const editor = await loadRecoveryEditor(shop);
  if (!editor) throw new Error("editor should load for an installed shop");
  return { shop, editor };
}

async function storedSteps(shop: string) {
  const flow = await ensureRecoveryFlow(prisma, shop);
  return flow.steps;
}

let checkoutSequence = 0;
async function enrolledCheckout(shop: string, anchorAt = NOW) {
  checkoutSequence += 1;
  const checkout = await prisma.checkout.create({
    data: {
      shop,
      token: `token-${checkoutSequence}-${shop}`,
      email: `shopper${checkoutSequence}@example.org`,
      shopifyUpdatedAt: anchorAt,
    },
  });
  expect(
    await enrollCheckout(
      prisma,
      shop,
      { id: checkout.id, token: checkout.token, customerId: null },
      anchorAt,
      clock.now(),
    ),
  ).toBe("ENROLLED");
  return prisma.flowRun.findFirstOrThrow({
    where: { shop, subjectId: checkout.id },
    include: { scheduled: { orderBy: { stepPosition: "asc" } } },
  });
}

describe("loadRecoveryEditor", () => {
  it("creates the default flow, switched off, with the four default steps in both languages", async () => {
    const { editor } = await freshShop();
    expect(editor.enabled).toBe(false);
    expect(editor.holdoutPercent).toBe(0);
    expect(editor.consentPolicy).toBe("SUBSCRIBED_ONLY");
    expect(editor.steps.map((step) => [step.delayValue, step.delayUnit, step.channel, step.condition])).toEqual([
      [1, "hours", "EMAIL", "ALWAYS"],
      [4, "hours", "SMS", "NOT_ENGAGED"],
      [1, "days", "EMAIL", "ALWAYS"],
      [3, "days", "EMAIL", "ALWAYS"],
    ]);
    expect(editor.steps[0].templates.fr.subject).toContain("Je peux vous aider");
    expect(editor.steps[1].templates.en.subject).toBe("");
  });

  it("returns null for a shop Kindly has no record of", async () => {
    expect(await loadRecoveryEditor("never-installed.myshopify.com")).toBeNull();
  });
});

describe("saveRecoverySettings", () => {
  it("saves steps sorted by delay, with the consent policy and the holdout share", async () => {
    const { shop, editor } = await freshShop();
    const input = asInput(editor);
    // The merchant moves the last email to 2 days and types the steps in any order.
    input.steps[3] = { ...input.steps[3], delayValue: 2, delayUnit: "days" };
    const shuffled = {
      ...input,
      steps: [input.steps[3], input.steps[0], input.steps[2], input.steps[1]],
      holdoutPercent: 10,
      consentPolicy: "ALLOW_NON_SUBSCRIBED_EMAIL",
    };

    const saved = await saveRecoverySettings(shop, shuffled);

    expect(saved).toMatchObject({ result: "SAVED", steps: 4 });
    const steps = await storedSteps(shop);
    expect(steps.map((step) => [step.position, step.delayMinutes, step.channel])).toEqual([
      [0, 60, "EMAIL"],
      [1, 240, "SMS"],
      [2, 1440, "EMAIL"],
      [3, 2880, "EMAIL"],
    ]);
    // SMS templates keep no subject.
    expect(JSON.parse(steps[1].templatesJson).en).toEqual({ body: editor.steps[1].templates.en.body });
    expect((await prisma.flow.findFirstOrThrow({ where: { shop } })).holdoutPercent).toBe(10);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).consentPolicy).toBe("ALLOW_NON_SUBSCRIBED_EMAIL");
  });

  it("refuses a Liquid syntax error with a field error naming the language and the field, and saves nothing", async () => {
    const { shop, editor } = await freshShop();
    const before = await storedSteps(shop);
    const input = asInput(editor);
    input.steps[0].templates.fr = {
      ...input.steps[0].templates.fr,
      body: "Bonjour {% if first_name %}{{ first_name }",
    };
    input.steps[2].templates.en = {
      ...input.steps[2].templates.en,
      subject: "Hello {{ first_name | no_such_filter }}",
    };

    const saved = await saveRecoverySettings(shop, { ...input, holdoutPercent: 20 });

    expect(saved.result).toBe("INVALID");
    if (saved.result !== "INVALID") return;
    expect(Object.keys(saved.fieldErrors).sort()).toEqual([
      "steps.0.templates.fr.body",
      "steps.2.templates.en.subject",
    ]);
    expect(saved.fieldErrors["steps.0.templates.fr.body"]).toMatch(/^French message: /);
    expect(saved.fieldErrors["steps.2.templates.en.subject"]).toMatch(/^English subject: .*no_such_filter/);
    // Nothing at all was written: not the steps, not the holdout share.
    expect(await storedSteps(shop)).toEqual(before);
    expect((await prisma.flow.findFirstOrThrow({ where: { shop } })).holdoutPercent).toBe(0);
  });

  it("refuses a negative or zero delay", async () => {
    const { shop, editor } = await freshShop();
    const input = asInput(editor);
    input.steps[1] = { ...input.steps[1], delayValue: -4 };
    input.steps[2] = { ...input.steps[2], delayValue: 0 };
    const saved = await saveRecoverySettings(shop, input);
    expect(saved).toEqual({
      result: "INVALID",
      fieldErrors: {
        "steps.1.delayValue": "The delay must be more than 0",
        "steps.2.delayValue": "The delay must be more than 0",
      },
    });
  });

  it("refuses a holdout share above 50 % or not a whole number, and accepts 50 %", async () => {
    const { shop, editor } = await freshShop();
    for (const holdoutPercent of [51, 100, -1, 12.5]) {
      const saved = await saveRecoverySettings(shop, { ...asInput(editor), holdoutPercent });
      expect(saved.result, String(holdoutPercent)).toBe("INVALID");
      if (saved.result === "INVALID") expect(Object.keys(saved.fieldErrors)).toEqual(["holdoutPercent"]);
    }
    expect((await saveRecoverySettings(shop, { ...asInput(editor), holdoutPercent: 50 })).result).toBe("SAVED");
    expect((await prisma.flow.findFirstOrThrow({ where: { shop } })).holdoutPercent).toBe(50);
  });

  it("accepts only the two consent policies", async () => {
    const { shop, editor } = await freshShop();
    const refused = await saveRecoverySettings(shop, { ...asInput(editor), consentPolicy: "EVERYONE" });
    expect(refused).toEqual({
      result: "INVALID",
      fieldErrors: { consentPolicy: "Choose who may receive recovery emails" },
    });
    for (const policy of ["ALLOW_NON_SUBSCRIBED_EMAIL", "SUBSCRIBED_ONLY"] as const) {
      expect((await saveRecoverySettings(shop, { ...asInput(editor), consentPolicy: policy })).result).toBe("SAVED");
      expect((await prisma.shop.findUniqueOrThrow({ where: { shop } })).consentPolicy).toBe(policy);
    }
  });

  it("refuses what the send-time rules would always skip: a second SMS, an SMS after 48 h, an email without subject, two steps at once", async () => {
    const { shop, editor } = await freshShop();
    const input = asInput(editor);
    input.steps[2] = { ...input.steps[2], channel: "SMS" };
    input.steps[1] = { ...input.steps[1], delayValue: 2, delayUnit: "days" };
    input.steps[3] = {
      ...input.steps[3],
      delayValue: 1,
      delayUnit: "hours",
      templates: { ...input.steps[3].templates, en: { subject: " ", body: "Hi" } },
    };
    const saved = await saveRecoverySettings(shop, input);
    expect(saved.result).toBe("INVALID");
    if (saved.result !== "INVALID") return;
    expect(saved.fieldErrors).toMatchObject({
      "steps.1.delayValue": expect.stringContaining("48 hours"),
      "steps.2.channel": "Only one SMS per checkout: make this step an email",
      "steps.3.templates.en.subject": "English subject: write a subject",
      "steps.3.delayValue": expect.stringContaining("Step 1 already has this delay"),
    });
  });

  it("brings checkouts in progress in line with edited delays, and ends their sequences when steps are reordered", async () => {
    const { shop, editor } = await freshShop();
    await setRecoveryEnabled(shop, true);
    const run = await enrolledCheckout(shop, new Date(NOW.getTime() - 30 * 60_000));

    // Same positions, the second email now at 12 h: the pending row follows, counted from the last activity.
    const edited = asInput(editor);
    edited.steps[2] = { ...edited.steps[2], delayValue: 12, delayUnit: "hours" };
    expect(await saveRecoverySettings(shop, edited)).toMatchObject({
      result: "SAVED",
      runsResynced: 1,
      runsStopped: 0,
    });
    const row = await prisma.scheduledMessage.findUniqueOrThrow({
      where: { runId_stepPosition: { runId: run.id, stepPosition: 2 } },
    });
    expect(row.dueAt).toEqual(new Date(run.anchorAt.getTime() + 12 * 3_600_000));

    // A new first step at 10 minutes shifts every kept step: the checkout's sequence ends instead of misfiring.
    const reloaded = (await loadRecoveryEditor(shop))!;
    const reordered = asInput(reloaded);
    reordered.steps.push({
      delayValue: 10,
      delayUnit: "minutes",
      channel: "EMAIL",
      condition: "ALWAYS",
      templates: { en: { subject: "Quick check", body: "Hi" }, fr: { subject: "Petite question", body: "Bonjour" } },
    });
    expect(await saveRecoverySettings(shop, reordered)).toMatchObject({ result: "SAVED", steps: 5, runsStopped: 1 });
    const stopped = await prisma.flowRun.findUniqueOrThrow({ where: { id: run.id }, include: { scheduled: true } });
    expect(stopped).toMatchObject({ state: "STOPPED", stopReason: "FLOW_CHANGED", stoppedAt: NOW });
    expect(stopped.scheduled.map((scheduled) => [scheduled.state, scheduled.skipReason])).toEqual(
      stopped.scheduled.map(() => ["CANCELLED", "FLOW_CHANGED"]),
    );
  });

  it("cancels pending rows of a step removed from the end, and plans a step added at the end if its time is ahead", async () => {
    const { shop, editor } = await freshShop();
    await setRecoveryEnabled(shop, true);
    const run = await enrolledCheckout(shop);
    const input = asInput(editor);
    input.steps.pop();
    expect(await saveRecoverySettings(shop, input)).toMatchObject({ result: "SAVED", steps: 3, runsStopped: 0 });
    expect(
      await prisma.scheduledMessage.findUniqueOrThrow({
        where: { runId_stepPosition: { runId: run.id, stepPosition: 3 } },
      }),
    ).toMatchObject({
      state: "CANCELLED",
      skipReason: "STEP_REMOVED",
    });

    const again = asInput((await loadRecoveryEditor(shop))!);
    again.steps.push({
      delayValue: 5,
      delayUnit: "days",
      channel: "EMAIL",
      condition: "ALWAYS",
      templates: { en: { subject: "Hi", body: "Hi" }, fr: { subject: "Bonjour", body: "Bonjour" } },
    });
    expect(await saveRecoverySettings(shop, again)).toMatchObject({ result: "SAVED", steps: 4 });
    // Position 3 already has a (cancelled) row for this run: history is kept, no second row appears.
    expect(await prisma.scheduledMessage.count({ where: { runId: run.id } })).toBe(4);
  });

  it("only ever touches the calling shop's flow", async () => {
    const a = await freshShop();
    const b = await freshShop();
    const input = asInput(a.editor);
    input.steps = input.steps.slice(0, 1);
    expect(await saveRecoverySettings(a.shop, { ...input, holdoutPercent: 30 })).toMatchObject({
      result: "SAVED",
      steps: 1,
    });
    expect((await storedSteps(b.shop)).length).toBe(4);
    expect((await prisma.flow.findFirstOrThrow({ where: { shop: b.shop } })).holdoutPercent).toBe(0);
  });
});

describe("setRecoveryEnabled", () => {
  it("switching off stops every active run of the shop with FLOW_DISABLED and cancels their pending messages", async () => {
    const { shop } = await freshShop();
    const other = await freshShop();
    expect(await setRecoveryEnabled(shop, true)).toEqual({ result: "ENABLED" });
    expect(await setRecoveryEnabled(shop, true)).toEqual({ result: "ALREADY_ENABLED" });
    await setRecoveryEnabled(other.shop, true);
    const first = await enrolledCheckout(shop);
    const second = await enrolledCheckout(shop);
    const bystander = await enrolledCheckout(other.shop);
    // One step already went out: it stays SENT.
    await prisma.scheduledMessage.update({ where: { id: first.scheduled[0].id }, data: { state: "SENT" } });

    clock.advance(3_600_000);
    expect(await setRecoveryEnabled(shop, false)).toEqual({ result: "DISABLED", stoppedRuns: 2 });

    for (const run of [first, second]) {
      const stopped = await prisma.flowRun.findUniqueOrThrow({
        where: { id: run.id },
        include: { scheduled: { orderBy: { stepPosition: "asc" } } },
      });
      expect(stopped).toMatchObject({ state: "STOPPED", stopReason: "FLOW_DISABLED", stoppedAt: clock.now() });
      const expected =
        run.id === first.id
          ? ["SENT", "CANCELLED", "CANCELLED", "CANCELLED"]
          : ["CANCELLED", "CANCELLED", "CANCELLED", "CANCELLED"];
      expect(stopped.scheduled.map((row) => row.state)).toEqual(expected);
    }
    expect((await prisma.flow.findFirstOrThrow({ where: { shop } })).enabled).toBe(false);
    // The other shop's flow and checkout are untouched.
    expect((await prisma.flowRun.findUniqueOrThrow({ where: { id: bystander.id } })).state).toBe("ACTIVE");
    expect((await prisma.flow.findFirstOrThrow({ where: { shop: other.shop } })).enabled).toBe(true);
  });

  it("refuses a shop Kindly has no record of", async () => {
    expect(await setRecoveryEnabled("never-installed.myshopify.com", true)).toEqual({ result: "SHOP_NOT_FOUND" });
    expect(await prisma.flow.count({ where: { shop: "never-installed.myshopify.com" } })).toBe(0);
  });
});
