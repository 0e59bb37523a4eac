import { useEffect, useRef, useState } from "react";
import { useFetcher } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  InlineGrid,
  InlineStack,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import {
  describeDelay,
  EDITOR_LOCALES,
  LOCALE_LABELS,
  type DelayUnit,
  type EditorLocale,
  type FieldErrors,
} from "~/modules/recovery/editor";
import type { StepPreview } from "~/modules/recovery/preview.server";
import { MessagePreview } from "~/components/recovery/MessagePreview";
import type { StepDraft } from "~/components/recovery/draft";
import type { BadRequestResponse, PreviewResponse, TestResponse } from "~/components/recovery/types";
import { channelLabel } from "~/components/recovery/format";

const PREVIEW_DEBOUNCE_MS = 400;

const UNIT_OPTIONS = [
  { label: "minutes", value: "minutes" },
  { label: "hours", value: "hours" },
  { label: "days", value: "days" },
];

const CHANNEL_OPTIONS = [
  { label: "Email", value: "EMAIL" },
  { label: "SMS", value: "SMS" },
];

const CONDITION_OPTIONS = [
  { label: "Always", value: "ALWAYS" },
  { label: "Only if not engaged", value: "NOT_ENGAGED" },
];

const VARIABLES_HELP =
  "Liquid variables: {{ first_name }}, {{ items }} (each with title, quantity, price), {{ total }}, {{ recovery_url }}, {{ tips }}, {{ shop.name }}, {{ shop.support_email }}, {{ sender.name }}.";

export function StepCard({
  index,
  draft,
  errors,
  initialPreview,
  canRemove,
  onChange,
  onRemove,
  anchorLabel = "after the last checkout activity",
  variablesHelp = VARIABLES_HELP,
}: {
  /** "after the last checkout activity" (recovery); a care flow says what its delays count from. */
  anchorLabel?: string;
  variablesHelp?: string;
  index: number;
  draft: StepDraft;
  errors: FieldErrors;
  initialPreview: StepPreview | null;
  canRemove: boolean;
  onChange: (next: StepDraft) => void;
  onRemove: () => void;
}) {
  const [tab, setTab] = useState(0);
  const [testPhone, setTestPhone] = useState("");
  const locale: EditorLocale = EDITOR_LOCALES[tab];
  const preview = usePreview(draft, initialPreview);
  const test = useFetcher<TestResponse | BadRequestResponse>({ key: `recovery-test-${draft.key}` });

  const update = (patch: Partial<StepDraft>) => onChange({ ...draft, ...patch });
  const updateTemplate = (field: "subject" | "body", value: string) =>
    onChange({ ...draft, templates: { ...draft.templates, [locale]: { ...draft.templates[locale], [field]: value } } });

  const delayMinutes = Number(draft.delayValue) * ({ minutes: 1, hours: 60, days: 1440 } as const)[draft.delayUnit];
  const heading = `Step ${index + 1}`;
  const tabs = EDITOR_LOCALES.map((code) => {
    const broken = Object.keys(errors).some((key) => key.startsWith(`templates.${code}.`));
    return {
      id: `step-${draft.key}-${code}`,
      content: broken ? `${LOCALE_LABELS[code]} (needs attention)` : LOCALE_LABELS[code],
    };
  });

  return (
    <Card>
      <BlockStack gap="400">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h3" variant="headingMd">
              {heading}
            </Text>
            <Badge tone={draft.channel === "SMS" ? "info" : undefined}>{channelLabel(draft.channel)}</Badge>
            <Text as="span" tone="subdued">
              {Number.isFinite(delayMinutes) && delayMinutes > 0 ? `${describeDelay(delayMinutes)} ${anchorLabel}` : ""}
            </Text>
          </InlineStack>
          {canRemove ? (
            <Button variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove step ${index + 1}`}>
              Remove step
            </Button>
          ) : null}
        </InlineStack>

        <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
          <TextField
            label="Send after"
            type="number"
            min={1}
            autoComplete="off"
            value={draft.delayValue}
            onChange={(value) => update({ delayValue: value })}
            error={errors.delayValue}
            connectedRight={
              <Select
                label="Delay unit"
                labelHidden
                options={UNIT_OPTIONS}
                value={draft.delayUnit}
                onChange={(value) => update({ delayUnit: value as DelayUnit })}
              />
            }
          />
          <Select
            label="Channel"
            options={CHANNEL_OPTIONS}
            value={draft.channel}
            onChange={(value) => update({ channel: value === "SMS" ? "SMS" : "EMAIL" })}
            error={errors.channel}
            helpText={
              draft.channel === "SMS"
                ? "Only to shoppers subscribed to SMS, within 48 h, outside quiet hours."
                : undefined
            }
          />
          <Select
            label="Send"
            options={CONDITION_OPTIONS}
            value={draft.condition}
            onChange={(value) => update({ condition: value === "NOT_ENGAGED" ? "NOT_ENGAGED" : "ALWAYS" })}
            helpText={
              draft.condition === "NOT_ENGAGED"
                ? "Skipped if the shopper clicked, replied or opened an earlier message themselves (privacy-proxy opens don't count)."
                : undefined
            }
          />
        </InlineGrid>

        <Tabs tabs={tabs} selected={tab} onSelect={setTab}>
          <Box paddingBlockStart="300">
            <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
              <BlockStack gap="300">
                {draft.channel === "EMAIL" ? (
                  <TextField
                    label={`Subject (${LOCALE_LABELS[locale]})`}
                    autoComplete="off"
                    value={draft.templates[locale].subject}
                    onChange={(value) => updateTemplate("subject", value)}
                    error={errors[`templates.${locale}.subject`]}
                  />
                ) : null}
                <TextField
                  label={`Message (${LOCALE_LABELS[locale]})`}
                  autoComplete="off"
                  multiline={draft.channel === "EMAIL" ? 14 : 4}
                  monospaced
                  value={draft.templates[locale].body}
                  onChange={(value) => updateTemplate("body", value)}
                  error={errors[`templates.${locale}.body`]}
                  helpText={variablesHelp}
                />
                {draft.channel === "SMS" ? (
                  <TextField
                    label="Your mobile number, for the test"
                    type="tel"
                    autoComplete="tel"
                    placeholder="+33612345678"
                    value={testPhone}
                    onChange={setTestPhone}
                  />
                ) : null}
                <InlineStack gap="200" blockAlign="center">
                  <Button
                    loading={test.state !== "idle"}
                    onClick={() =>
                      test.submit(
                        {
                          intent: "test",
                          locale,
                          step: { channel: draft.channel, templates: draft.templates },
                          ...(draft.channel === "SMS" && testPhone.trim() ? { phone: testPhone.trim() } : {}),
                        },
                        { method: "post", encType: "application/json" },
                      )
                    }
                  >
                    Send a test to myself
                  </Button>
                  <Text as="span" tone="subdued" variant="bodySm">
                    The {LOCALE_LABELS[locale]} version as written, with the sample checkout.
                  </Text>
                </InlineStack>
                {test.state === "idle" && test.data ? (
                  <Banner tone={test.data.ok ? "success" : "critical"}>
                    <p>{test.data.message}</p>
                  </Banner>
                ) : null}
              </BlockStack>
              <MessagePreview
                preview={preview.data?.[locale] ?? null}
                channel={draft.channel}
                updating={preview.updating}
              />
            </InlineGrid>
          </Box>
        </Tabs>
      </BlockStack>
    </Card>
  );
}

/**
 * The server renders the preview (the same Liquid engine and renderer a worker uses), asked again a moment after
 * the merchant stops typing. The first render uses the preview the loader already made.
 */
function usePreview(draft: StepDraft, initial: StepPreview | null): { data: StepPreview | null; updating: boolean } {
  const fetcher = useFetcher<PreviewResponse | BadRequestResponse>({ key: `recovery-preview-${draft.key}` });
  const request = JSON.stringify({ channel: draft.channel, templates: draft.templates });
  const firstRequest = useRef(initial ? request : null);
  const { submit } = fetcher;
  useEffect(() => {
    if (request === firstRequest.current) return;
    firstRequest.current = null;
    const timer = setTimeout(() => {
      submit({ intent: "preview", step: JSON.parse(request) }, { method: "post", encType: "application/json" });
    }, PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [request, submit]);
  const latest = fetcher.data && fetcher.data.intent === "preview" ? fetcher.data.previews : null;
  return { data: latest ?? initial, updating: fetcher.state !== "idle" };
}
