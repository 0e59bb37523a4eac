import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Banner, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getShopOverview } from "~/modules/shop/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  return { shop, overview: await getShopOverview(shop) };
};

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value.toLocaleString("en")}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Dashboard() {
  const { shop, overview } = useLoaderData<typeof loader>();
  return (
    <Page title="Dashboard" subtitle={overview.shopName ?? shop}>
      <Layout>
        {!overview.sendingEnabled ? (
          <Layout.Section>
            <Banner tone="warning" title="Sending is stopped for this shop">
              <p>Kindly sends nothing for a shop that uninstalled it. Reinstalling resumes it.</p>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <Text as="h2" variant="headingMd">
            What Kindly holds for your store
          </Text>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="400">
            <Figure label="Customers" value={overview.customers} />
            <Figure label="Orders" value={overview.orders} />
            <Figure label="Open checkouts" value={overview.openCheckouts} />
            <Figure label="Conversations" value={overview.conversations} />
            <Figure label="Webhooks rejected" value={overview.rejectedWebhooks} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Results
              </Text>
              <Text as="p" tone="subdued">
                Recovery rate, recovered revenue, reply rate, first response time, SLA, CSAT and lifetime value appear
                here once recovery, the inbox and customer segments are running. Until then there is nothing to report,
                so Kindly shows no numbers rather than made-up ones.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
