import { Badge, BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import type { CheckoutTimeline, TimelineEvent } from "~/modules/recovery/timeline.server";
import { formatDateTime, formatMoney, stepLabel } from "~/components/recovery/format";
import { deferSentence, skipSentence, stopSentence } from "~/components/recovery/reasons";

type Tone = "success" | "critical" | "warning" | "info" | "attention" | undefined;

interface Described {
  title: string;
  detail?: string;
  tone?: Tone;
  tag?: string;
}

const MACHINE_REASONS: Record<string, string> = {
  PREFETCH_WINDOW: "fetched within seconds of delivery, before a person could have read it",
  PRIVACY_PROXY: "fetched by a mail privacy proxy that loads every image",
  LINK_SCANNER: "fetched by a security scanner",
  BOT: "fetched by an automated client",
};

function listSteps(steps: number[]): string {
  const names = steps.map((step) => `step ${step + 1}`);
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** Every event kind in words. Shopper-provided strings (address, subject) are rendered by React, i.e. escaped. */
export function describeEvent(event: TimelineEvent, timeZone: string): Described {
  const when = (iso: string) => formatDateTime(iso, timeZone);
  switch (event.kind) {
    case "CHECKOUT_CREATED":
      return {
        title: "Checkout started",
        detail: `${event.itemCount} ${event.itemCount === 1 ? "item" : "items"}, ${formatMoney(event.total, event.currencyCode)}.`,
      };
    case "CHECKOUT_UPDATED":
      return { title: "Checkout last updated", detail: "Step delays count from the shopper's last activity." };
    case "ENTERED_FLOW":
      return event.holdout
        ? {
            title: "Entered the recovery flow, in the holdout group",
            detail:
              "This checkout receives no message: comparing holdout checkouts with the others measures what recovery adds.",
            tag: "Holdout",
          }
        : { title: "Entered the recovery flow" };
    case "STEP_SCHEDULED":
      return { title: `${stepLabel(event.step, event.channel)} planned`, detail: `Due ${when(event.dueAt)}.` };
    case "STEP_DEFERRED":
      return {
        title: `${stepLabel(event.step, event.channel)} deferred`,
        detail: `${deferSentence(event.reason)} Moved from ${when(event.from)} to ${when(event.to)}.`,
        tone: "attention",
      };
    case "STEP_SKIPPED":
      return {
        title: `${stepLabel(event.step, event.channel)} skipped`,
        detail: skipSentence(event.reason, event.channel),
        tone: "warning",
      };
    case "STEP_SENDING":
      return {
        title: `${stepLabel(event.step, event.channel)} being sent`,
        detail: "A worker is handling it right now.",
        tone: "info",
      };
    case "MESSAGE_SENT":
      return {
        title: `${stepLabel(event.step, event.channel)} sent to ${event.to}`,
        detail: event.subject ? `Subject: ${event.subject}` : undefined,
        tone: "info",
        tag: "Sent",
      };
    case "MESSAGE_FAILED":
      return {
        title: `${stepLabel(event.step, event.channel)} failed`,
        detail: `${event.error ? `The provider said: ${event.error}` : "The provider refused it."} Tried ${event.attempts} ${event.attempts === 1 ? "time" : "times"}; nothing more is attempted for this step.`,
        tone: "critical",
        tag: "Failed",
      };
    case "MESSAGE_IN_REVIEW":
      return {
        title: `${stepLabel(event.step, event.channel)} set aside for review`,
        detail: `${event.error ?? "Sending was interrupted."} Whether it reached the shopper is unknown, so it is not resent automatically.`,
        tone: "critical",
        tag: "Review",
      };
    case "DELIVERED":
      return { title: `${stepLabel(event.step, event.channel)} delivered` };
    case "OPENED":
      return { title: `${stepLabel(event.step, event.channel)} opened by the shopper`, tone: "success", tag: "Opened" };
    case "MACHINE_OPENED":
      return {
        title: `${stepLabel(event.step, event.channel)} opened by a privacy proxy, not counted`,
        detail: `${event.agent ? `${event.agent}: ` : ""}${MACHINE_REASONS[event.reason ?? ""] ?? "fetched automatically"}. A machine open says nothing about the shopper, so it does not count as engagement.`,
        tag: "Machine open",
      };
    case "CLICKED":
      return {
        title: `${stepLabel(event.step, event.channel)}: the shopper clicked a link`,
        tone: "success",
        tag: "Clicked",
      };
    case "MACHINE_CLICKED":
      return {
        title: `${stepLabel(event.step, event.channel)}: a link was checked by a scanner, not counted`,
        detail: event.agent ? `${event.agent}.` : undefined,
        tag: "Machine click",
      };
    case "REPLIED":
      return {
        title: `The shopper replied to ${stepLabel(event.step, event.channel).toLowerCase()}`,
        detail: "The conversation went to the inbox, where a person takes over.",
        tone: "success",
        tag: "Replied",
      };
    case "UNSUBSCRIBED":
      return {
        title: `The shopper unsubscribed (from ${stepLabel(event.step, event.channel).toLowerCase()})`,
        tone: "warning",
        tag: "Unsubscribed",
      };
    case "BOUNCED":
      return {
        title: `${stepLabel(event.step, event.channel)} bounced`,
        detail: event.detail ? `The receiving server said: ${event.detail}` : undefined,
        tone: "critical",
      };
    case "RUN_STOPPED":
      return {
        title: "Sequence stopped",
        detail: `${stopSentence(event.reason)}${event.cancelledSteps.length > 0 ? ` ${capitalise(listSteps(event.cancelledSteps))} ${event.cancelledSteps.length === 1 ? "was" : "were"} cancelled.` : ""}`,
      };
    case "ORDER_PLACED": {
      const order = event.orderName ? `Order ${event.orderName}` : "An order";
      const revenue = event.revenue !== null ? ` for ${formatMoney(event.revenue, event.currencyCode)}` : "";
      if (event.recovered) {
        return {
          title: `Recovered: ${order.charAt(0).toLowerCase()}${order.slice(1)} placed${revenue}`,
          detail: event.attributed
            ? `Attributed to ${stepLabel(event.attributed.step, event.attributed.channel).toLowerCase()}, the last message before the order.`
            : undefined,
          tone: "success",
          tag: "Recovered",
        };
      }
      return {
        title: `${order} placed${revenue}`,
        detail: "No message had been sent before it, so it does not count as recovered.",
        tone: "success",
      };
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function Timeline({ timeline }: { timeline: CheckoutTimeline }) {
  return (
    <ol aria-label="What happened to this checkout" style={{ listStyle: "none", margin: 0, padding: 0 }}>
      {timeline.events.map((event, index) => {
        const described = describeEvent(event, timeline.timeZone);
        return (
          <li
            key={`${event.kind}-${index}`}
            style={{ borderInlineStart: "2px solid #e3e3e3", paddingInlineStart: 16, paddingBlockEnd: 16 }}
          >
            <BlockStack gap="100">
              <Text as="p" variant="bodySm" tone="subdued">
                <time dateTime={event.at}>{formatDateTime(event.at, timeline.timeZone)}</time>
              </Text>
              <InlineStack gap="200" blockAlign="center">
                <Text as="h3" variant="headingSm">
                  {described.title}
                </Text>
                {described.tag ? <Badge tone={described.tone}>{described.tag}</Badge> : null}
              </InlineStack>
              {described.detail ? (
                <Box maxWidth="720px">
                  <Text as="p">{described.detail}</Text>
                </Box>
              ) : null}
            </BlockStack>
          </li>
        );
      })}
    </ol>
  );
}
