import { lazy, Suspense, useEffect, useState, type ReactNode } from "react";
import { Box } from "@shopify/polaris";

/**
 * Charts load after hydration, in their own chunk, into boxes of fixed height: the figures (the page's largest
 * content) paint first and nothing moves when a chart arrives (no layout shift).
 */
const charts = () => import("./viz-charts");
const RecoveredRevenueChartLazy = lazy(() => charts().then((module) => ({ default: module.RecoveredRevenueChart })));
const FirstResponseChartLazy = lazy(() => charts().then((module) => ({ default: module.FirstResponseChart })));

function ChartBox({ label, children }: { label: string; children: ReactNode }) {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return (
    <Box minHeight="220px">
      <div style={{ height: 220 }} role="img" aria-label={label}>
        {mounted ? <Suspense fallback={null}>{children}</Suspense> : null}
      </div>
    </Box>
  );
}

export function RecoveredRevenueChart(props: {
  perDay: Array<{ day: string; revenue: number }>;
  currencyCode: string;
}) {
  return (
    <ChartBox label="Recovered revenue per day">
      <RecoveredRevenueChartLazy {...props} />
    </ChartBox>
  );
}

export function FirstResponseChart(props: { buckets: Record<string, number> }) {
  return (
    <ChartBox label="Conversations by time to first response">
      <FirstResponseChartLazy {...props} />
    </ChartBox>
  );
}
