import { useState } from "react";
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { careFlowAction, careFlowPage } from "~/modules/flows/page.server";
import { triggerFromSlug, type FlowOptions, type LifecycleTrigger } from "~/modules/flows/triggers";
import { CareFlowSettingsSchema, MAX_STEPS, type FieldErrors } from "~/modules/recovery/editor";
import { ConsentPolicyCard } from "~/components/recovery/SettingsCards";
import { storedFlowVersion, useFlowDraft } from "~/components/recovery/useFlowDraft";
import { EditableSteps } from "~/components/recovery/EditableSteps";
import type { SaveResponse } from "~/components/recovery/types";
import { formatPercent } from "~/components/recovery/format";

const CARE_VARIABLES_HELP =
  "Liquid variables: {{ first_name }}, {{ order.name }}, {{ order.items }} (title, quantity), {{ order.status_url }}, {{ order.tracking }}, {{ care_tips }} (product, tip), {{ rating_links }} (score, url), {{ perk }} (code, description, expires_on), {{ review_url }}, {{ shop.name }}, {{ shop.support_email }}, {{ sender.name }}.";

function careTrigger(slug: string | undefined): LifecycleTrigger {
  const trigger = triggerFromSlug(slug);
  if (!trigger) throw new Response("No such flow", { status: 404 });
  if (trigger === "CHECKOUT_ABANDONED") throw redirect("/app/recovery");
  return trigger;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  // Authenticated first: an unauthenticated request learns nothing, not even which flows exist.
  const { shop } = await authenticateAdmin(request);
  const trigger = careTrigger(params.slug);
  const page = await careFlowPage(shop, trigger);
  if (!page) {
    throw new Response("Kindly has no record of this store yet: open it from the Shopify admin to finish installing.", {
      status: 404,
    });
  }
  return page;
};

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, session, demo } = await authenticateAdmin(request);
  const trigger = careTrigger(params.slug);
  const staffEmail = demo ? null : (session.onlineAccessInfo?.associated_user.email ?? null);
  const result = await careFlowAction(shop, trigger, await readJson(request), staffEmail);
  if (result === "SHOP_NOT_FOUND") throw new Response("Store not found", { status: 404 });
  return data(result.body, { status: result.status });
};

export const shouldRevalidate: ShouldRevalidateFunction = ({ json, defaultShouldRevalidate }) => {
  const intent = json && typeof json === "object" && "intent" in json ? json.intent : null;
  if (intent === "preview" || intent === "test") return false;
  return defaultShouldRevalidate;
};

export default function CareFlowPage() {
  const loaded = useLoaderData<typeof loader>();
  const save = useFetcher<SaveResponse>({ key: `flow-save-${loaded.editor.trigger}` });
  return <CareFlowEditor key={storedFlowVersion(loaded.editor)} data={loaded} save={save} />;
}

function CareFlowEditor({
  data: loaded,
  save,
}: {
  data: ReturnType<typeof useLoaderData<typeof loader>>;
  save: ReturnType<typeof useFetcher<SaveResponse>>;
}) {
  const { editor, previews, results, definition } = loaded;
  const flow = useFlowDraft({ editor, previews, save, schema: CareFlowSettingsSchema });
  const { draft, dirty, errors, change, addStep, submit } = flow;
  const toggle = useFetcher<{ ok: boolean; message: string }>({ key: `flow-toggle-${editor.trigger}` });

  return (
    <Page
      title={definition.name}
      subtitle={definition.description}
      backAction={{ content: "Flows", url: "/app/flows" }}
      titleMetadata={
        <InlineStack gap="200">
          <Badge tone={editor.enabled ? "success" : undefined}>{editor.enabled ? "On" : "Off"}</Badge>
          {dirty ? <Badge tone="attention">Unsaved changes</Badge> : null}
        </InlineStack>
      }
      primaryAction={{ content: "Save", onAction: submit, loading: save.state !== "idle", disabled: !dirty }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {editor.enabled ? "This flow is on" : "This flow is off: nothing is sent"}
                </Text>
                <Button
                  variant={editor.enabled ? "secondary" : "primary"}
                  tone={editor.enabled ? "critical" : undefined}
                  loading={toggle.state !== "idle"}
                  onClick={() =>
                    toggle.submit(
                      { intent: editor.enabled ? "disable" : "enable" },
                      { method: "post", encType: "application/json" },
                    )
                  }
                >
                  {editor.enabled ? "Turn off" : "Turn on"}
                </Button>
              </InlineStack>
              <Text as="p" tone="subdued">
                {`Delays count from ${definition.anchor}. Every step is checked again when it is due: consent, quiet hours (${editor.quietHours.start / 60}:00 to ${editor.quietHours.end / 60}:00 in the customer's time, for every channel), the ${editor.frequencyCapHours} h frequency cap shared with every other flow, unsubscribes. A reply from the customer stops it: a person takes over.`}
              </Text>
              {toggle.data ? (
                <Banner tone={toggle.data.ok ? "success" : "critical"} title={toggle.data.message} />
              ) : null}
              {results ? <FlowResults results={results} /> : null}
            </BlockStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <BlockStack gap="400">
            <Text as="h2" variant="headingLg">
              Steps
            </Text>
            <EditableSteps flow={flow} anchorLabel={`after ${definition.anchor}`} variablesHelp={CARE_VARIABLES_HELP} />
            <InlineStack>
              <Button onClick={addStep} disabled={draft.steps.length >= MAX_STEPS}>
                Add a step
              </Button>
            </InlineStack>
          </BlockStack>
        </Layout.Section>

        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Measure what this flow really adds (holdout)
              </Text>
              <Text as="p">
                A share of customers, always the same ones for this flow, receive nothing from it. Comparing them with
                the others shows what the flow changes: how many order again, their satisfaction, how many write to
                support.
              </Text>
              <TextField
                label="Share of customers who receive nothing from this flow"
                type="number"
                min={0}
                max={50}
                suffix="%"
                autoComplete="off"
                value={draft.holdoutPercent}
                onChange={(holdoutPercent) => change({ ...draft, holdoutPercent })}
                error={errors.holdoutPercent}
              />
            </BlockStack>
          </Card>
        </Layout.Section>

        {editor.trigger === "SEGMENT_VIP" || editor.trigger === "HAPPY_RATING" ? (
          <Layout.Section>
            <OptionsCard trigger={editor.trigger} options={editor.options} currencyCode={editor.currencyCode} />
          </Layout.Section>
        ) : null}

        <Layout.Section>
          <ConsentPolicyCard
            value={draft.consentPolicy}
            error={errors.consentPolicy}
            onChange={(consentPolicy) => change({ ...draft, consentPolicy })}
          />
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function rate(value: number | null): string {
  return value === null ? "–" : formatPercent(value, 0);
}

function FlowResults({
  results,
}: {
  results: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["results"]>;
}) {
  const lift = results.repeatPurchase.lift;
  return (
    <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
      <Figure label="Entered (30 days)" value={String(results.entered)} detail={`${results.heldOut} held out`} />
      <Figure label="Messages sent" value={String(results.messagesSent)} detail={`${results.replies} replies`} />
      <Figure
        label="Ordered again"
        value={rate(results.repeatPurchase.treated)}
        detail={
          lift
            ? `${rate(lift.holdoutRate)} held out; difference ${formatPercent(lift.difference, 1)} (95 %: ${formatPercent(lift.interval95[0], 1)} to ${formatPercent(lift.interval95[1], 1)})`
            : "Set a holdout to see the difference the flow makes"
        }
      />
      <Figure
        label="CSAT after"
        value={results.csat.treated.mean === null ? "–" : `${results.csat.treated.mean.toFixed(1)}/5`}
        detail={
          results.tickets.avoided
            ? `Tickets avoided: ${results.tickets.avoided.value.toFixed(1)}`
            : `${results.csat.treated.responses} ratings`
        }
      />
    </InlineGrid>
  );
}

function Figure({ label, value, detail }: { label: string; value: string; detail: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
      <Text as="p" variant="bodySm" tone="subdued">
        {detail}
      </Text>
    </BlockStack>
  );
}

function OptionsCard({
  trigger,
  options,
  currencyCode,
}: {
  trigger: "SEGMENT_VIP" | "HAPPY_RATING";
  options: FlowOptions;
  currencyCode: string;
}) {
  const fetcher = useFetcher<{ ok: boolean; message: string; fieldErrors?: FieldErrors }>({
    key: `flow-options-${trigger}`,
  });
  const [withPerk, setWithPerk] = useState(options.perk !== null);
  const [kind, setKind] = useState<NonNullable<FlowOptions["perk"]>["kind"]>(options.perk?.kind ?? "PERCENTAGE");
  const [value, setValue] = useState(String(options.perk?.value ?? 10));
  const [days, setDays] = useState(String(options.perk?.expiresInDays ?? 60));
  const [reviewUrl, setReviewUrl] = useState(options.reviewUrl ?? "");
  const errors = fetcher.data?.fieldErrors ?? {};
  const submit = () =>
    fetcher.submit(
      {
        intent: "options",
        options: {
          perk:
            trigger === "SEGMENT_VIP" && withPerk
              ? { kind, value: kind === "FREE_SHIPPING" ? null : value, expiresInDays: days }
              : null,
          reviewUrl: trigger === "HAPPY_RATING" && reviewUrl.trim() ? reviewUrl.trim() : (options.reviewUrl ?? null),
        },
      },
      { method: "post", encType: "application/json" },
    );
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          {trigger === "SEGMENT_VIP" ? "A perk with the thank-you (optional)" : "Where the invitation points"}
        </Text>
        {trigger === "SEGMENT_VIP" ? (
          <BlockStack gap="200">
            <Checkbox
              label="Include a personal code, created in Shopify for this customer only (one use)"
              checked={withPerk}
              onChange={setWithPerk}
            />
            {withPerk ? (
              <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
                <Select
                  label="Kind"
                  options={[
                    { label: "Percentage off", value: "PERCENTAGE" },
                    { label: `Amount off (${currencyCode})`, value: "FIXED_AMOUNT" },
                    { label: "Free shipping", value: "FREE_SHIPPING" },
                  ]}
                  value={kind}
                  onChange={(next) => setKind(next as typeof kind)}
                />
                {kind !== "FREE_SHIPPING" ? (
                  <TextField
                    label="Value"
                    type="number"
                    autoComplete="off"
                    value={value}
                    onChange={setValue}
                    error={errors["options.perk.value"]}
                  />
                ) : null}
                <TextField
                  label="Valid for (days)"
                  type="number"
                  autoComplete="off"
                  value={days}
                  onChange={setDays}
                  error={errors["options.perk.expiresInDays"]}
                />
              </InlineGrid>
            ) : null}
          </BlockStack>
        ) : (
          <TextField
            label="Review page (your product reviews or a review site)"
            autoComplete="off"
            value={reviewUrl}
            onChange={setReviewUrl}
            placeholder="https://"
            helpText="Left empty, the invitation links to your store's home page."
            error={errors["options.reviewUrl"]}
          />
        )}
        <InlineStack gap="300" blockAlign="center">
          <Button onClick={submit} loading={fetcher.state !== "idle"}>
            Save options
          </Button>
          {fetcher.data ? (
            <Text as="span" tone={fetcher.data.ok ? "success" : "critical"}>
              {fetcher.data.message}
            </Text>
          ) : null}
        </InlineStack>
      </BlockStack>
    </Card>
  );
}
