import { useState, type ReactNode } from "react";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link as RemixLink, useLoaderData, useNavigate, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { ClockBadge } from "~/components/inbox/ClockBadge";
import { CHANNEL_LABELS, STATUS_LABELS, formatWhen } from "~/components/inbox/format";
import { usePolling } from "~/components/inbox/usePolling";
import { inboxVersion, listConversations, touchStaffLastSeen } from "~/modules/inbox/inbox.server";
import { InboxQuerySchema } from "~/modules/inbox/schemas";
import { FIRST_RESPONSE_BUCKETS } from "~/modules/inbox/sla";
import { shopSla, slaReport } from "~/modules/inbox/sla.server";
import { staffFromSession } from "~/modules/inbox/staff.server";
import { authenticateAdmin } from "~/shopify.server";

/**
 * The inbox: every conversation (chat, email, SMS) with filters, search, unread counts and each one's SLA clock;
 * the SLA and CSAT figures of the last 30 days underneath.
 */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, session, demo } = await authenticateAdmin(request);
  const staff = staffFromSession(session, demo);
  const url = new URL(request.url);
  const query = InboxQuerySchema.parse(Object.fromEntries(url.searchParams));
  const now = getClock().now();
  await touchStaffLastSeen(shop, now);
  const from = new Date(now.getTime() - 30 * 24 * 60 * 60_000);
  const [list, report, sla, version, total, shopRow] = await Promise.all([
    listConversations(
      shop,
      {
        status: query.status,
        channel: query.channel,
        assignedTo: query.mine ? staff.id : null,
        vipFirst: query.vip,
        search: query.q,
        page: query.page,
      },
      now,
    ),
    slaReport(shop, from, now),
    shopSla(prisma, shop),
    inboxVersion(shop),
    prisma.conversation.count({ where: { shop } }),
    prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } }),
  ]);
  return {
    query,
    list,
    report,
    targets: sla.targets,
    businessHours: sla.hours ? `Business hours in ${sla.hours.timezone}` : "24/7 (no business hours set)",
    hoursError: sla.hoursError,
    version,
    total,
    staff,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
  };
};

export const meta: MetaFunction = () => [{ title: "Inbox · Kindly" }];

const STATUS_TABS = [
  { id: "OPEN", content: "Open" },
  { id: "WAITING", content: "Waiting on shopper" },
  { id: "CLOSED", content: "Closed" },
  { id: "ALL", content: "All" },
] as const;

export default function InboxPage() {
  const { query, list, report, targets, businessHours, hoursError, version, total, timeZone } =
    useLoaderData<typeof loader>();
  const [searchParams, setSearchParams] = useSearchParams();
  const navigate = useNavigate();
  const [search, setSearch] = useState(query.q);
  usePolling("/app/inbox/updates", version);

  const setParam = (name: string, value: string | null) => {
    const next = new URLSearchParams(searchParams);
    if (value === null) next.delete(name);
    else next.set(name, value);
    next.delete("page");
    setSearchParams(next);
  };
  const selectedTab = Math.max(
    0,
    STATUS_TABS.findIndex((tab) => tab.id === query.status),
  );
  const counts: Record<string, number | undefined> = list.counts;

  return (
    <Page
      title="Inbox"
      subtitle={list.unread > 0 ? `${list.unread} unread ${list.unread === 1 ? "message" : "messages"}` : undefined}
      secondaryActions={[{ content: "Saved replies", url: "/app/inbox/replies" }]}
    >
      <Layout>
        <Layout.Section>
          <Card padding="0">
            <Tabs
              tabs={STATUS_TABS.map((tab) => ({
                id: tab.id,
                content: counts[tab.id] !== undefined ? `${tab.content} (${counts[tab.id]})` : tab.content,
              }))}
              selected={selectedTab}
              onSelect={(index) => setParam("status", STATUS_TABS[index].id)}
            />
            <Box padding="400">
              <BlockStack gap="300">
                <Form method="get" onSubmit={(event) => event.preventDefault()}>
                  <InlineGrid columns={{ xs: 1, md: "2fr 1fr" }} gap="300">
                    <TextField
                      label="Search"
                      labelHidden
                      placeholder="Search by name, email, phone, subject or message"
                      value={search}
                      onChange={setSearch}
                      autoComplete="off"
                      clearButton
                      onClearButtonClick={() => {
                        setSearch("");
                        setParam("q", null);
                      }}
                      connectedRight={<Button onClick={() => setParam("q", search.trim() || null)}>Search</Button>}
                    />
                    <Select
                      label="Channel"
                      labelInline
                      options={[
                        { label: "All channels", value: "ALL" },
                        { label: "Chat", value: "CHAT" },
                        { label: "Email", value: "EMAIL" },
                        { label: "SMS", value: "SMS" },
                      ]}
                      value={query.channel}
                      onChange={(value) => setParam("channel", value === "ALL" ? null : value)}
                    />
                  </InlineGrid>
                </Form>
                <InlineStack gap="400">
                  <Checkbox
                    label="Assigned to me"
                    checked={query.mine}
                    onChange={(on) => setParam("mine", on ? "1" : null)}
                  />
                  <Checkbox label="VIP first" checked={query.vip} onChange={(on) => setParam("vip", on ? null : "0")} />
                </InlineStack>
              </BlockStack>
            </Box>
            {list.rows.length === 0 ? (
              <Box padding="600">
                <BlockStack gap="200" inlineAlign="center">
                  <Text as="h2" variant="headingMd">
                    {total === 0 ? "No conversations yet" : "Nothing matches"}
                  </Text>
                  <Text as="p" tone="subdued" alignment="center">
                    {total === 0
                      ? "Chat messages from your store, replies to Kindly's emails and answers to its texts arrive here."
                      : "No conversation matches these filters. Try another tab or clear the search."}
                  </Text>
                </BlockStack>
              </Box>
            ) : (
              <ul aria-label="Conversations" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                {list.rows.map((row) => (
                  <li key={row.id} style={{ borderTop: "1px solid var(--p-color-border-secondary)" }}>
                    <RemixLink
                      to={`/app/inbox/${row.id}`}
                      style={{ display: "block", padding: "12px 16px", color: "inherit", textDecoration: "none" }}
                      aria-label={`Conversation with ${row.contact}`}
                    >
                      <BlockStack gap="100">
                        <InlineStack gap="200" align="space-between" blockAlign="center" wrap={false}>
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="span" variant="bodyMd" fontWeight={row.unreadCount > 0 ? "bold" : "regular"}>
                              {row.contact}
                            </Text>
                            {row.vip ? <Badge tone="magic">VIP</Badge> : null}
                            <Badge>{CHANNEL_LABELS[row.channel] ?? row.channel}</Badge>
                            {row.unreadCount > 0 ? <Badge tone="info">{`${row.unreadCount} new`}</Badge> : null}
                          </InlineStack>
                          <Text as="span" tone="subdued" variant="bodySm">
                            {formatWhen(row.lastMessageAt, timeZone)}
                          </Text>
                        </InlineStack>
                        {row.subject ? (
                          <Text as="span" variant="bodySm" fontWeight="semibold">
                            {row.subject}
                          </Text>
                        ) : null}
                        <Text as="span" tone="subdued" variant="bodySm" truncate>
                          {row.preview || "(no text)"}
                        </Text>
                        <InlineStack gap="200">
                          <Badge>{STATUS_LABELS[row.status] ?? row.status}</Badge>
                          <ClockBadge clock={row.clock} />
                          {row.assigneeName ? <Badge>{`Assigned: ${row.assigneeName}`}</Badge> : null}
                          {row.csatScore !== null ? (
                            <Badge
                              tone={row.csatScore <= 2 ? "critical" : "success"}
                            >{`CSAT ${row.csatScore}/5`}</Badge>
                          ) : null}
                        </InlineStack>
                      </BlockStack>
                    </RemixLink>
                  </li>
                ))}
              </ul>
            )}
            {list.page > 1 || list.hasNext ? (
              <Box padding="400">
                <InlineStack gap="200" align="center">
                  <Button
                    disabled={list.page <= 1}
                    onClick={() => navigate(`?${withPage(searchParams, list.page - 1)}`)}
                  >
                    Previous
                  </Button>
                  <Button
                    disabled={!list.hasNext}
                    onClick={() => navigate(`?${withPage(searchParams, list.page + 1)}`)}
                  >
                    Next
                  </Button>
                </InlineStack>
              </Box>
            ) : null}
          </Card>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Service levels, last 30 days
                </Text>
                <Figure label="Conversations" value={String(report.conversations)} />
                <Figure
                  label={`First response within target (goal ${report.goalPercent} %)`}
                  value={
                    report.firstResponseAttainment === null ? "No answers yet" : `${report.firstResponseAttainment} %`
                  }
                  tone={
                    report.firstResponseAttainment === null
                      ? undefined
                      : report.firstResponseAttainment >= report.goalPercent
                        ? "success"
                        : "critical"
                  }
                />
                <Figure
                  label="Resolved within target"
                  value={report.resolutionAttainment === null ? "None closed yet" : `${report.resolutionAttainment} %`}
                />
                <BlockStack gap="100">
                  <Text as="h3" variant="headingSm">
                    First response time
                  </Text>
                  <table style={{ width: "100%", borderCollapse: "collapse" }}>
                    <tbody>
                      {FIRST_RESPONSE_BUCKETS.map((bucket) => (
                        <tr key={bucket}>
                          <td>
                            <Text as="span" variant="bodySm">
                              {bucket}
                            </Text>
                          </td>
                          <td style={{ textAlign: "right" }}>
                            <Text as="span" variant="bodySm">
                              {report.buckets[bucket]}
                            </Text>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </BlockStack>
                <Figure
                  label="Satisfaction (CSAT)"
                  value={
                    report.csat.average === null
                      ? "No answers yet"
                      : `${report.csat.average.toFixed(1)} / 5 from ${report.csat.responses} (${Math.round((report.csat.satisfied / report.csat.responses) * 100)} % satisfied)`
                  }
                />
                <Text as="p" tone="subdued" variant="bodySm">
                  Targets: first response {minutes(targets.firstResponseMinutes)} (
                  {minutes(targets.vipFirstResponseMinutes)} for VIP customers), resolution{" "}
                  {minutes(targets.resolutionMinutes)}. {businessHours}.
                </Text>
                {hoursError ? (
                  <Text as="p" tone="critical" variant="bodySm">
                    Business hours could not be read ({hoursError}); clocks run 24/7 until fixed.
                  </Text>
                ) : null}
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function withPage(params: URLSearchParams, page: number): string {
  const next = new URLSearchParams(params);
  next.set("page", String(page));
  return next.toString();
}

function minutes(value: number): string {
  return value % 60 === 0 ? `${value / 60} h` : `${value} min`;
}

function Figure({ label, value, tone }: { label: string; value: ReactNode; tone?: "success" | "critical" }) {
  return (
    <InlineStack align="space-between" gap="200" wrap={false}>
      <Text as="span" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="bodySm" fontWeight="semibold" tone={tone}>
        {value}
      </Text>
    </InlineStack>
  );
}
