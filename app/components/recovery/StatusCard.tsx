import { useFetcher } from "@remix-run/react";
import { Badge, Banner, BlockStack, Button, Card, InlineStack, Text } from "@shopify/polaris";
import type { BadRequestResponse, ToggleResponse } from "~/components/recovery/types";

export function StatusCard({
  enabled,
  activeRuns,
  channels,
  sendingEnabled,
  hasSmsStep,
}: {
  enabled: boolean;
  activeRuns: number;
  channels: { emailConfigured: boolean; smsConfigured: boolean };
  sendingEnabled: boolean;
  hasSmsStep: boolean;
}) {
  const toggle = useFetcher<ToggleResponse | BadRequestResponse>({ key: "recovery-toggle" });
  const busy = toggle.state !== "idle";
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <InlineStack gap="200" blockAlign="center">
            <Text as="h2" variant="headingMd">
              Abandoned-checkout recovery
            </Text>
            <Badge tone={enabled ? "success" : undefined}>{enabled ? "On" : "Off"}</Badge>
          </InlineStack>
          <Button
            variant={enabled ? "secondary" : "primary"}
            tone={enabled ? "critical" : undefined}
            loading={busy}
            onClick={() =>
              toggle.submit({ intent: enabled ? "disable" : "enable" }, { method: "post", encType: "application/json" })
            }
          >
            {enabled ? "Turn off recovery" : "Turn on recovery"}
          </Button>
        </InlineStack>
        {enabled ? (
          <Banner tone="info">
            <p>
              Kindly follows up on every checkout abandoned with an email or phone number: each step below is sent at
              its delay after the shopper's last activity, and the sequence stops as soon as they order, reply or
              unsubscribe. {activeRuns === 1 ? "1 checkout is" : `${activeRuns} checkouts are`} in the flow right now;
              turning recovery off stops them all at once.
            </p>
          </Banner>
        ) : (
          <Banner tone="info" title="Nothing is sent while recovery is off">
            <p>
              Turning it on makes Kindly follow up on checkouts abandoned from then on (earlier ones are left alone):
              each step below goes out at its delay after the shopper's last activity, only to contacts your consent
              policy allows, and stops as soon as they order, reply or unsubscribe. Review the messages first; you can
              turn it off at any time.
            </p>
          </Banner>
        )}
        {!sendingEnabled ? (
          <Banner tone="critical">
            <p>
              Sending is stopped for this store (Kindly was uninstalled): nothing is sent until it is installed again.
            </p>
          </Banner>
        ) : null}
        {!channels.emailConfigured ? (
          <Banner tone="warning">
            <p>No email sender is connected yet: email steps cannot be sent until one is set up in Settings.</p>
          </Banner>
        ) : null}
        {hasSmsStep && !channels.smsConfigured ? (
          <Banner tone="warning">
            <p>No SMS provider is connected: the SMS step cannot be sent until Twilio is set up in Settings.</p>
          </Banner>
        ) : null}
        {toggle.state === "idle" && toggle.data && !toggle.data.ok ? (
          <Banner tone="critical">
            <p>{toggle.data.message}</p>
          </Banner>
        ) : null}
        {toggle.state === "idle" && toggle.data?.ok ? (
          <Text as="p" tone="subdued" aria-live="polite">
            {toggle.data.message}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}
