import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BlockStack, Card, IndexTable, Layout, Link, Page, Text } from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { listDataRequests } from "~/modules/privacy/data-request.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const requests = await listDataRequests(shop);
  return { requests: requests.map((row) => ({ ...row, requestedAt: row.requestedAt.toISOString() })) };
};

export default function PrivacyRequests() {
  const { requests } = useLoaderData<typeof loader>();
  return (
    <Page title="Privacy requests" backAction={{ content: "Settings", url: "/app/settings" }}>
      <Layout>
        <Layout.Section>
          <Card padding="0">
            {requests.length === 0 ? (
              <BlockStack gap="200">
                <div style={{ padding: 16 }}>
                  <Text as="p">
                    No customer has asked for their data yet. When Shopify forwards a request, its export appears here
                    for you to send to the customer.
                  </Text>
                </div>
              </BlockStack>
            ) : (
              <IndexTable
                resourceName={{ singular: "request", plural: "requests" }}
                itemCount={requests.length}
                selectable={false}
                headings={[{ title: "Received" }, { title: "Customer" }, { title: "Export" }]}
              >
                {requests.map((row, index) => (
                  <IndexTable.Row id={row.id} key={row.id} position={index}>
                    <IndexTable.Cell>{new Date(row.requestedAt).toUTCString()}</IndexTable.Cell>
                    <IndexTable.Cell>{row.shopifyCustomerId ?? "unknown id"}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <Link url={`/app/privacy/${row.id}`} target="_blank" removeUnderline>
                        Download JSON
                      </Link>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
