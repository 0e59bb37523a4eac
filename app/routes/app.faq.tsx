import { useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticateAdmin } from "~/shopify.server";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import {
  FAQ_LIMITS,
  FAQ_LOCALE_NAMES,
  FAQ_LOCALES,
  FaqActionSchema,
  FaqEntryInputSchema,
  fieldErrorsFrom,
  POLICY_NAMES,
  type FaqEntryInput,
  type FaqLocale,
  type FieldErrors,
} from "~/modules/storefront/faq";
import {
  deleteFaqEntry,
  importPolicySuggestions,
  listFaqEntries,
  loadPublishedFaq,
  loadShopFacts,
  moveFaqEntry,
  publishFaq,
  saveFaqEntry,
  type FaqEntryView,
} from "~/modules/storefront/faq.server";
import { renderFaqPreviews } from "~/modules/storefront/faq-preview.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  const [entries, facts, published, shopRow] = await Promise.all([
    listFaqEntries(shop),
    loadShopFacts(admin),
    loadPublishedFaq(admin),
    prisma.shop.findUnique({ where: { shop }, select: { primaryLocale: true } }),
  ]);
  const defaultLocale: FaqLocale = shopRow?.primaryLocale?.startsWith("fr") ? "fr" : "en";
  const previews = await renderFaqPreviews(entries, defaultLocale, getClock().now());
  return {
    entries,
    missingPolicies: facts.missingPolicies.map((type) => ({ type, name: POLICY_NAMES[type] })),
    publishedAt: published.publishedAt,
    previews,
  };
};

export type FaqActionResponse =
  { ok: true; message: string } | { ok: false; message: string; fieldErrors?: FieldErrors };

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  const parsed = FaqActionSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    const body: FaqActionResponse = {
      ok: false,
      message: "Nothing was saved: fix the highlighted fields.",
      fieldErrors: fieldErrorsFrom(parsed.error),
    };
    return data(body, { status: 400 });
  }
  const input = parsed.data;
  const notFound = () => new Response("FAQ entry not found", { status: 404 });
  switch (input.intent) {
    case "save": {
      const saved = await saveFaqEntry(shop, input.entry);
      if (saved.result === "NOT_FOUND") throw notFound();
      if (saved.result === "TOO_MANY") {
        return data<FaqActionResponse>(
          { ok: false, message: `The FAQ holds up to ${FAQ_LIMITS.entries} entries; delete some first.` },
          { status: 400 },
        );
      }
      const message = saved.result === "CREATED" ? "Question added." : "Question saved.";
      return { ok: true, message: `${message} Publish to show changes on your store.` } satisfies FaqActionResponse;
    }
    case "delete": {
      if ((await deleteFaqEntry(shop, input.id)) === "NOT_FOUND") throw notFound();
      return {
        ok: true,
        message: "Question deleted. Publish to remove it from your store.",
      } satisfies FaqActionResponse;
    }
    case "move": {
      const moved = await moveFaqEntry(shop, input.id, input.direction);
      if (moved === "NOT_FOUND") throw notFound();
      return {
        ok: true,
        message:
          moved === "MOVED" ? "Order changed." : `Already ${input.direction === "up" ? "first" : "last"} in its topic.`,
      } satisfies FaqActionResponse;
    }
    case "import-policies": {
      const imported = await importPolicySuggestions(shop, admin, input.locale);
      const message =
        imported.added === 0
          ? "No new suggestions: every written policy already has a question, or no policy is written yet."
          : `${imported.added} draft ${imported.added === 1 ? "question was" : "questions were"} added from your policies. Edit them, tick "Show on storefront", then publish.`;
      return { ok: true, message } satisfies FaqActionResponse;
    }
    case "publish": {
      const published = await publishFaq(shop, admin, getClock().now());
      if (published.result === "REJECTED") {
        return data<FaqActionResponse>(
          { ok: false, message: `Shopify refused the FAQ: ${published.message}` },
          { status: 502 },
        );
      }
      return {
        ok: true,
        message: `Published ${published.entries} ${published.entries === 1 ? "question" : "questions"} to your store.`,
      } satisfies FaqActionResponse;
    }
  }
};

const EMPTY_DRAFT: FaqEntryInput = { locale: "en", topic: "", question: "", answer: "", published: false };

export default function FaqPage() {
  const { entries, missingPolicies, publishedAt, previews } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<FaqActionResponse>({ key: "faq" });
  const [tab, setTab] = useState(0);
  const locale = FAQ_LOCALES[tab];
  const [draft, setDraft] = useState<FaqEntryInput | null>(null);
  const [clientErrors, setClientErrors] = useState<FieldErrors>({});
  const serverErrors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  const errors = { ...serverErrors, ...clientErrors };
  const busy = fetcher.state !== "idle";

  const submit = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)) as Record<string, string>, {
      method: "post",
      encType: "application/json",
    });

  const save = () => {
    if (!draft) return;
    // The same schema as the server: errors show at once, and nothing is sent that the server would refuse.
    const checked = FaqEntryInputSchema.safeParse(draft);
    if (!checked.success) {
      setClientErrors(fieldErrorsFrom(checked.error));
      return;
    }
    setClientErrors({});
    submit({ intent: "save", entry: checked.data });
    setDraft(null);
  };

  const inLocale = entries.filter((entry) => entry.locale === locale);
  const topics = [...new Set(inLocale.map((entry) => entry.topic.trim()))];

  return (
    <Page
      title="FAQ"
      subtitle="Answers to the questions shoppers ask most, on your store and in the support chat."
      primaryAction={{ content: "Publish", loading: busy, onAction: () => submit({ intent: "publish" }) }}
      secondaryActions={[{ content: "Add question", onAction: () => setDraft({ ...EMPTY_DRAFT, locale }) }]}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {fetcher.data ? (
              <Banner tone={fetcher.data.ok ? "success" : "critical"}>
                <p>{fetcher.data.message}</p>
              </Banner>
            ) : null}
            <Text as="p" tone="subdued">
              {publishedAt
                ? `Last published ${new Date(publishedAt).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}.`
                : "Not published yet: shoppers see no FAQ until you publish."}
            </Text>

            {draft ? (
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    {draft.id ? "Edit question" : "New question"}
                  </Text>
                  <Select
                    label="Language"
                    options={FAQ_LOCALES.map((code) => ({ label: FAQ_LOCALE_NAMES[code], value: code }))}
                    value={draft.locale}
                    onChange={(value) => setDraft({ ...draft, locale: value as FaqLocale })}
                    error={errors.locale}
                  />
                  <TextField
                    label="Topic"
                    helpText="Questions with the same topic are grouped together, e.g. Shipping, Returns."
                    value={draft.topic}
                    onChange={(value) => setDraft({ ...draft, topic: value })}
                    maxLength={FAQ_LIMITS.topic}
                    autoComplete="off"
                    error={errors.topic}
                  />
                  <TextField
                    label="Question"
                    value={draft.question}
                    onChange={(value) => setDraft({ ...draft, question: value })}
                    maxLength={FAQ_LIMITS.question}
                    autoComplete="off"
                    error={errors.question}
                  />
                  <TextField
                    label="Answer"
                    helpText="Plain text. A blank line starts a new paragraph; https:// links become clickable."
                    value={draft.answer}
                    onChange={(value) => setDraft({ ...draft, answer: value })}
                    multiline={5}
                    maxLength={FAQ_LIMITS.answer}
                    showCharacterCount
                    autoComplete="off"
                    error={errors.answer}
                  />
                  <Checkbox
                    label="Show on storefront"
                    helpText="Included at the next publish. Leave unticked to keep it as a draft."
                    checked={draft.published}
                    onChange={(checked) => setDraft({ ...draft, published: checked })}
                  />
                  <InlineStack gap="200">
                    <Button variant="primary" onClick={save} loading={busy}>
                      Save
                    </Button>
                    <Button
                      onClick={() => {
                        setDraft(null);
                        setClientErrors({});
                      }}
                    >
                      Cancel
                    </Button>
                  </InlineStack>
                </BlockStack>
              </Card>
            ) : null}

            <Card padding="0">
              <Tabs
                tabs={FAQ_LOCALES.map((code) => ({ id: `faq-${code}`, content: FAQ_LOCALE_NAMES[code] }))}
                selected={tab}
                onSelect={setTab}
              >
                <div style={{ padding: "16px" }}>
                  <BlockStack gap="400">
                    {topics.length === 0 ? (
                      <Text as="p" tone="subdued">
                        No questions in {FAQ_LOCALE_NAMES[locale]} yet. Add one, or import suggestions from your
                        policies.
                      </Text>
                    ) : null}
                    {topics.map((topic) => (
                      <BlockStack gap="200" key={topic}>
                        <Text as="h3" variant="headingSm">
                          {topic}
                        </Text>
                        {inLocale
                          .filter((entry) => entry.topic.trim() === topic)
                          .map((entry) => (
                            <EntryRow
                              key={entry.id}
                              entry={entry}
                              busy={busy}
                              onEdit={() => setDraft({ ...entry })}
                              onMove={(direction) => submit({ intent: "move", id: entry.id, direction })}
                              onDelete={() => submit({ intent: "delete", id: entry.id })}
                            />
                          ))}
                      </BlockStack>
                    ))}
                    <InlineStack>
                      <Button onClick={() => submit({ intent: "import-policies", locale })} loading={busy}>
                        {`Import suggestions from your policies (${FAQ_LOCALE_NAMES[locale]})`}
                      </Button>
                    </InlineStack>
                  </BlockStack>
                </div>
              </Tabs>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Policies check
                </Text>
                {missingPolicies.length === 0 ? (
                  <Text as="p">Your refund, shipping, privacy and terms of service policies are all written.</Text>
                ) : (
                  <>
                    <Text as="p">Shoppers look for these before they buy, and they are missing:</Text>
                    <List>
                      {missingPolicies.map((policy) => (
                        <List.Item key={policy.type}>{policy.name}</List.Item>
                      ))}
                    </List>
                  </>
                )}
                <Link url="shopify:admin/settings/legal" target="_top">
                  Open Settings &gt; Policies
                </Link>
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  {`Preview (${FAQ_LOCALE_NAMES[locale]})`}
                </Text>
                <Text as="p" tone="subdued">
                  What shoppers will see after you publish: questions marked “Show on storefront”.
                </Text>
                {/* sandbox without allow-scripts: the preview is HTML and CSS only, as the block is. */}
                <iframe
                  title={`FAQ block preview, ${FAQ_LOCALE_NAMES[locale]}`}
                  sandbox=""
                  srcDoc={previews[locale]}
                  style={{ width: "100%", height: "420px", border: "1px solid #e3e3e3", borderRadius: "8px" }}
                />
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function EntryRow(props: {
  entry: FaqEntryView;
  busy: boolean;
  onEdit: () => void;
  onMove: (direction: "up" | "down") => void;
  onDelete: () => void;
}) {
  const { entry, busy } = props;
  return (
    <InlineStack align="space-between" blockAlign="center" wrap={false} gap="200">
      <InlineStack gap="200" blockAlign="center">
        <Text as="span">{entry.question}</Text>
        {entry.published ? <Badge tone="success">On storefront</Badge> : <Badge>Draft</Badge>}
      </InlineStack>
      <ButtonGroup>
        <Button onClick={() => props.onMove("up")} disabled={busy} accessibilityLabel={`Move "${entry.question}" up`}>
          ↑
        </Button>
        <Button
          onClick={() => props.onMove("down")}
          disabled={busy}
          accessibilityLabel={`Move "${entry.question}" down`}
        >
          ↓
        </Button>
        <Button onClick={props.onEdit}>Edit</Button>
        <Button tone="critical" onClick={props.onDelete} disabled={busy}>
          Delete
        </Button>
      </ButtonGroup>
    </InlineStack>
  );
}
