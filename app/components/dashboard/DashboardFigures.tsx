import { useState, type ReactNode } from "react";
import { Form } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineError,
  InlineGrid,
  InlineStack,
  Link,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import type { DashboardData } from "~/modules/dashboard/dashboard.server";
import { FirstResponseChart, RecoveredRevenueChart } from "./Charts";

const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 1000) / 10} %`);
const count = (value: number) => value.toLocaleString("en");

function formatMinutes(minutes: number | null): string {
  if (minutes === null) return "–";
  if (minutes < 60) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.round((minutes / 60) * 10) / 10} h`;
  return `${Math.round(minutes / 1440)} days`;
}

/** One figure, linking to the list it counts. */
function Figure({ label, value, url, hint }: { label: string; value: string; url: string; hint?: string }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Link url={url} removeUnderline monochrome>
          <Text as="p" variant="headingXl">
            {value}
          </Text>
        </Link>
        {hint ? (
          <Text as="p" variant="bodySm" tone="subdued">
            {hint}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function Section({
  title,
  url,
  action,
  children,
}: {
  title: string;
  url: string;
  action: string;
  children: ReactNode;
}) {
  return (
    <BlockStack gap="300">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h2" variant="headingMd">
          {title}
        </Text>
        <Link url={url}>{action}</Link>
      </InlineStack>
      {children}
    </BlockStack>
  );
}

export function PeriodPicker({ period, error }: { period: DashboardData["period"]; error: string | null }) {
  const [key, setKey] = useState(period.key);
  const [from, setFrom] = useState(period.firstDay);
  const [to, setTo] = useState(period.lastDay);
  return (
    <Form method="get">
      <InlineStack gap="300" blockAlign="end">
        <Box minWidth="200px">
          <Select
            label="Period"
            name="period"
            options={[
              { label: "Last 7 days", value: "7" },
              { label: "Last 30 days", value: "30" },
              { label: "Last 90 days", value: "90" },
              { label: "Custom range", value: "custom" },
            ]}
            value={key}
            onChange={(value) => setKey(value as typeof key)}
          />
        </Box>
        {key === "custom" ? (
          <>
            <TextField label="From" name="from" type="date" autoComplete="off" value={from} onChange={setFrom} />
            <TextField label="To" name="to" type="date" autoComplete="off" value={to} onChange={setTo} />
          </>
        ) : null}
        <Button submit>Show</Button>
        <Text as="span" tone="subdued" variant="bodySm">
          {period.firstDay} to {period.lastDay} ({period.timezone})
        </Text>
      </InlineStack>
      {error ? <InlineError message={error} fieldID="period" /> : null}
    </Form>
  );
}

export function DashboardFigures({ data, rejectedWebhooks }: { data: DashboardData; rejectedWebhooks: number }) {
  const money = new Intl.NumberFormat("en", { style: "currency", currency: data.currencyCode });
  const { recovery, support, customers } = data;
  const lift = recovery.lift;
  return (
    <BlockStack gap="600">
      <Section title="Checkout recovery" url="/app/recovery" action="See checkouts">
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          <Figure label="Abandoned checkouts" value={count(recovery.checkoutsCreated)} url="/app/recovery" />
          <Figure
            label="Contacted"
            value={count(recovery.contacted)}
            url="/app/recovery"
            hint={`${count(recovery.checkoutsInFlow)} eligible, ${count(recovery.holdoutCheckouts)} held out`}
          />
          <Figure
            label="Recovered"
            value={count(recovery.recovered)}
            url="/app/recovery"
            hint={`Recovery rate ${percent(recovery.recoveryRate)}`}
          />
          <Figure
            label="Recovered revenue"
            value={money.format(recovery.recoveredRevenue)}
            url="/app/recovery"
            hint={
              lift
                ? `Incremental ${money.format(lift.incrementalRevenue)} (95 %: ${money.format(lift.interval95[0])} to ${money.format(lift.interval95[1])})`
                : "Attributed to the last message before the order"
            }
          />
        </InlineGrid>
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Recovered revenue per day
            </Text>
            <RecoveredRevenueChart perDay={recovery.perDay} currencyCode={data.currencyCode} />
          </BlockStack>
        </Card>
        {recovery.byStep.length > 0 ? (
          <Card padding="0">
            <DataTable
              columnContentTypes={["text", "text", "numeric", "numeric"]}
              headings={["Step", "Channel", "Recovered", "Revenue"]}
              rows={recovery.byStep.map((row) => [
                `Step ${row.step}`,
                row.channel,
                count(row.recovered),
                money.format(row.revenue),
              ])}
            />
          </Card>
        ) : null}
      </Section>

      <Section title="Messages" url="/app/recovery" action="See the timeline of each checkout">
        <Card padding="0">
          {data.messages.length === 0 ? (
            <Box padding="400">
              <Text as="p" tone="subdued">
                No message was sent in this period.
              </Text>
            </Box>
          ) : (
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "numeric"]}
              headings={["Channel", "Sent", "Delivered", "Opened (people)", "Clicked", "Replied", "Unsubscribed"]}
              rows={data.messages.map((row) => [
                row.channel === "EMAIL" ? "Email" : row.channel === "SMS" ? "SMS" : row.channel,
                count(row.sent),
                count(row.delivered),
                row.channel === "EMAIL"
                  ? `${count(row.humanOpens)} (${percent(row.sent ? row.humanOpens / row.sent : null)})`
                  : "–",
                `${count(row.clicks)} (${percent(row.sent ? row.clicks / row.sent : null)})`,
                `${count(row.replies)} (${percent(row.sent ? row.replies / row.sent : null)})`,
                count(row.unsubscribes),
              ])}
            />
          )}
        </Card>
      </Section>

      <Section title="Support" url="/app/inbox?status=ALL" action="Open the inbox">
        <InlineGrid columns={{ xs: 2, md: 4 }} gap="300">
          <Figure label="Conversations" value={count(support.conversations)} url="/app/inbox?status=ALL" />
          <Figure
            label="First response (median)"
            value={formatMinutes(support.firstResponseMedianMinutes)}
            url="/app/inbox?status=ALL"
            hint={`${count(support.answered)} answered`}
          />
          <Figure
            label="Within SLA"
            value={support.firstResponseAttainment === null ? "–" : `${support.firstResponseAttainment} %`}
            url="/app/inbox?status=OPEN"
            hint={`Goal ${support.goalPercent} %`}
          />
          <Figure
            label="Satisfaction (CSAT)"
            value={support.csat.average === null ? "–" : `${Math.round(support.csat.average * 10) / 10} / 5`}
            url="/app/inbox?status=CLOSED"
            hint={`${count(support.csat.responses)} ratings: ${Object.entries(support.csatDistribution)
              .map(([score, n]) => `${score}★ ${n}`)
              .join(", ")}`}
          />
        </InlineGrid>
        <Card>
          <BlockStack gap="200">
            <Text as="h3" variant="headingSm">
              Time to first response
            </Text>
            <FirstResponseChart buckets={support.buckets} />
          </BlockStack>
        </Card>
      </Section>

      <Section title="Customers" url="/app/customers" action="See segments">
        {customers.total === 0 ? (
          <Card>
            <Text as="p" tone="subdued">
              No customers imported yet: import them from the Customers page to see segments and lifetime value.
            </Text>
          </Card>
        ) : (
          <>
            <InlineGrid columns={{ xs: 2, md: 3 }} gap="300">
              <Figure label="Customers" value={count(customers.total)} url="/app/customers" />
              <Figure label="At risk" value={count(customers.atRisk)} url="/app/customers?segment=AT_RISK" />
              <Figure
                label="Predicted lifetime value"
                value={money.format(customers.predictedClv)}
                url="/app/customers"
                hint="All customers, next 12 months"
              />
            </InlineGrid>
            <Card padding="0">
              <DataTable
                columnContentTypes={["text", "numeric", "numeric"]}
                headings={["Segment", "Customers", "Predicted CLV"]}
                rows={customers.segments.map((row) => [
                  <Link key={row.segment} url={`/app/customers?segment=${row.segment}`}>
                    {row.label}
                  </Link>,
                  count(row.count),
                  money.format(row.predictedClv),
                ])}
              />
            </Card>
          </>
        )}
      </Section>
      {rejectedWebhooks > 0 ? (
        <InlineStack gap="200">
          <Badge tone="warning">{`${count(rejectedWebhooks)} webhooks rejected`}</Badge>
          <Text as="span" tone="subdued">
            Signed deliveries Kindly could not use (kept for review).
          </Text>
        </InlineStack>
      ) : null}
    </BlockStack>
  );
}
