import { useEffect, useRef, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { ClockBadge } from "~/components/inbox/ClockBadge";
import { CHANNEL_LABELS, STATUS_LABELS, formatWhen } from "~/components/inbox/format";
import { usePolling } from "~/components/inbox/usePolling";
import { Timeline } from "~/components/recovery/Timeline";
import { formatMoney } from "~/components/recovery/format";
import {
  addInternalNote,
  assignConversation,
  closeConversation,
  offerApologyDiscount,
  reopenConversation,
  retryDelivery,
  sendStaffReply,
} from "~/modules/inbox/actions.server";
import { LOW_CSAT_SCORE } from "~/modules/inbox/csat.server";
import { formatBytes } from "~/modules/inbox/display";
import { faqSuggestions } from "~/modules/inbox/faq-suggestions.server";
import {
  conversationDetail,
  conversationVersion,
  markConversationRead,
  touchStaffLastSeen,
  type MessageView,
} from "~/modules/inbox/inbox.server";
import { listSavedReplies } from "~/modules/inbox/saved-replies.server";
import { ConversationActionSchema, type InboxActionResponse } from "~/modules/inbox/schemas";
import { knownStaff, staffFromSession } from "~/modules/inbox/staff.server";
import { checkoutTimeline } from "~/modules/recovery/timeline.server";
import { authenticateAdmin } from "~/shopify.server";

/**
 * One conversation: the thread (shopper text escaped, email HTML sanitised and shown in a sandboxed frame), the
 * reply box on the conversation's channel with a draft kept per conversation, notes, assignment, close/reopen,
 * saved replies and FAQ suggestions; the customer, their checkout's recovery timeline, the SLA clock and CSAT.
 * The file name's trailing underscore makes it a page of its own, not a child rendered inside the list.
 */

const notFound = () => new Response("This conversation is not in your inbox.", { status: 404 });

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, session, demo, admin } = await authenticateAdmin(request);
  const id = params.id ?? "";
  const now = getClock().now();
  const loadImages = new URL(request.url).searchParams.get("images") === "1";
  const detail = await conversationDetail(shop, id, now, { loadImages });
  // Another shop's conversation is indistinguishable from one that does not exist.
  if (!detail) throw notFound();
  await Promise.all([markConversationRead(shop, id), touchStaffLastSeen(shop, now)]);
  const lastShopper = [...detail.messages].reverse().find((m) => m.author === "SHOPPER" && m.kind === "MESSAGE");
  const staff = staffFromSession(session, demo);
  const [suggestions, savedReplies, timeline, version, shopRow, team] = await Promise.all([
    faqSuggestions(shop, admin, lastShopper?.text ?? null, detail.conversation.locale),
    listSavedReplies(shop),
    detail.conversation.checkoutId ? checkoutTimeline(shop, detail.conversation.checkoutId) : null,
    conversationVersion(shop, id),
    prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true, currencyCode: true } }),
    knownStaff(shop, staff),
  ]);
  return {
    ...detail,
    suggestions,
    savedReplies,
    timeline,
    version: version ?? "",
    staff,
    team,
    loadImages,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
    currencyCode: shopRow?.currencyCode ?? "USD",
    lowScore: LOW_CSAT_SCORE,
  };
};

export const meta: MetaFunction<typeof loader> = ({ data: loaded }) => [
  {
    title: `${loaded?.conversation.contactName ?? loaded?.conversation.contactEmail ?? "Conversation"} · Inbox · Kindly`,
  },
];

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, session, demo, admin } = await authenticateAdmin(request);
  const id = params.id ?? "";
  const staff = staffFromSession(session, demo);
  const now = getClock().now();
  const parsed = ConversationActionSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "That request was not understood.";
    return data<InboxActionResponse>({ ok: false, message }, { status: 400 });
  }
  const input = parsed.data;
  switch (input.intent) {
    case "reply": {
      const sent = await sendStaffReply(shop, id, staff, input.body, now);
      if (sent.result === "NOT_FOUND") throw notFound();
      if (sent.result === "EMPTY")
        return data<InboxActionResponse>({ ok: false, message: "Write a reply first." }, { status: 400 });
      if (sent.result === "FAILED") {
        // The reply is kept on the conversation with the reason; nothing the merchant wrote is lost.
        return { ok: false, message: `Saved but not delivered: ${sent.reason}` } satisfies InboxActionResponse;
      }
      return { ok: true, message: "Reply sent." } satisfies InboxActionResponse;
    }
    case "note": {
      const noted = await addInternalNote(shop, id, staff, input.body, now);
      if (noted.result === "NOT_FOUND") throw notFound();
      if (noted.result === "EMPTY")
        return data<InboxActionResponse>({ ok: false, message: "Write a note first." }, { status: 400 });
      return { ok: true, message: "Note added (only your team sees it)." } satisfies InboxActionResponse;
    }
    case "assign": {
      // Only someone known to this shop's inbox can be picked (never a made-up id from the request).
      const assignee = (await knownStaff(shop, staff)).find((member) => member.id === input.staffId);
      if (!assignee) {
        return data<InboxActionResponse>({ ok: false, message: "Unknown staff member." }, { status: 400 });
      }
      const assigned = await assignConversation(shop, id, assignee, staff, now);
      if (assigned === "NOT_FOUND") throw notFound();
      return { ok: true, message: `Assigned to ${assignee.name}.` } satisfies InboxActionResponse;
    }
    case "assign-me":
    case "unassign": {
      const assigned = await assignConversation(shop, id, input.intent === "assign-me" ? staff : null, staff, now);
      if (assigned === "NOT_FOUND") throw notFound();
      return {
        ok: true,
        message: assigned === "ASSIGNED" ? `Assigned to ${staff.name}.` : "Unassigned.",
      } satisfies InboxActionResponse;
    }
    case "close": {
      const closed = await closeConversation(shop, id, staff, now);
      if (closed.result === "NOT_FOUND") throw notFound();
      if (closed.result === "ALREADY_CLOSED")
        return { ok: true, message: "Already closed." } satisfies InboxActionResponse;
      const survey: Record<string, string> = {
        REQUESTED: "The satisfaction survey was sent.",
        ALREADY_REQUESTED: "The survey was already sent once for this conversation.",
        SUPPRESSED: "No survey: this shopper opted out of messages.",
        NO_CONTACT: "No survey: no contact address.",
        FAILED: "The survey could not be delivered (see the message).",
      };
      return {
        ok: true,
        message: `Closed. ${closed.survey ? survey[closed.survey] : ""}`.trim(),
      } satisfies InboxActionResponse;
    }
    case "reopen": {
      const reopened = await reopenConversation(shop, id, staff, now);
      if (reopened === "NOT_FOUND") throw notFound();
      return {
        ok: true,
        message: reopened === "REOPENED" ? "Reopened." : "Already open.",
      } satisfies InboxActionResponse;
    }
    case "retry": {
      const retried = await retryDelivery(shop, id, input.messageId);
      if (retried.result === "NOT_FOUND") throw notFound();
      if (retried.result === "FAILED")
        return { ok: false, message: `Still not delivered: ${retried.reason}` } satisfies InboxActionResponse;
      return { ok: true, message: "Delivered." } satisfies InboxActionResponse;
    }
    case "apology": {
      const offered = await offerApologyDiscount(admin, shop, id, staff, input, now);
      switch (offered.result) {
        case "NOT_FOUND":
          throw notFound();
        case "NOT_LOW_SCORE":
          return data<InboxActionResponse>(
            { ok: false, message: "An apology code is offered after a low rating only." },
            { status: 400 },
          );
        case "NO_CUSTOMER":
          return data<InboxActionResponse>(
            {
              ok: false,
              message: "This conversation is not linked to a customer, so a personal code cannot be created.",
            },
            { status: 400 },
          );
        case "REFUSED":
          return data<InboxActionResponse>({ ok: false, message: offered.message }, { status: 400 });
        case "CREATED":
          return {
            ok: true,
            message: `Code ${offered.code} created.`,
            code: offered.code,
            expiresAt: offered.expiresAt.toISOString(),
          } satisfies InboxActionResponse & { code: string; expiresAt: string };
      }
    }
  }
};

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ConversationPage() {
  const loaded = useLoaderData<typeof loader>();
  const { conversation, clock, messages, timeline, suggestions, savedReplies, timeZone } = loaded;
  const fetcher = useFetcher<InboxActionResponse & { code?: string; expiresAt?: string }>();
  const [searchParams] = useSearchParams();
  usePolling(`/app/inbox/updates?id=${encodeURIComponent(conversation.id)}`, loaded.version);
  const draftKey = `kindly.inbox.draft.${conversation.id}`;
  const [draft, setDraft] = useState("");
  const [mode, setMode] = useState<"reply" | "note">("reply");
  const busy = fetcher.state !== "idle";

  // The draft survives reloads and navigation: kept in localStorage per conversation until it is sent.
  useEffect(() => {
    setDraft(window.localStorage.getItem(draftKey) ?? "");
  }, [draftKey]);
  const updateDraft = (value: string) => {
    setDraft(value);
    if (value) window.localStorage.setItem(draftKey, value);
    else window.localStorage.removeItem(draftKey);
  };
  const insert = (text: string) => updateDraft(draft.trim() ? `${draft.trimEnd()}\n\n${text}` : text);

  const lastIntent = useRef<string | null>(null);
  const submit = (body: Record<string, unknown> & { intent: string }) => {
    lastIntent.current = body.intent;
    fetcher.submit(body as Parameters<typeof fetcher.submit>[0], { method: "post", encType: "application/json" });
  };

  // A sent reply or note clears the draft; a failed one keeps it.
  useEffect(() => {
    if (
      fetcher.state === "idle" &&
      fetcher.data?.ok &&
      (lastIntent.current === "reply" || lastIntent.current === "note")
    ) {
      setDraft("");
      window.localStorage.removeItem(draftKey);
    }
    if (fetcher.state === "idle" && fetcher.data?.code) {
      const until = fetcher.data.expiresAt ? new Date(fetcher.data.expiresAt).toLocaleDateString("en-GB") : "";
      setDraft((current) => {
        const next = `${current.trim() ? `${current.trimEnd()}\n\n` : ""}I'm sorry we let you down. Here is a personal code for your next order: ${fetcher.data?.code}${until ? ` (valid until ${until})` : ""}.`;
        window.localStorage.setItem(draftKey, next);
        return next;
      });
    }
    // Only when a submission finishes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data]);

  const closed = conversation.status === "CLOSED";
  const contact =
    conversation.contactName ?? conversation.contactEmail ?? conversation.contactPhone ?? "Storefront visitor";
  const channelVerb =
    conversation.channel === "EMAIL" ? "Send email" : conversation.channel === "SMS" ? "Send SMS" : "Send to chat";

  return (
    <Page
      title={contact}
      titleMetadata={
        <InlineStack gap="200">
          <Badge>{CHANNEL_LABELS[conversation.channel] ?? conversation.channel}</Badge>
          <Badge tone={closed ? undefined : "attention"}>
            {STATUS_LABELS[conversation.status] ?? conversation.status}
          </Badge>
          {conversation.vip ? <Badge tone="magic">VIP</Badge> : null}
          <ClockBadge clock={clock} />
        </InlineStack>
      }
      subtitle={conversation.subject ?? undefined}
      backAction={{ content: "Inbox", url: "/app/inbox" }}
      primaryAction={
        closed
          ? { content: "Reopen", onAction: () => submit({ intent: "reopen" }), loading: busy }
          : { content: "Close", onAction: () => submit({ intent: "close" }), loading: busy }
      }
      secondaryActions={[
        conversation.assigneeId === loaded.staff.id
          ? { content: "Unassign", onAction: () => submit({ intent: "unassign" }) }
          : { content: "Assign to me", onAction: () => submit({ intent: "assign-me" }) },
      ]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {fetcher.data && fetcher.state === "idle" ? (
              <Banner tone={fetcher.data.ok ? "success" : "critical"}>
                <p role="status">{fetcher.data.message}</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Conversation
                  </Text>
                  <Select
                    label="Assigned to"
                    labelInline
                    options={[
                      { label: "Nobody", value: "" },
                      ...loaded.team.map((member) => ({
                        label: member.id === loaded.staff.id ? `${member.name} (me)` : member.name,
                        value: member.id,
                      })),
                      ...(conversation.assigneeId &&
                      !loaded.team.some((member) => member.id === conversation.assigneeId)
                        ? [
                            {
                              label: conversation.assigneeName ?? conversation.assigneeId,
                              value: conversation.assigneeId,
                            },
                          ]
                        : []),
                    ]}
                    value={conversation.assigneeId ?? ""}
                    onChange={(value) => submit(value ? { intent: "assign", staffId: value } : { intent: "unassign" })}
                  />
                </InlineStack>
                <ol
                  aria-label="Messages"
                  style={{ listStyle: "none", margin: 0, padding: 0, display: "grid", gap: 12 }}
                >
                  {messages.map((message) => (
                    <MessageItem
                      key={message.id}
                      message={message}
                      timeZone={timeZone}
                      loadImages={loaded.loadImages}
                      imagesHref={`?${withImages(searchParams)}`}
                      onRetry={() => submit({ intent: "retry", messageId: message.id })}
                    />
                  ))}
                </ol>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <ButtonGroup variant="segmented">
                  <Button pressed={mode === "reply"} onClick={() => setMode("reply")}>
                    Reply
                  </Button>
                  <Button pressed={mode === "note"} onClick={() => setMode("note")}>
                    Internal note
                  </Button>
                </ButtonGroup>
                <TextField
                  label={
                    mode === "reply"
                      ? `Reply by ${CHANNEL_LABELS[conversation.channel] ?? "message"}`
                      : "Note for your team (never sent)"
                  }
                  value={draft}
                  onChange={updateDraft}
                  multiline={5}
                  autoComplete="off"
                  maxLength={10_000}
                  helpText={
                    mode === "reply" && conversation.channel === "SMS"
                      ? `${draft.length} characters; texts over 160 characters are sent in several parts.`
                      : undefined
                  }
                />
                <InlineStack align="space-between" blockAlign="center" gap="200">
                  {savedReplies.length > 0 ? (
                    <Select
                      label="Insert a saved reply"
                      labelInline
                      options={[
                        { label: "Choose…", value: "" },
                        ...savedReplies.map((reply) => ({ label: reply.title, value: reply.id })),
                      ]}
                      value=""
                      onChange={(value) => {
                        const chosen = savedReplies.find((reply) => reply.id === value);
                        if (chosen) insert(chosen.body);
                      }}
                    />
                  ) : (
                    <Button variant="plain" url="/app/inbox/replies">
                      Create saved replies
                    </Button>
                  )}
                  <Button
                    variant="primary"
                    loading={busy}
                    disabled={!draft.trim()}
                    onClick={() => submit({ intent: mode, body: draft })}
                  >
                    {mode === "reply" ? channelVerb : "Add note"}
                  </Button>
                </InlineStack>
              </BlockStack>
            </Card>
            {suggestions.length > 0 ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Suggested answers from your FAQ
                  </Text>
                  {suggestions.map((suggestion) => (
                    <Box key={suggestion.question} padding="300" background="bg-surface-secondary" borderRadius="200">
                      <BlockStack gap="100">
                        <Text as="h3" variant="headingSm">
                          {suggestion.question}
                        </Text>
                        <Text as="p" variant="bodySm">
                          {suggestion.answer}
                        </Text>
                        <InlineStack>
                          <Button size="slim" onClick={() => insert(suggestion.answer)}>
                            Insert FAQ answer
                          </Button>
                        </InlineStack>
                      </BlockStack>
                    </Box>
                  ))}
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <CustomerCard loaded={loaded} />
            <SlaCard loaded={loaded} />
            <CsatCard loaded={loaded} onApology={(terms) => submit({ intent: "apology", ...terms })} busy={busy} />
            {timeline ? (
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Checkout and recovery
                  </Text>
                  <Text as="p" variant="bodySm">
                    {timeline.checkout.label}, {formatMoney(timeline.checkout.total, timeline.checkout.currencyCode)}
                  </Text>
                  <Timeline timeline={timeline} />
                  <Button variant="plain" url={`/app/recovery/${timeline.checkout.id}`}>
                    Open the checkout timeline
                  </Button>
                </BlockStack>
              </Card>
            ) : null}
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function withImages(params: URLSearchParams): string {
  const next = new URLSearchParams(params);
  next.set("images", "1");
  return next.toString();
}

const AUTHOR_LABELS: Record<string, string> = {
  SHOPPER: "Shopper",
  STAFF: "You",
  NOTE: "Internal note",
  SYSTEM: "Kindly",
};

function MessageItem({
  message,
  timeZone,
  loadImages,
  imagesHref,
  onRetry,
}: {
  message: MessageView;
  timeZone: string;
  loadImages: boolean;
  imagesHref: string;
  onRetry: () => void;
}) {
  const [showFull, setShowFull] = useState(false);
  const [showHtml, setShowHtml] = useState(false);
  const background =
    message.author === "NOTE"
      ? "var(--p-color-bg-surface-warning)"
      : message.author === "SHOPPER"
        ? "var(--p-color-bg-surface-secondary)"
        : "var(--p-color-bg-surface-info)";
  const label =
    message.kind === "CSAT_REQUEST"
      ? "Satisfaction survey"
      : message.kind === "CSAT_RESPONSE"
        ? "Survey answer"
        : message.authorName
          ? `${message.authorName}${message.author === "NOTE" ? " (internal note)" : ""}`
          : (AUTHOR_LABELS[message.author] ?? message.author);
  return (
    <li data-author={message.author} data-kind={message.kind} style={{ background, borderRadius: 8, padding: 12 }}>
      <BlockStack gap="150">
        <InlineStack align="space-between" gap="200">
          <Text as="span" variant="bodySm" fontWeight="semibold">
            {label}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            {message.deliveryStatus === "FAILED" ? <Badge tone="critical">Not delivered</Badge> : null}
            {message.deliveryStatus === "QUEUED" ? <Badge tone="attention">Sending</Badge> : null}
            {message.deliveryStatus === "SENT" && message.author !== "SHOPPER" ? (
              <Badge tone="success">Sent</Badge>
            ) : null}
            <Text as="span" tone="subdued" variant="bodySm">
              {formatWhen(message.createdAt, timeZone)}
            </Text>
          </InlineStack>
        </InlineStack>
        {/* Shopper text is rendered by React as text: escaped, never interpreted as markup. */}
        <div style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }} className="kindly-message-body">
          {showFull && message.fullText ? message.fullText : message.text}
        </div>
        {message.fullText ? (
          <InlineStack>
            <Button variant="plain" onClick={() => setShowFull((on) => !on)}>
              {showFull ? "Hide quoted text" : "Show quoted text"}
            </Button>
          </InlineStack>
        ) : null}
        {message.html ? (
          <BlockStack gap="100">
            <InlineStack gap="300">
              <Button variant="plain" onClick={() => setShowHtml((on) => !on)}>
                {showHtml ? "Hide formatted email" : "Show formatted email"}
              </Button>
              {message.blockedImages > 0 && !loadImages ? (
                <Button variant="plain" url={imagesHref}>
                  {`Load ${message.blockedImages} remote ${message.blockedImages === 1 ? "image" : "images"}`}
                </Button>
              ) : null}
            </InlineStack>
            {showHtml ? <SandboxedHtml html={message.html} loadImages={loadImages} /> : null}
          </BlockStack>
        ) : null}
        {message.attachments.length > 0 ? (
          <BlockStack gap="050">
            <Text as="span" variant="bodySm" tone="subdued">
              Attachments (listed only; Kindly does not store or open them)
            </Text>
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {message.attachments.map((attachment, index) => (
                <li key={`${attachment.filename}-${index}`}>
                  <Text as="span" variant="bodySm">
                    {attachment.filename} · {attachment.contentType} · {formatBytes(attachment.size)}
                  </Text>
                </li>
              ))}
            </ul>
          </BlockStack>
        ) : null}
        {message.deliveryStatus === "FAILED" ? (
          <InlineStack gap="200" blockAlign="center">
            <Text as="span" tone="critical" variant="bodySm">
              {message.deliveryError ?? "Delivery failed"}
            </Text>
            <Button size="slim" onClick={onRetry}>
              Try again
            </Button>
          </InlineStack>
        ) : null}
      </BlockStack>
    </li>
  );
}

/**
 * Sanitised email HTML in a frame that can run nothing (empty sandbox: no scripts, no forms, no same origin) and
 * whose content security policy allows no remote loads unless the merchant asked for images.
 */
function SandboxedHtml({ html, loadImages }: { html: string; loadImages: boolean }) {
  const policy = `default-src 'none'; style-src 'unsafe-inline'; img-src ${loadImages ? "https:" : "'none'"}`;
  const document = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${policy}"><meta name="referrer" content="no-referrer"><style>body{font-family:system-ui,sans-serif;font-size:14px;margin:8px;overflow-wrap:anywhere}img{max-width:100%}</style></head><body>${html}</body></html>`;
  return (
    <iframe
      title="Formatted email"
      sandbox=""
      srcDoc={document}
      referrerPolicy="no-referrer"
      style={{
        width: "100%",
        minHeight: 240,
        border: "1px solid var(--p-color-border)",
        borderRadius: 8,
        background: "#fff",
      }}
    />
  );
}

function CustomerCard({ loaded }: { loaded: LoaderData }) {
  const { customer, conversation, currencyCode, timeZone, order } = loaded;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Customer
        </Text>
        {customer ? (
          <BlockStack gap="150">
            <InlineStack gap="200" blockAlign="center">
              <Text as="span" fontWeight="semibold">
                {[customer.firstName, customer.lastName].filter(Boolean).join(" ") || customer.email || "Customer"}
              </Text>
              {customer.segment ? (
                <Badge tone={customer.segment === "VIP" ? "magic" : undefined}>{segmentLabel(customer.segment)}</Badge>
              ) : null}
            </InlineStack>
            <Text as="p" variant="bodySm">
              {customer.email ?? "No email"} · {customer.phone ?? "No phone"}
            </Text>
            <Text as="p" variant="bodySm">
              {customer.ordersCount} {customer.ordersCount === 1 ? "order" : "orders"},{" "}
              {formatMoney(customer.totalSpent, currencyCode)} spent
            </Text>
            <RemixLink to={`/app/customers/${customer.id}`}>Every message Kindly sent them, and why</RemixLink>
            {customer.orders.length > 0 ? (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {customer.orders.map((recent) => (
                  <li key={recent.id}>
                    <Text as="span" variant="bodySm">
                      {recent.name ?? "Order"} · {formatMoney(recent.totalPrice, recent.currencyCode)} ·{" "}
                      {formatWhen(recent.processedAt, timeZone)}
                      {recent.fulfillmentStatus ? ` · ${recent.fulfillmentStatus.toLowerCase()}` : ""}
                    </Text>
                  </li>
                ))}
              </ul>
            ) : null}
          </BlockStack>
        ) : (
          <Text as="p" tone="subdued" variant="bodySm">
            Not linked to a customer yet (
            {conversation.contactEmail ?? conversation.contactPhone ?? "no contact details"}). A customer with the same
            email or phone is linked automatically.
          </Text>
        )}
        {order ? (
          <Text as="p" variant="bodySm">
            About order {order.name ?? order.id}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function segmentLabel(segment: string): string {
  return segment.charAt(0) + segment.slice(1).toLowerCase().replace(/_/g, " ");
}

function SlaCard({ loaded }: { loaded: LoaderData }) {
  const { conversation, timeZone } = loaded;
  const row = (label: string, value: Date | null | undefined, breached?: Date | null) => (
    <InlineStack align="space-between" gap="200">
      <Text as="span" variant="bodySm">
        {label}
      </Text>
      <Text as="span" variant="bodySm" tone={breached ? "critical" : undefined}>
        {value ? formatWhen(value, timeZone) : "—"}
        {breached ? " (missed)" : ""}
      </Text>
    </InlineStack>
  );
  return (
    <Card>
      <BlockStack gap="150">
        <Text as="h2" variant="headingMd">
          Service level
        </Text>
        {row("First response due", conversation.firstResponseDueAt, conversation.firstResponseBreachedAt)}
        {row("First response", conversation.firstResponseAt)}
        {row("Resolution due", conversation.resolutionDueAt, conversation.resolutionBreachedAt)}
        {row("Closed", conversation.closedAt)}
      </BlockStack>
    </Card>
  );
}

function CsatCard({
  loaded,
  onApology,
  busy,
}: {
  loaded: LoaderData;
  onApology: (terms: { kind: "PERCENTAGE" | "FIXED_AMOUNT"; value: string; expiresInDays: string }) => void;
  busy: boolean;
}) {
  const { conversation, grants, lowScore, customer } = loaded;
  const [kind, setKind] = useState<"PERCENTAGE" | "FIXED_AMOUNT">("PERCENTAGE");
  const [value, setValue] = useState("10");
  const [days, setDays] = useState("30");
  const low = conversation.csatScore !== null && conversation.csatScore <= lowScore;
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Satisfaction
        </Text>
        <Text as="p" variant="bodySm">
          {conversation.csatScore !== null
            ? `Rated ${conversation.csatScore}/5${conversation.csatComment ? `: “${conversation.csatComment}”` : ""}`
            : conversation.csatRequestedAt
              ? "Survey sent, no answer yet."
              : "The survey is sent once, when the conversation is closed."}
        </Text>
        {grants.map((grant) => (
          <Text as="p" variant="bodySm" key={grant.id}>
            Apology code {grant.code}
          </Text>
        ))}
        {low && customer ? (
          <BlockStack gap="200">
            <Text as="p" variant="bodySm">
              A low rating: offer a personal apology code (one use, for this customer only). It goes into your reply for
              you to send.
            </Text>
            <InlineStack gap="200" wrap={false}>
              <Select
                label="Type"
                options={[
                  { label: "Percent off", value: "PERCENTAGE" },
                  { label: "Amount off", value: "FIXED_AMOUNT" },
                ]}
                value={kind}
                onChange={(next) => setKind(next as "PERCENTAGE" | "FIXED_AMOUNT")}
              />
              <TextField
                label={kind === "PERCENTAGE" ? "Percent" : "Amount"}
                type="number"
                value={value}
                onChange={setValue}
                autoComplete="off"
              />
              <TextField label="Valid (days)" type="number" value={days} onChange={setDays} autoComplete="off" />
            </InlineStack>
            <Button loading={busy} onClick={() => onApology({ kind, value, expiresInDays: days })}>
              Offer an apology discount
            </Button>
          </BlockStack>
        ) : null}
      </BlockStack>
    </Card>
  );
}
