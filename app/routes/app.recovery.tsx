import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, type ShouldRevalidateFunction } from "@remix-run/react";
import { Badge, BlockStack, Button, InlineStack, Layout, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getClock } from "~/clock.server";
import { loadRecoveryEditor, saveRecoverySettings, setRecoveryEnabled } from "~/modules/recovery/editor.server";
import { fieldErrorsFrom, MAX_STEPS, RecoveryActionSchema, RecoverySettingsSchema } from "~/modules/recovery/editor";
import { previewForShop, previewStepsForShop, sendStepTest } from "~/modules/recovery/preview.server";
import { recoveryReport } from "~/modules/recovery/report.server";
import { listRecoveryCheckouts } from "~/modules/recovery/timeline.server";
import { StatusCard } from "~/components/recovery/StatusCard";
import { ConsentPolicyCard, HoldoutCard, QuietHoursCard } from "~/components/recovery/SettingsCards";
import { RecoveryFigures } from "~/components/recovery/RecoveryFigures";
import { CheckoutsCard } from "~/components/recovery/CheckoutsCard";
import { storedFlowVersion, useFlowDraft } from "~/components/recovery/useFlowDraft";
import { EditableSteps } from "~/components/recovery/EditableSteps";
import type { RecoveryActionResponse, SaveResponse } from "~/components/recovery/types";

const REPORT_DAYS = 30;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const editor = await loadRecoveryEditor(shop);
  if (!editor)
    throw new Response("Kindly has no record of this store yet: open it from the Shopify admin to finish installing.", {
      status: 404,
    });
  const page = Number(new URL(request.url).searchParams.get("page") ?? "1");
  const now = getClock().now();
  const [previews, report, checkouts] = await Promise.all([
    previewStepsForShop(shop, editor.steps),
    recoveryReport(shop, new Date(now.getTime() - REPORT_DAYS * 86_400_000), now),
    listRecoveryCheckouts(shop, page),
  ]);
  return { editor, previews: previews ?? [], report, checkouts };
};

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, session, demo } = await authenticateAdmin(request);
  const parsed = RecoveryActionSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    const body: RecoveryActionResponse = {
      intent: "invalid",
      ok: false,
      message: Object.values(fieldErrorsFrom(parsed.error))[0] ?? "Bad request",
    };
    return data(body, { status: 400 });
  }
  const input = parsed.data;
  switch (input.intent) {
    case "save": {
      const saved = await saveRecoverySettings(shop, input.settings);
      if (saved.result === "INVALID") {
        const body: SaveResponse = {
          intent: "save",
          ok: false,
          fieldErrors: saved.fieldErrors,
          message: "Nothing was saved: fix the highlighted fields.",
        };
        return data(body, { status: 400 });
      }
      if (saved.result === "SHOP_NOT_FOUND") throw new Response("Store not found", { status: 404 });
      const body: SaveResponse = { intent: "save", ok: true, message: savedMessage(saved) };
      return body;
    }
    case "preview": {
      const previews = await previewForShop(shop, input.step);
      if (!previews) throw new Response("Store not found", { status: 404 });
      const body: RecoveryActionResponse = { intent: "preview", ok: true, previews };
      return body;
    }
    case "enable":
    case "disable": {
      const switched = await setRecoveryEnabled(shop, input.intent === "enable");
      if (switched.result === "SHOP_NOT_FOUND") throw new Response("Store not found", { status: 404 });
      const message =
        switched.result === "DISABLED"
          ? `Recovery is off. ${switched.stoppedRuns === 1 ? "1 sequence in progress was" : `${switched.stoppedRuns} sequences in progress were`} stopped.`
          : switched.result === "ENABLED"
            ? "Recovery is on: checkouts abandoned from now on get the steps below."
            : `Recovery was already ${switched.result === "ALREADY_ENABLED" ? "on" : "off"}.`;
      const body: RecoveryActionResponse = { intent: input.intent, ok: true, message };
      return body;
    }
    case "test": {
      // The staff member's own address when the session carries it (online tokens). The demo acts as the store with
      // its offline session, so the store's email is used there (and by sendStepTest whenever no staff email is known).
      const staffEmail = demo ? null : (session.onlineAccessInfo?.associated_user.email ?? null);
      const sent = await sendStepTest(shop, input.step, input.locale, {
        email: staffEmail,
        phone: input.phone ?? null,
      });
      const body: RecoveryActionResponse = { intent: "test", ok: sent.result === "SENT", message: testMessage(sent) };
      return data(body, { status: sent.result === "SENT" ? 200 : sent.result === "SEND_FAILED" ? 502 : 400 });
    }
  }
};

function savedMessage(saved: { steps: number; runsResynced: number; runsStopped: number }): string {
  const parts = [`Saved ${saved.steps} ${saved.steps === 1 ? "step" : "steps"}.`];
  if (saved.runsResynced > 0) parts.push(`${saved.runsResynced} checkouts in progress follow the new steps.`);
  if (saved.runsStopped > 0) {
    parts.push(
      `The order of the steps changed, so the ${saved.runsStopped} sequences in progress were ended rather than risk a message twice; new checkouts follow the new steps.`,
    );
  }
  return parts.join(" ");
}

function testMessage(sent: Awaited<ReturnType<typeof sendStepTest>>): string {
  switch (sent.result) {
    case "SENT":
      return sent.channel === "EMAIL" ? `Test email sent to ${sent.to}.` : `Test SMS sent to ${sent.to}.`;
    case "NO_RECIPIENT":
      return sent.channel === "EMAIL"
        ? "No email address is known for you or your store, so the test has nowhere to go."
        : "Enter your mobile number to receive the test SMS.";
    case "TEMPLATE_ERROR":
      return `The template cannot be rendered: ${sent.message}`;
    case "SEND_FAILED":
      return sent.code === "NOT_CONFIGURED" || sent.code === "INVALID_SENDER"
        ? `Not sent: ${sent.message}. Connect a sender in Settings first.`
        : `Not sent: ${sent.message}`;
    case "SHOP_NOT_FOUND":
      return "Store not found.";
  }
}

/**
 * Previews and test sends change nothing the loader reads, so they do not reload the page's data (the report and
 * the checkouts list would otherwise be recomputed on every pause in typing).
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ json, defaultShouldRevalidate }) => {
  const intent = json && typeof json === "object" && "intent" in json ? json.intent : null;
  if (intent === "preview" || intent === "test") return false;
  return defaultShouldRevalidate;
};

export default function RecoveryPage() {
  const loaderData = useLoaderData<typeof loader>();
  // Held here, above the keyed editor, so the save's answer ("Saved 4 steps") survives the editor starting again.
  const save = useFetcher<SaveResponse>({ key: "recovery-save" });
  return <RecoveryEditorPage key={storedFlowVersion(loaderData.editor)} data={loaderData} save={save} />;
}

function RecoveryEditorPage({
  data: loaded,
  save,
}: {
  data: ReturnType<typeof useLoaderData<typeof loader>>;
  save: ReturnType<typeof useFetcher<SaveResponse>>;
}) {
  const { editor, previews, report, checkouts } = loaded;
  const flow = useFlowDraft({ editor, previews, save, schema: RecoverySettingsSchema });
  const { draft, dirty, errors, errorCount, change, addStep, submit, discard } = flow;

  return (
    <Page
      title="Recovery"
      subtitle="Helpful follow-up on abandoned checkouts: a conversation, not a sales pitch."
      titleMetadata={dirty ? <Badge tone="attention">Unsaved changes</Badge> : undefined}
      primaryAction={{
        content: "Save",
        onAction: submit,
        loading: save.state !== "idle",
        disabled: !dirty && errorCount === 0,
      }}
      secondaryActions={dirty ? [{ content: "Discard changes", onAction: discard }] : []}
    >
      <Layout>
        <Layout.Section>
          <StatusCard
            enabled={editor.enabled}
            activeRuns={editor.activeRuns}
            channels={editor.channels}
            sendingEnabled={editor.sendingEnabled}
            hasSmsStep={draft.steps.some((step) => step.channel === "SMS")}
          />
        </Layout.Section>
        <Layout.Section>
          <RecoveryFigures report={report} currencyCode={editor.currencyCode} holdoutPercent={editor.holdoutPercent} />
        </Layout.Section>

        <Layout.Section>
          <BlockStack gap="400">
            <BlockStack gap="100">
              <Text as="h2" variant="headingLg">
                Steps
              </Text>
              <Text as="p" tone="subdued">
                Delays count from the shopper's last activity on their checkout. Steps are put in order of their delay
                when you save. Every step is checked again when it is due (still no order? consent? quiet hours?).
              </Text>
            </BlockStack>
            <EditableSteps flow={flow} />
            <InlineStack gap="300" blockAlign="center">
              <Button onClick={addStep} disabled={draft.steps.length >= MAX_STEPS}>
                Add a step
              </Button>
              {editor.activeRuns > 0 ? (
                <Text as="p" tone="subdued">
                  {editor.activeRuns === 1 ? "1 checkout is" : `${editor.activeRuns} checkouts are`} in the flow: edits
                  to wording, delays and channels apply to their remaining steps; changing the order of steps ends their
                  sequences instead.
                </Text>
              ) : null}
            </InlineStack>
          </BlockStack>
        </Layout.Section>

        <Layout.Section>
          <ConsentPolicyCard
            value={draft.consentPolicy}
            error={errors.consentPolicy}
            onChange={(consentPolicy) => change({ ...draft, consentPolicy })}
          />
        </Layout.Section>
        <Layout.Section>
          <HoldoutCard
            value={draft.holdoutPercent}
            error={errors.holdoutPercent}
            onChange={(holdoutPercent) => change({ ...draft, holdoutPercent })}
          />
        </Layout.Section>
        <Layout.Section>
          <QuietHoursCard quietHours={editor.quietHours} frequencyCapHours={editor.frequencyCapHours} />
        </Layout.Section>
        <Layout.Section>
          <CheckoutsCard page={checkouts} timeZone={editor.timeZone} />
        </Layout.Section>
        <Layout.Section>
          <InlineStack align="end">
            <Button
              variant="primary"
              onClick={submit}
              loading={save.state !== "idle"}
              disabled={!dirty && errorCount === 0}
            >
              Save
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
