import { BarChart, LineChart, PolarisVizProvider } from "@shopify/polaris-viz";

/** The dashboard's charts, loaded in the browser only after the figures are on screen (see Charts.tsx, which imports this module lazily). */

export function RecoveredRevenueChart({
  perDay,
  currencyCode,
}: {
  perDay: Array<{ day: string; revenue: number }>;
  currencyCode: string;
}) {
  const money = new Intl.NumberFormat("en", { style: "currency", currency: currencyCode, maximumFractionDigits: 0 });
  return (
    <PolarisVizProvider>
      <LineChart
        theme="Light"
        showLegend={false}
        data={[{ name: "Recovered revenue", data: perDay.map((point) => ({ key: point.day, value: point.revenue })) }]}
        yAxisOptions={{ labelFormatter: (value) => money.format(Number(value ?? 0)) }}
        xAxisOptions={{ labelFormatter: (value) => String(value ?? "").slice(5) }}
      />
    </PolarisVizProvider>
  );
}

export function FirstResponseChart({ buckets }: { buckets: Record<string, number> }) {
  return (
    <PolarisVizProvider>
      <BarChart
        theme="Light"
        showLegend={false}
        data={[
          {
            name: "Conversations",
            data: Object.entries(buckets).map(([bucket, count]) => ({ key: bucket, value: count })),
          },
        ]}
      />
    </PolarisVizProvider>
  );
}
