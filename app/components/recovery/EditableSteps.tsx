import { Banner } from "@shopify/polaris";
import type { FieldErrors } from "~/modules/recovery/editor";
import type { StepPreview } from "~/modules/recovery/preview.server";
import { StepCard } from "./StepCard";
import { stepErrors } from "./draft";
import type { useFlowDraft } from "./useFlowDraft";

/**
 * A flow's steps as the merchant edits them (the Recovery page and every care flow page): what the last save said
 * (every error, by step, or the saved message), then one card per step with its live preview.
 */
export function EditableSteps({
  flow,
  anchorLabel,
  variablesHelp,
}: {
  flow: ReturnType<typeof useFlowDraft<StepPreview | null>>;
  anchorLabel?: string;
  variablesHelp?: string;
}) {
  const { draft, errors, errorCount, savedMessage, changeStep, removeStep, previewFor } = flow;
  return (
    <>
      {errorCount > 0 ? (
        <Banner tone="critical" title="Nothing was saved: fix the highlighted fields.">
          <ErrorList errors={errors} />
        </Banner>
      ) : savedMessage ? (
        <Banner tone="success" title={savedMessage} />
      ) : null}
      {draft.steps.map((step, index) => (
        <StepCard
          key={step.key}
          index={index}
          draft={step}
          errors={stepErrors(errors, index)}
          initialPreview={previewFor(step)}
          canRemove={draft.steps.length > 1}
          onChange={(next) => changeStep(index, next)}
          onRemove={() => removeStep(index)}
          anchorLabel={anchorLabel}
          variablesHelp={variablesHelp}
        />
      ))}
    </>
  );
}

function ErrorList({ errors }: { errors: FieldErrors }) {
  const messages = Object.entries(errors).map(([path, message]) => {
    const step = /^steps\.(\d+)\./.exec(path);
    return step ? `Step ${Number(step[1]) + 1}: ${message}` : message;
  });
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
