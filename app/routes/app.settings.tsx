import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, Layout, Link, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getShopSettingsView } from "~/modules/shop/overview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  return { settings: await getShopSettingsView(shop) };
};

function Row({ label, value }: { label: string; value: string }) {
  return (
    <BlockStack gap="050">
      <Text as="dt" variant="headingSm">
        {label}
      </Text>
      <Text as="dd">{value}</Text>
    </BlockStack>
  );
}

export default function SettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  return (
    <Page title="Settings">
      <Layout>
        <Layout.Section>
          <Card>
            {settings ? (
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Current settings
                </Text>
                <dl style={{ display: "grid", gap: "12px", margin: 0 }}>
                  <Row
                    label="Sender"
                    value={
                      settings.senderEmail ? `${settings.senderName ?? ""} <${settings.senderEmail}>` : "Not configured"
                    }
                  />
                  <Row
                    label="Email delivery (SMTP)"
                    value={settings.smtpConfigured ? "Configured" : "Not configured"}
                  />
                  <Row
                    label="SMS (Twilio)"
                    value={
                      settings.smsConfigured
                        ? `Configured, sending from ${settings.twilioFromNumber ?? "?"}`
                        : "Not configured"
                    }
                  />
                  <Row label="Quiet hours" value={settings.quietHours} />
                  <Row
                    label="Frequency cap"
                    value={`At most one recovery sequence per contact every ${settings.frequencyCapHours} h`}
                  />
                  <Row
                    label="Consent policy"
                    value={
                      settings.consentPolicy === "SUBSCRIBED_ONLY"
                        ? "Only contacts subscribed to marketing"
                        : settings.consentPolicy
                    }
                  />
                  <Row label="Support targets" value={settings.sla} />
                </dl>
                <Text as="p" tone="subdued">
                  Editing these settings arrives with the settings page; secrets are never shown here, only whether they
                  are set.
                </Text>
              </BlockStack>
            ) : (
              <Text as="p">
                This shop has no settings yet: open Kindly from the Shopify admin to finish installing.
              </Text>
            )}
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Privacy requests
              </Text>
              <Text as="p">
                When a customer asks Shopify for their data, Kindly prepares an export of what it holds on them.{" "}
                <Link url="/app/privacy">See privacy requests</Link>
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
