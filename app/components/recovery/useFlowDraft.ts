import { useMemo, useState } from "react";
import type { useFetcher } from "@remix-run/react";
import type { z } from "zod";
import { fieldErrorsFrom, type FieldErrors } from "~/modules/recovery/editor";
import { draftFromEditor, newStepDraft, toSettingsInput, type SettingsDraft, type StepDraft } from "./draft";
import type { SaveResponse } from "./types";

/**
 * The key an editor is mounted under: it starts again from the stored flow whenever what is stored changes (after a
 * save), not on every reload of the page's data (switching a flow on keeps unsaved edits).
 */
export function storedFlowVersion(editor: Parameters<typeof draftFromEditor>[0]): string {
  return JSON.stringify([editor.steps, editor.consentPolicy, editor.holdoutPercent]);
}

/**
 * A flow editor's state in the browser, shared by the Recovery page and the care flow pages: the draft, whether it
 * differs from what is stored, the errors to show, and the edits. The browser re-checks `schema` (the server's) as
 * the merchant types once they have tried to save; Liquid errors only the server can find, so those stay until the
 * next save (the live preview shows at once whether a template renders).
 */
export function useFlowDraft<Preview>(options: {
  editor: Parameters<typeof draftFromEditor>[0];
  previews: ReadonlyArray<Preview>;
  save: ReturnType<typeof useFetcher<SaveResponse>>;
  schema: z.ZodTypeAny;
}) {
  const { editor, previews, save, schema } = options;
  const initial = useMemo(() => draftFromEditor(editor), [editor]);
  const [draft, setDraft] = useState<SettingsDraft>(initial);
  const [clientErrors, setClientErrors] = useState<FieldErrors | null>(null);

  const dirty = JSON.stringify(toSettingsInput(draft)) !== JSON.stringify(toSettingsInput(initial));
  const serverErrors = save.state === "idle" && save.data && !save.data.ok ? save.data.fieldErrors : null;
  const liquidErrors = Object.fromEntries(
    Object.entries(serverErrors ?? {}).filter(([path]) => path.includes(".templates.")),
  );
  const errors: FieldErrors = clientErrors ? { ...liquidErrors, ...clientErrors } : (serverErrors ?? {});

  const change = (next: SettingsDraft) => {
    setDraft(next);
    if (clientErrors === null && serverErrors === null) return;
    const result = schema.safeParse(toSettingsInput(next));
    setClientErrors(result.success ? {} : fieldErrorsFrom(result.error));
  };

  return {
    draft,
    dirty,
    errors,
    errorCount: Object.keys(errors).length,
    /** What the last save said when it worked ("Saved 4 steps"). */
    savedMessage: save.state === "idle" && save.data?.ok ? save.data.message : null,
    change,
    changeStep: (index: number, step: StepDraft) =>
      change({ ...draft, steps: draft.steps.map((current, i) => (i === index ? step : current)) }),
    removeStep: (index: number) => change({ ...draft, steps: draft.steps.filter((_, i) => i !== index) }),
    addStep: () => change({ ...draft, steps: [...draft.steps, newStepDraft(draft.steps.at(-1))] }),
    submit: () => {
      const result = schema.safeParse(toSettingsInput(draft));
      if (!result.success) {
        setClientErrors(fieldErrorsFrom(result.error));
        return;
      }
      // Liquid syntax is checked by the server; its field errors come back in save.data.
      setClientErrors(null);
      save.submit(
        { intent: "save", settings: toSettingsInput(draft) },
        { method: "post", encType: "application/json" },
      );
    },
    discard: () => {
      setDraft(initial);
      setClientErrors(null);
    },
    /** The stored step's server-rendered preview (a step added in this session has none yet). */
    previewFor: (step: StepDraft): Preview | null => {
      const index = editor.steps.findIndex((stored) => stored.id === step.id);
      return index >= 0 ? (previews[index] ?? null) : null;
    },
  };
}
