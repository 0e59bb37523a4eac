import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Banner, BlockStack, Card, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getShopOverview } from "~/modules/shop/overview.server";
import { getClock } from "~/clock.server";
import { loadSetupGuide, saveOnboardingAnswers, setChecklistDismissed } from "~/modules/onboarding/onboarding.server";
import { SetupGuide, type SetupGuideResponse } from "~/components/onboarding/SetupGuide";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  const now = getClock().now();
  const [overview, guide] = await Promise.all([getShopOverview(shop), loadSetupGuide(shop, admin, now)]);
  return { shop, overview, guide };
};

const GuideAction = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("answers"), answers: z.unknown() }),
  z.object({ intent: z.literal("dismiss") }),
  z.object({ intent: z.literal("recall") }),
  z.object({ intent: z.literal("recheck") }),
]);

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  const parsed = GuideAction.safeParse(await request.json().catch(() => null));
  if (!parsed.success) {
    return data<SetupGuideResponse>({ ok: false, fieldErrors: { form: "Bad request" } }, { status: 400 });
  }
  const now = getClock().now();
  switch (parsed.data.intent) {
    case "answers": {
      const saved = await saveOnboardingAnswers(shop, parsed.data.answers, now);
      return data<SetupGuideResponse>(saved, { status: saved.ok ? 200 : 400 });
    }
    case "dismiss":
    case "recall":
      await setChecklistDismissed(shop, parsed.data.intent === "dismiss", now);
      return data<SetupGuideResponse>({ ok: true });
    case "recheck":
      await loadSetupGuide(shop, admin, now, { refresh: true });
      return data<SetupGuideResponse>({ ok: true });
  }
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
  const { shop, overview, guide } = useLoaderData<typeof loader>();
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
          <SetupGuide guide={guide} />
        </Layout.Section>
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
