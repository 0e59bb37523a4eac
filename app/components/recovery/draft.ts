import type { EditorStep, RecoveryEditor } from "~/modules/recovery/editor.server";
import type { ConsentPolicyChoice, DelayUnit, FieldErrors, RecoverySettingsInput } from "~/modules/recovery/editor";

/**
 * The editor's state in the browser: text fields hold strings while the merchant types; `toSettingsInput` turns
 * them into the shape `RecoverySettingsSchema` checks (here for instant errors, on the server for real).
 */
export interface StepDraft {
  /** React key: the stored step's id, or a local one for a step added in this session. */
  key: string;
  id?: string;
  delayValue: string;
  delayUnit: DelayUnit;
  channel: "EMAIL" | "SMS";
  condition: "ALWAYS" | "NOT_ENGAGED";
  templates: { en: { subject: string; body: string }; fr: { subject: string; body: string } };
}

export interface SettingsDraft {
  steps: StepDraft[];
  consentPolicy: ConsentPolicyChoice;
  holdoutPercent: string;
}

export function draftFromEditor(
  editor: Pick<RecoveryEditor, "steps" | "consentPolicy" | "holdoutPercent">,
): SettingsDraft {
  return {
    steps: editor.steps.map(stepDraft),
    consentPolicy: editor.consentPolicy,
    holdoutPercent: String(editor.holdoutPercent),
  };
}

function stepDraft(step: EditorStep): StepDraft {
  return {
    key: step.id,
    id: step.id,
    delayValue: String(step.delayValue),
    delayUnit: step.delayUnit,
    channel: step.channel,
    condition: step.condition,
    templates: { en: { ...step.templates.en }, fr: { ...step.templates.fr } },
  };
}

/** An empty text field is "0" for the schema, which then says the delay must be more than 0. */
const toNumber = (value: string) => (value.trim() === "" ? 0 : Number(value));

export function toSettingsInput(draft: SettingsDraft): RecoverySettingsInput {
  return {
    steps: draft.steps.map((step) => ({
      ...(step.id ? { id: step.id } : {}),
      delayValue: toNumber(step.delayValue),
      delayUnit: step.delayUnit,
      channel: step.channel,
      condition: step.condition,
      templates: step.templates,
    })),
    consentPolicy: draft.consentPolicy,
    holdoutPercent: toNumber(draft.holdoutPercent),
  };
}

/** The errors of one step, with the "steps.<index>." prefix removed ("templates.fr.body"). */
export function stepErrors(errors: FieldErrors, index: number): FieldErrors {
  const prefix = `steps.${index}.`;
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, message]) => [key.slice(prefix.length), message]),
  );
}

let localKeys = 0;

export function newStepDraft(after: StepDraft | undefined): StepDraft {
  localKeys += 1;
  return {
    key: `new-${localKeys}`,
    delayValue: after ? String(Number(after.delayValue || 0) + 1) : "1",
    delayUnit: after?.delayUnit ?? "days",
    channel: "EMAIL",
    condition: "ALWAYS",
    templates: { en: { subject: "", body: "" }, fr: { subject: "", body: "" } },
  };
}
