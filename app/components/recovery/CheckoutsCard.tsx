import { Badge, BlockStack, Box, Card, IndexTable, Link, Pagination, Text } from "@shopify/polaris";
import type { RecoveryCheckoutPage, RecoveryCheckoutRow } from "~/modules/recovery/timeline.server";
import { formatDateTime, formatMoney } from "~/components/recovery/format";
import { stopLabel } from "~/components/recovery/reasons";

function StateBadge({ row }: { row: RecoveryCheckoutRow }) {
  if (row.recovered) return <Badge tone="success">Recovered</Badge>;
  if (row.holdout) return <Badge>Holdout: no messages</Badge>;
  if (row.state === "ACTIVE") return <Badge tone="info">In progress</Badge>;
  if (row.state === "COMPLETED") return <Badge>All steps done</Badge>;
  return <Badge>{stopLabel(row.stopReason)}</Badge>;
}

export function CheckoutsCard({ page, timeZone }: { page: RecoveryCheckoutPage; timeZone: string }) {
  return (
    <Card padding="0">
      <BlockStack gap="0">
        <Box padding="400">
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Checkouts in the flow
            </Text>
            <Text as="p" tone="subdued">
              Newest first. Open one to see everything that happened: what was sent, skipped and why, opened, clicked,
              replied, ordered.
            </Text>
          </BlockStack>
        </Box>
        {page.rows.length === 0 ? (
          <Box padding="400" paddingBlockStart="0">
            <Text as="p">
              {page.total === 0
                ? "No checkout has entered the flow yet. When recovery is on, abandoned checkouts appear here."
                : "No checkouts on this page."}
            </Text>
          </Box>
        ) : (
          <>
            <IndexTable
              resourceName={{ singular: "checkout", plural: "checkouts" }}
              itemCount={page.rows.length}
              selectable={false}
              headings={[
                { title: "Shopper" },
                { title: "Entered the flow" },
                { title: "Status" },
                { title: "Messages sent", alignment: "end" },
                { title: "Order", alignment: "end" },
              ]}
            >
              {page.rows.map((row, index) => (
                <IndexTable.Row id={row.checkoutId} key={row.checkoutId} position={index}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Link url={`/app/recovery/${row.checkoutId}`} removeUnderline>
                        {row.label}
                      </Link>
                      {row.contact && row.contact !== row.label ? (
                        <Text as="span" tone="subdued" variant="bodySm">
                          {row.contact}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{formatDateTime(row.enteredAt, timeZone)}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <StateBadge row={row} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.messagesSent}
                    </Text>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Text as="span" alignment="end" numeric>
                      {row.revenue !== null ? formatMoney(row.revenue, row.currencyCode) : "–"}
                    </Text>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
            <Box padding="300">
              <Pagination
                hasPrevious={page.hasPrevious}
                previousURL={page.hasPrevious ? `?page=${page.page - 1}` : undefined}
                hasNext={page.hasNext}
                nextURL={page.hasNext ? `?page=${page.page + 1}` : undefined}
                label={`Page ${page.page} of ${page.pageCount}`}
              />
            </Box>
          </>
        )}
      </BlockStack>
    </Card>
  );
}
