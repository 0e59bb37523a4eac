import { getClock } from "~/clock.server";
import { loadFlowEditor, saveFlowOptions, saveFlowSettings, setFlowEnabled } from "~/modules/recovery/editor.server";
import { previewForShop, previewStepsForShop, sendStepTest } from "~/modules/recovery/preview.server";
import { careFlowResults } from "~/modules/flows/report.server";
import { careSample } from "~/modules/flows/preview.server";
import { CareFlowActionSchema } from "~/modules/flows/editor";
import { fieldErrorsFrom, type FieldErrors } from "~/modules/recovery/editor";
import { TRIGGER_DEFINITIONS, type LifecycleTrigger } from "~/modules/flows/triggers";
import type { StepPreview } from "~/modules/recovery/preview.server";

/**
 * A care flow's admin page (app/routes/app.flows_.$slug.tsx): what its loader shows and what its action does, so the
 * route stays a thin shell. The same editor, preview and test send as recovery's, with the care flow's sample subject.
 */

const REPORT_DAYS = 30;

export async function careFlowPage(shop: string, trigger: LifecycleTrigger) {
  const editor = await loadFlowEditor(shop, trigger);
  if (!editor) return null;
  const now = getClock().now();
  const [previews, results] = await Promise.all([
    previewStepsForShop(shop, editor.steps, careSample(trigger, editor.options)),
    careFlowResults(shop, new Date(now.getTime() - REPORT_DAYS * 86_400_000), now),
  ]);
  const definition = TRIGGER_DEFINITIONS[trigger];
  return {
    editor,
    previews: previews ?? [],
    results: results.find((result) => result.trigger === trigger) ?? null,
    definition: { name: definition.name, description: definition.description, anchor: definition.anchor },
  };
}

export type CareFlowActionResult =
  | { status: number; body: { intent: string; ok: boolean; message: string; fieldErrors?: FieldErrors } }
  | { status: number; body: { intent: "preview"; ok: true; previews: StepPreview } };

export async function careFlowAction(
  shop: string,
  trigger: LifecycleTrigger,
  raw: unknown,
  staffEmail: string | null,
): Promise<CareFlowActionResult | "SHOP_NOT_FOUND"> {
  const parsed = CareFlowActionSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors = fieldErrorsFrom(parsed.error);
    return {
      status: 400,
      body: { intent: "invalid", ok: false, message: Object.values(fieldErrors)[0] ?? "Bad request", fieldErrors },
    };
  }
  const input = parsed.data;
  const name = TRIGGER_DEFINITIONS[trigger].name;
  switch (input.intent) {
    case "save": {
      const saved = await saveFlowSettings(shop, trigger, input.settings);
      if (saved.result === "SHOP_NOT_FOUND") return "SHOP_NOT_FOUND";
      if (saved.result === "INVALID") {
        return {
          status: 400,
          body: {
            intent: "save",
            ok: false,
            fieldErrors: saved.fieldErrors,
            message: "Nothing was saved: fix the highlighted fields.",
          },
        };
      }
      return {
        status: 200,
        body: { intent: "save", ok: true, message: `Saved ${saved.steps} ${saved.steps === 1 ? "step" : "steps"}.` },
      };
    }
    case "preview": {
      const editor = await loadFlowEditor(shop, trigger);
      if (!editor) return "SHOP_NOT_FOUND";
      const previews = await previewForShop(shop, input.step, careSample(trigger, editor.options));
      if (!previews) return "SHOP_NOT_FOUND";
      return { status: 200, body: { intent: "preview", ok: true, previews } };
    }
    case "enable":
    case "disable": {
      const switched = await setFlowEnabled(shop, trigger, input.intent === "enable");
      if (switched.result === "SHOP_NOT_FOUND") return "SHOP_NOT_FOUND";
      const message =
        switched.result === "DISABLED"
          ? `${name} is off. ${switched.stoppedRuns} planned ${switched.stoppedRuns === 1 ? "message sequence was" : "message sequences were"} stopped.`
          : switched.result === "ENABLED"
            ? `${name} is on: it applies to what happens from now on.`
            : `${name} was already ${switched.result === "ALREADY_ENABLED" ? "on" : "off"}.`;
      return { status: 200, body: { intent: input.intent, ok: true, message } };
    }
    case "options": {
      const saved = await saveFlowOptions(shop, trigger, input.options);
      if (!saved) return "SHOP_NOT_FOUND";
      return { status: 200, body: { intent: "options", ok: true, message: "Options saved." } };
    }
    case "test": {
      const editor = await loadFlowEditor(shop, trigger);
      if (!editor) return "SHOP_NOT_FOUND";
      const sent = await sendStepTest(
        shop,
        input.step,
        input.locale,
        { email: staffEmail, phone: input.phone ?? null },
        careSample(trigger, editor.options),
      );
      const message =
        sent.result === "SENT"
          ? `Test ${sent.channel === "EMAIL" ? "email" : "SMS"} sent to ${sent.to}.`
          : sent.result === "NO_RECIPIENT"
            ? sent.channel === "EMAIL"
              ? "No email address is known for you or your store, so the test has nowhere to go."
              : "Enter your mobile number to receive the test SMS."
            : sent.result === "TEMPLATE_ERROR"
              ? `The template cannot be rendered: ${sent.message}`
              : sent.result === "SEND_FAILED"
                ? `Not sent: ${sent.message}`
                : "Store not found.";
      return {
        status: sent.result === "SENT" ? 200 : sent.result === "SEND_FAILED" ? 502 : 400,
        body: { intent: "test", ok: sent.result === "SENT", message },
      };
    }
  }
}
