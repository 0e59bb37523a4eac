import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { customerTimeline, type TimelineRun, type TimelineStep } from "~/modules/flows/timeline.server";
import { deferSentence, skipSentence, stopSentence } from "~/components/recovery/reasons";
import { channelLabel, formatDateTime } from "~/components/recovery/format";

/** Every message Kindly sent a customer (or planned and did not send), by flow, and why. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const timeline = await customerTimeline(shop, params.customerId ?? "");
  if (!timeline) throw new Response("Customer not found", { status: 404 });
  return timeline;
};

function stepLine(step: TimelineStep, timeZone: string): string {
  switch (step.state) {
    case "SENT":
      return `Sent ${step.sentAt ? formatDateTime(step.sentAt, timeZone) : ""}${step.subject ? `: “${step.subject}”` : ""}${step.toAddress ? ` to ${step.toAddress}` : ""}`;
    case "PENDING":
      return `Planned for ${formatDateTime(step.dueAt, timeZone)}${step.reason ? ` (${deferSentence(step.reason)})` : ""}`;
    case "SKIPPED":
    case "CANCELLED":
      return `Not sent (due ${formatDateTime(step.dueAt, timeZone)}): ${skipSentence(step.reason ?? "UNKNOWN", step.channel === "SMS" ? "SMS" : "EMAIL")}`;
    case "FAILED":
      return `Failed to send (due ${formatDateTime(step.dueAt, timeZone)}).`;
    case "REVIEW":
      return `Delivery unknown (the worker stopped while sending), set aside for review.`;
    default:
      return "Being sent.";
  }
}

function engagementLine(step: TimelineStep, timeZone: string): string | null {
  if (step.engagement.length === 0) return null;
  const words: Record<string, string> = {
    OPEN: "opened",
    CLICK: "clicked",
    REPLY: "replied",
    UNSUBSCRIBE: "unsubscribed",
    BOUNCE: "bounced",
    DELIVERED: "delivered",
    RATING: "rated",
  };
  return step.engagement
    .map(
      (event) =>
        `${words[event.type] ?? event.type.toLowerCase()}${event.score ? ` ${event.score}/5` : ""} ${formatDateTime(event.at, timeZone)}`,
    )
    .join(" · ");
}

function RunCard({ run, timeZone }: { run: TimelineRun; timeZone: string }) {
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Text as="h3" variant="headingMd">
            {run.flowName}
          </Text>
          {run.holdout ? <Badge tone="info">Holdout: receives nothing</Badge> : null}
          <Badge tone={run.state === "ACTIVE" ? "attention" : undefined}>
            {run.state === "ACTIVE" ? "In progress" : run.state === "STOPPED" ? "Stopped" : "Finished"}
          </Badge>
        </InlineStack>
        <Text as="p">
          Why: {run.why}, {formatDateTime(run.enteredAt, timeZone)}.
        </Text>
        {run.steps.length > 0 ? (
          <List>
            {run.steps.map((step) => {
              const engagement = engagementLine(step, timeZone);
              return (
                <List.Item key={`${run.runId}-${step.position}`}>
                  {`Step ${step.position + 1} (${channelLabel(step.channel)}): ${stepLine(step, timeZone)}`}
                  {engagement ? ` The customer ${engagement}.` : ""}
                </List.Item>
              );
            })}
          </List>
        ) : null}
        {run.stopReason && run.stoppedAt ? (
          <Text as="p" tone="subdued">
            {`Stopped ${formatDateTime(run.stoppedAt, timeZone)}: ${stopSentence(run.stopReason)}`}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function CustomerTimelinePage() {
  const timeline = useLoaderData<typeof loader>();
  const { customer } = timeline;
  return (
    <Page
      title={customer.name}
      subtitle={[customer.email, customer.phone].filter(Boolean).join(" · ")}
      backAction={{ content: "Customers", url: "/app/customers" }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Every message Kindly sent, and why
              </Text>
              <Text as="p">
                {`${timeline.messagesSent} ${timeline.messagesSent === 1 ? "message" : "messages"} sent. Segment: ${customer.segment ?? "unknown"}. Email marketing: ${customer.emailMarketingState ?? "unknown"}; SMS marketing: ${customer.smsMarketingState ?? "unknown"}.`}
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <BlockStack gap="300">
            {timeline.runs.length === 0 ? (
              <Card>
                <Text as="p" tone="subdued">
                  Kindly has not planned any message for this customer.
                </Text>
              </Card>
            ) : (
              timeline.runs.map((run) => <RunCard key={run.runId} run={run} timeZone={timeline.timeZone} />)
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
