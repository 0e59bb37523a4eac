import { BlockStack, Card, DataTable, InlineGrid, Text } from "@shopify/polaris";
import type { RecoveryReport } from "~/modules/recovery/report.server";
import { channelLabel, formatMoney, formatPercent } from "~/components/recovery/format";

function Figure({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="h3" variant="headingSm" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingXl">
        {value}
      </Text>
      {detail ? (
        <Text as="p" variant="bodySm" tone="subdued">
          {detail}
        </Text>
      ) : null}
    </BlockStack>
  );
}

/** The last 30 days, from `recoveryReport`. Only figures the database holds; an empty period says so. */
export function RecoveryFigures({
  report,
  currencyCode,
  holdoutPercent,
}: {
  report: RecoveryReport;
  currencyCode: string;
  holdoutPercent: number;
}) {
  const nothingYet = report.checkoutsInFlow === 0 && report.holdoutCheckouts === 0;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          Last 30 days
        </Text>
        {nothingYet ? (
          <Text as="p" tone="subdued">
            No checkout has entered the recovery flow in the last 30 days, so there is nothing to report yet. Figures
            appear here once recovery is on and shoppers leave checkouts.
          </Text>
        ) : (
          <>
            <InlineGrid columns={{ xs: 2, md: 5 }} gap="400">
              <Figure
                label="Checkouts in the flow"
                value={report.checkoutsInFlow.toLocaleString("en")}
                detail={
                  report.holdoutCheckouts > 0
                    ? `plus ${report.holdoutCheckouts.toLocaleString("en")} in the holdout`
                    : undefined
                }
              />
              <Figure
                label="Contacted"
                value={report.contacted.toLocaleString("en")}
                detail="received at least one message"
              />
              <Figure
                label="Recovered"
                value={report.recovered.toLocaleString("en")}
                detail="ordered after a message"
              />
              <Figure
                label="Recovered revenue"
                value={formatMoney(report.recoveredRevenue, currencyCode)}
                detail="attributed to the last message"
              />
              <Figure
                label="Recovery rate"
                value={report.recoveryRate === null ? "–" : formatPercent(report.recoveryRate)}
                detail={report.recoveryRate === null ? "nobody contacted yet" : "recovered ÷ contacted"}
              />
            </InlineGrid>
            {report.byStep.length > 0 ? (
              <DataTable
                columnContentTypes={["text", "text", "numeric", "numeric"]}
                headings={["Step", "Channel", "Recovered", "Revenue"]}
                rows={report.byStep.map((row) => [
                  row.step >= 0 ? `Step ${row.step + 1}` : "Unknown step",
                  channelLabel(row.channel),
                  row.recovered.toLocaleString("en"),
                  formatMoney(row.revenue, currencyCode),
                ])}
              />
            ) : (
              <Text as="p" tone="subdued">
                No recovered order yet in this period, so there is no breakdown by step.
              </Text>
            )}
            <Incremental report={report} currencyCode={currencyCode} holdoutPercent={holdoutPercent} />
          </>
        )}
      </BlockStack>
    </Card>
  );
}

function Incremental({
  report,
  currencyCode,
  holdoutPercent,
}: {
  report: RecoveryReport;
  currencyCode: string;
  holdoutPercent: number;
}) {
  if (report.lift) {
    const [low, high] = report.lift.interval95;
    return (
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm">
          Incremental revenue (against the holdout)
        </Text>
        <Text as="p" variant="headingLg">
          {formatMoney(report.lift.incrementalRevenue, currencyCode)}
        </Text>
        <Text as="p" tone="subdued">
          95 % interval: {formatMoney(low, currencyCode)} to {formatMoney(high, currencyCode)}. Checkouts that got
          messages brought {formatMoney(report.lift.revenuePerCheckoutTreated, currencyCode)} each on average, holdout
          checkouts {formatMoney(report.lift.revenuePerCheckoutHoldout, currencyCode)}
          {low <= 0 && high >= 0
            ? "; the interval includes zero, so the difference is not yet distinguishable from chance."
            : "."}
        </Text>
      </BlockStack>
    );
  }
  return (
    <Text as="p" tone="subdued">
      {report.holdoutCheckouts > 0
        ? "Incremental revenue needs at least two checkouts in each group; the holdout is still too small to estimate it."
        : holdoutPercent > 0
          ? "No checkout has landed in the holdout yet in this period, so incremental revenue cannot be estimated yet."
          : "Set a holdout share below to measure incremental revenue, not only orders that followed a message."}
    </Text>
  );
}
