import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Badge, BlockStack, Card, InlineStack, Layout, List, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { checkoutTimeline } from "~/modules/recovery/timeline.server";
import { Timeline } from "~/components/recovery/Timeline";
import { formatDateTime, formatMoney, stepLabel } from "~/components/recovery/format";
import { stopLabel } from "~/components/recovery/reasons";

/**
 * One checkout's recovery timeline. The file name's trailing underscore keeps it out of the Recovery page's layout
 * (flat routes): it is a page of its own at /app/recovery/:checkoutId, not a child rendered inside the editor.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const timeline = params.checkoutId ? await checkoutTimeline(shop, params.checkoutId) : null;
  // Another shop's checkout is indistinguishable from one that does not exist.
  if (!timeline) throw new Response("This checkout is not in your store's recovery flow.", { status: 404 });
  return { timeline };
};

export const meta: MetaFunction = () => [{ title: "Checkout timeline · Recovery · Kindly" }];

function RunBadge({ run }: { run: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["timeline"]["run"]> }) {
  if (run.recovered) return <Badge tone="success">Recovered</Badge>;
  if (run.holdout) return <Badge>Holdout: no messages</Badge>;
  if (run.state === "ACTIVE") return <Badge tone="info">In progress</Badge>;
  if (run.state === "COMPLETED") return <Badge>All steps done</Badge>;
  return <Badge>{stopLabel(run.stopReason)}</Badge>;
}

export default function CheckoutTimelinePage() {
  const { timeline } = useLoaderData<typeof loader>();
  const { checkout, run, upcoming, timeZone } = timeline;
  return (
    <Page
      title={checkout.label}
      titleMetadata={run ? <RunBadge run={run} /> : <Badge>Not in the flow</Badge>}
      subtitle={`Abandoned checkout, ${formatMoney(checkout.total, checkout.currencyCode)}`}
      backAction={{ content: "Recovery", url: "/app/recovery" }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  Timeline
                </Text>
                <Text as="p" tone="subdued" variant="bodySm">
                  Times in your store's time zone ({timeZone}).
                </Text>
              </BlockStack>
              {!run ? (
                <Text as="p" tone="subdued">
                  This checkout has not entered the recovery flow (recovery was off, or it had no email or phone number
                  when it was abandoned), so Kindly planned nothing for it.
                </Text>
              ) : null}
              <Timeline timeline={timeline} />
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Checkout
                </Text>
                <dl style={{ display: "grid", gap: 8, margin: 0 }}>
                  <Detail label="Email" value={checkout.email ?? "None"} />
                  <Detail label="Phone" value={checkout.phone ?? "None"} />
                  <Detail label="Language" value={checkout.locale ?? "Not given (the store's language is used)"} />
                  <Detail label="Status" value={checkout.status === "COMPLETED" ? "Completed by an order" : "Open"} />
                </dl>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Still planned
                </Text>
                {upcoming.length === 0 ? (
                  <Text as="p" tone="subdued">
                    Nothing: no further message will be sent for this checkout.
                  </Text>
                ) : (
                  <List>
                    {upcoming.map((step) => (
                      <List.Item key={step.step}>
                        <InlineStack gap="100" blockAlign="center">
                          <span>
                            {stepLabel(step.step, step.channel)}, due {formatDateTime(step.dueAt, timeZone)}
                          </span>
                          {step.deferred ? <Badge tone="attention">Deferred</Badge> : null}
                        </InlineStack>
                      </List.Item>
                    ))}
                  </List>
                )}
                <Text as="p" tone="subdued" variant="bodySm">
                  Each step is checked again when it is due: it is skipped (with the reason shown here) if the shopper
                  has ordered, replied, unsubscribed or cannot be messaged.
                </Text>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Detail({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text as="dt" variant="headingSm">
        {label}
      </Text>
      <Text as="dd">{value}</Text>
    </div>
  );
}
