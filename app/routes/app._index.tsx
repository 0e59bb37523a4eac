import { data, type ActionFunctionArgs, type LinksFunction, type LoaderFunctionArgs } from "@remix-run/node";
import vizStyles from "@shopify/polaris-viz/build/esm/styles.css?url";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Banner, Layout, Page } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getShopOverview } from "~/modules/shop/overview.server";
import { getClock } from "~/clock.server";
import { loadSetupGuide, saveOnboardingAnswers, setChecklistDismissed } from "~/modules/onboarding/onboarding.server";
import { SetupGuide, type SetupGuideResponse } from "~/components/onboarding/SetupGuide";
import prisma from "~/db.server";
import { resolvePeriod, PeriodError } from "~/modules/dashboard/period";
import { loadDashboard } from "~/modules/dashboard/dashboard.server";
import { DashboardFigures, PeriodPicker } from "~/components/dashboard/DashboardFigures";

// polaris-viz sizes its charts from its own stylesheet: loaded with the page so a chart never measures a bare box.
export const links: LinksFunction = () => [{ rel: "stylesheet", href: vizStyles }];

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  const now = getClock().now();
  const record = await prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  const params = new URL(request.url).searchParams;
  let period;
  let periodError: string | null = null;
  try {
    period = resolvePeriod(params, now, record?.ianaTimezone ?? "UTC");
  } catch (error) {
    if (!(error instanceof PeriodError)) throw error;
    periodError = error.message;
    period = resolvePeriod(new URLSearchParams(), now, record?.ianaTimezone ?? "UTC");
  }
  const [overview, guide, dashboard] = await Promise.all([
    getShopOverview(shop),
    loadSetupGuide(shop, admin, now),
    loadDashboard(shop, period),
  ]);
  return { shop, overview, guide, dashboard, periodError };
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

export default function Dashboard() {
  const { shop, overview, guide, dashboard, periodError } = useLoaderData<typeof loader>();
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
        {dashboard ? (
          <>
            <Layout.Section>
              <PeriodPicker period={dashboard.period} error={periodError} />
            </Layout.Section>
            <Layout.Section>
              <DashboardFigures data={dashboard} rejectedWebhooks={overview.rejectedWebhooks} />
            </Layout.Section>
          </>
        ) : (
          <Layout.Section>
            <Banner tone="warning">
              <p>Kindly has no record of this store yet: open it from the Shopify admin to finish installing.</p>
            </Banner>
          </Layout.Section>
        )}
      </Layout>
    </Page>
  );
}
