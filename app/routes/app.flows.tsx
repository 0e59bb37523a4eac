import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, DataTable, Layout, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getClock } from "~/clock.server";
import { flowsPage, type FlowSummary } from "~/modules/flows/flows.server";
import { formatMoney, formatPercent } from "~/components/recovery/format";

const REPORT_DAYS = 30;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  return flowsPage(shop, getClock().now(), REPORT_DAYS);
};

function editPath(flow: FlowSummary): string {
  return flow.trigger === "CHECKOUT_ABANDONED" ? "/app/recovery" : `/app/flows/${flow.slug}`;
}

function rate(value: number | null): string {
  return value === null ? "–" : formatPercent(value, 0);
}

function result(flow: FlowSummary, currencyCode: string): string {
  if (flow.recovery) {
    const base = `${flow.recovery.recovered} recovered, ${formatMoney(flow.recovery.revenue, currencyCode)}`;
    return flow.recovery.incrementalRevenue === null
      ? base
      : `${base} (incremental ${formatMoney(flow.recovery.incrementalRevenue, currencyCode)})`;
  }
  const care = flow.care;
  if (!care) return "–";
  const parts = [
    `Ordered again: ${rate(care.repeatPurchase.treated)}${flow.heldOut > 0 ? ` vs ${rate(care.repeatPurchase.holdout)} held out` : ""}`,
  ];
  if (care.csat.treated.mean !== null) parts.push(`CSAT ${care.csat.treated.mean.toFixed(1)}/5`);
  if (care.tickets.avoided) parts.push(`tickets avoided ${care.tickets.avoided.value.toFixed(1)}`);
  return parts.join(" · ");
}

export default function FlowsPage() {
  const { flows, currencyCode, frequencyCapHours } = useLoaderData<typeof loader>();
  return (
    <Page
      title="Flows"
      subtitle="Every moment Kindly writes to your customers: one engine, the same guards, each flow measured against its own holdout."
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="p">
                Every flow is off until you turn it on, and every message can be edited. Whatever the flows, a customer
                never gets two Kindly messages within {frequencyCapHours} hours (the frequency cap in Settings), never
                during quiet hours, never without the consent the message needs, and never after they unsubscribed. When
                they write back, a person takes over and their planned messages stop.
              </Text>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric", "numeric", "text", "text"]}
                headings={["Flow", "Status", "Entered (30 days)", "Held out", "Messages sent", "Results", ""]}
                rows={flows.map((flow) => [
                  <BlockStack key={flow.trigger} gap="050">
                    <Text as="span" fontWeight="semibold">
                      {flow.name}
                    </Text>
                    <Text as="span" tone="subdued" variant="bodySm">
                      {flow.description}
                    </Text>
                  </BlockStack>,
                  <BlockStack key={`status-${flow.trigger}`} gap="050">
                    <Badge tone={flow.enabled ? "success" : undefined}>{flow.enabled ? "On" : "Off"}</Badge>
                    {flow.holdoutPercent > 0 ? (
                      <Text as="span" tone="subdued" variant="bodySm">
                        {`Holdout ${flow.holdoutPercent} %`}
                      </Text>
                    ) : null}
                  </BlockStack>,
                  flow.entered,
                  flow.heldOut,
                  flow.messagesSent,
                  result(flow, currencyCode),
                  <RemixLink key={`edit-${flow.trigger}`} to={editPath(flow)}>
                    Edit
                  </RemixLink>,
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
