import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  EmptyState,
  FormLayout,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Pagination,
  ProgressBar,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { wakeWorkers } from "~/jobs/worker.server";
import { authenticateAdmin } from "~/shopify.server";
import { startCustomerImport } from "~/modules/customers/import.server";
import { loadCustomersPage, saveSegmentSettings } from "~/modules/customers/overview.server";
import { computeShopSegments } from "~/modules/customers/segments.server";
import { syncSegmentTags } from "~/modules/customers/tags.server";
import { FALLBACK_EXPLANATIONS, SEGMENT_LABELS, SEGMENTS, type Segment } from "~/modules/customers/segments";
import { createPersonalDiscount, DiscountRejectedError } from "~/modules/discounts/discounts.server";
import { DiscountInputError } from "~/modules/discounts/discounts";
import prisma from "~/db.server";

const QuerySchema = z.object({
  segment: z.enum(SEGMENTS).default("VIP"),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const url = new URL(request.url);
  const query = QuerySchema.safeParse({
    segment: url.searchParams.get("segment") ?? undefined,
    page: url.searchParams.get("page") ?? undefined,
  });
  if (!query.success) {
    throw new Response(`Unknown segment or page: choose one of ${SEGMENTS.join(", ")} and a page from 1`, {
      status: 400,
    });
  }
  return loadCustomersPage(shop, query.data);
};

const tagName = z.string().trim().min(1, "A tag name is required").max(40, "Tag names have at most 40 characters");
const SettingsSchema = z
  .object({
    intent: z.literal("saveSettings"),
    vipRule: z.enum(["CLV_TOP_SHARE", "SPEND_THRESHOLD"]),
    vipTopPercent: z.coerce.number().int("Use a whole percentage").min(1, "At least 1 %").max(50, "At most 50 %"),
    vipSpendThreshold: z
      .string()
      .trim()
      .regex(/^(\d{1,9}(\.\d{1,2})?)?$/, "An amount such as 500 or 499.99")
      .optional()
      .transform((value) => (value ? value : null)),
    atRiskPAlive: z.coerce.number().min(0.01, "Between 0.01 and 0.99").max(0.99, "Between 0.01 and 0.99"),
    ...Object.fromEntries(SEGMENTS.map((segment) => [`tag_${segment}`, tagName])),
  })
  .refine((value) => value.vipRule !== "SPEND_THRESHOLD" || value.vipSpendThreshold !== null, {
    message: "Set the amount a customer must have spent to be a VIP",
    path: ["vipSpendThreshold"],
  });

const ActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("import") }),
  z.object({ intent: z.literal("syncTags"), segment: z.enum(SEGMENTS) }),
  z.object({
    intent: z.literal("reward"),
    customerId: z.string().min(1),
    kind: z.enum(["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"]),
    value: z.string().trim().optional(),
    expiresInDays: z.coerce.number().int("Whole days").min(1, "At least 1 day").max(365, "At most 365 days"),
  }),
]);

export type CustomersActionResponse =
  { ok: true; message: string; code?: string } | { ok: false; message: string; fieldErrors?: Record<string, string> };

const fail = (message: string, fieldErrors?: Record<string, string>, status = 400) =>
  data<CustomersActionResponse>({ ok: false, message, ...(fieldErrors ? { fieldErrors } : {}) }, { status });

function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) errors[issue.path.join(".") || "form"] ??= issue.message;
  return errors;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, admin } = await authenticateAdmin(request);
  let form: Record<string, string>;
  try {
    form = Object.fromEntries(
      [...(await request.formData()).entries()].map(([key, value]) => [key, String(value)]),
    ) as Record<string, string>;
  } catch {
    return fail("Send the form fields as a form.");
  }
  if (form.intent === "saveSettings") {
    const parsed = SettingsSchema.safeParse(form);
    if (!parsed.success) return fail("Check the highlighted settings.", fieldErrorsOf(parsed.error));
    const values = parsed.data as z.infer<typeof SettingsSchema> & Record<string, string>;
    const tags = Object.fromEntries(SEGMENTS.map((segment) => [segment, values[`tag_${segment}`]])) as Record<
      Segment,
      string
    >;
    const names = Object.values(tags).map((name) => name.toLowerCase());
    if (new Set(names).size !== names.length) return fail("Give each segment its own tag.", { tags: "Tags repeat" });
    await saveSegmentSettings(shop, { ...values, tags });
    const synced = await prisma.shop.findUnique({ where: { shop }, select: { customersSyncedAt: true } });
    if (synced?.customersSyncedAt) await computeShopSegments(shop, { reason: "SETTINGS" });
    return data<CustomersActionResponse>({ ok: true, message: "Settings saved; segments recomputed." });
  }
  const parsed = ActionSchema.safeParse(form);
  if (!parsed.success) return fail("That request is not one this page makes.", fieldErrorsOf(parsed.error));
  const input = parsed.data;
  switch (input.intent) {
    case "import": {
      const started = await startCustomerImport(admin, shop);
      if (started.result === "REFUSED")
        return fail(`Shopify did not start the import: ${started.message}`, undefined, 502);
      wakeWorkers();
      return data<CustomersActionResponse>({
        ok: true,
        message: started.result === "STARTED" ? "Import started." : "An import is already running.",
      });
    }
    case "syncTags": {
      const result = await syncSegmentTags(admin, shop, input.segment);
      const message =
        `"${result.tag}": added to ${result.added}, removed from ${result.removed} customer(s)` +
        (result.failed ? `; Shopify refused ${result.failed}: ${result.errors.join("; ")}` : ".");
      return data<CustomersActionResponse>({ ok: result.failed === 0, message } as CustomersActionResponse);
    }
    case "reward": {
      const now = getClock().now();
      try {
        const grant = await createPersonalDiscount(admin, {
          shop,
          customerId: input.customerId,
          purpose: "REWARD",
          kind: input.kind,
          value: input.kind === "FREE_SHIPPING" ? null : (input.value ?? null),
          expiresAt: new Date(now.getTime() + input.expiresInDays * 86_400_000),
          now,
        });
        return data<CustomersActionResponse>({
          ok: true,
          code: grant.code,
          message: `Code ${grant.code} created for this customer only, valid until ${grant.expiresAt.toISOString().slice(0, 10)}.`,
        });
      } catch (error) {
        if (error instanceof DiscountInputError) {
          if (error.field === "customer") return fail(error.message, { customerId: error.message }, 404);
          return fail(error.message, { [error.field]: error.message });
        }
        if (error instanceof DiscountRejectedError) return fail(error.message, undefined, 422);
        throw error;
      }
    }
  }
};

// ---- Page --------------------------------------------------------------------------------------------------------

const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 100)} %`);
const decimal = (value: number | null, digits = 1) => (value === null ? "–" : value.toFixed(digits));
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : "–");

export default function CustomersPage() {
  const page = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const money = (amount: string | number | null) =>
    amount === null
      ? "–"
      : new Intl.NumberFormat("en", { style: "currency", currency: page.currencyCode }).format(Number(amount));
  const revalidator = useRevalidator();
  const importFetcher = useFetcher<CustomersActionResponse>({ key: "customers-import" });
  const tagFetcher = useFetcher<CustomersActionResponse>({ key: "customers-tags" });
  const rewardFetcher = useFetcher<CustomersActionResponse>({ key: "customers-reward" });
  const settingsFetcher = useFetcher<CustomersActionResponse>({ key: "customers-settings" });
  const job = page.importJob;
  const active = job?.active ?? false;

  // While an import runs, refresh its progress every 2 s.
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const rewardFor = params.get("reward");
  const rewardRow = page.list.rows.find((row) => row.id === rewardFor) ?? null;
  const link = (segment: string, pageNumber = 1, extra = "") =>
    `/app/customers?segment=${segment}${pageNumber > 1 ? `&page=${pageNumber}` : ""}${extra}`;

  const importButton = (
    <importFetcher.Form method="post">
      <input type="hidden" name="intent" value="import" />
      <Button submit variant="primary" loading={importFetcher.state !== "idle"} disabled={active}>
        {page.customersSyncedAt ? "Import again" : "Import customers"}
      </Button>
    </importFetcher.Form>
  );

  if (page.totalCustomers === 0 && !job) {
    return (
      <Page title="Customers">
        <Card>
          <EmptyState heading="Import your customers" image="" action={undefined}>
            <BlockStack gap="300">
              <p>
                Kindly reads your customers and their orders from Shopify once (a bulk export), then keeps them current
                from Shopify&apos;s webhooks. Segments and predicted lifetime value follow.
              </p>
              <InlineStack>{importButton}</InlineStack>
              {importFetcher.data ? <ActionBanner answer={importFetcher.data} /> : null}
            </BlockStack>
          </EmptyState>
        </Card>
      </Page>
    );
  }

  const selectedSummary = page.segments.find((s) => s.segment === page.selected)!;
  return (
    <Page title="Customers" primaryAction={importButton}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {importFetcher.data ? <ActionBanner answer={importFetcher.data} /> : null}
            {job ? <ImportCard job={job} syncedAt={page.customersSyncedAt} /> : null}
            <FitCard fit={page.fit} money={money} />
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Segments
                </Text>
                <DataTable
                  columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "text"]}
                  headings={["Segment", "Customers", "Revenue", "Predicted CLV (sum)", "Average CLV", "Shopify tag"]}
                  rows={page.segments.map((s) => [
                    <RemixLink key={s.segment} to={link(s.segment)} aria-current={s.segment === page.selected}>
                      {s.label}
                    </RemixLink>,
                    s.customers,
                    money(s.revenue),
                    money(s.predictedClv),
                    money(s.averageClv),
                    <tagFetcher.Form method="post" key={`tag-${s.segment}`}>
                      <input type="hidden" name="intent" value="syncTags" />
                      <input type="hidden" name="segment" value={s.segment} />
                      <InlineStack gap="200" blockAlign="center">
                        <Badge>{s.tag}</Badge>
                        <Button
                          submit
                          size="slim"
                          loading={tagFetcher.state !== "idle" && tagFetcher.formData?.get("segment") === s.segment}
                        >
                          Sync to tags
                        </Button>
                      </InlineStack>
                    </tagFetcher.Form>,
                  ])}
                />
                {page.unsegmented > 0 ? (
                  <Text as="p" tone="subdued">
                    {page.unsegmented} customer(s) not segmented yet (segments are computed after each import and
                    nightly).
                  </Text>
                ) : null}
                {tagFetcher.data ? <ActionBanner answer={tagFetcher.data} /> : null}
              </BlockStack>
            </Card>
            {rewardRow ? (
              <RewardCard
                customer={rewardRow}
                fetcher={rewardFetcher}
                closeHref={link(page.selected, page.list.page)}
              />
            ) : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {selectedSummary.label} ({page.list.total})
                </Text>
                {page.list.rows.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No customers in this segment.
                  </Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "text", "numeric", "numeric", "numeric", "text"]}
                    headings={[
                      "Customer",
                      "Orders",
                      "Spent",
                      "Last order",
                      "P(alive)",
                      "Expected orders",
                      "Predicted CLV",
                      "",
                    ]}
                    rows={page.list.rows.map((row) => [
                      <BlockStack key={row.id} gap="050">
                        <RemixLink to={`/app/customers/${row.id}`}>{row.name}</RemixLink>
                        {row.email ? (
                          <Text as="span" tone="subdued" variant="bodySm">
                            {row.email}
                          </Text>
                        ) : null}
                      </BlockStack>,
                      row.ordersCount,
                      money(row.totalSpent),
                      day(row.lastOrderAt),
                      percent(row.pAlive),
                      decimal(row.expectedPurchases),
                      money(row.predictedClv),
                      <RemixLink key={`reward-${row.id}`} to={link(page.selected, page.list.page, `&reward=${row.id}`)}>
                        Reward
                      </RemixLink>,
                    ])}
                  />
                )}
                <InlineStack align="center">
                  <Pagination
                    hasPrevious={page.list.page > 1}
                    previousURL={link(page.selected, page.list.page - 1)}
                    hasNext={page.list.page < page.list.pages}
                    nextURL={link(page.selected, page.list.page + 1)}
                    label={`Page ${page.list.page} of ${page.list.pages}`}
                  />
                </InlineStack>
              </BlockStack>
            </Card>
          </BlockStack>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400" alignItems="start">
            <Card>
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Recent segment changes
                </Text>
                {page.recentChanges.length === 0 ? (
                  <Text as="p" tone="subdued">
                    None yet.
                  </Text>
                ) : (
                  page.recentChanges.map((change, i) => (
                    <Text as="p" key={`${change.customerId}-${i}`}>
                      {change.name}: {change.from ? (SEGMENT_LABELS[change.from as Segment] ?? change.from) : "new"} →{" "}
                      {SEGMENT_LABELS[change.to as Segment] ?? change.to}{" "}
                      <Text as="span" tone="subdued" variant="bodySm">
                        ({day(change.at)}, {change.reason.toLowerCase()})
                      </Text>
                    </Text>
                  ))
                )}
              </BlockStack>
            </Card>
            <SettingsCard settings={page.settings} fetcher={settingsFetcher} />
          </InlineGrid>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function ActionBanner({ answer }: { answer: CustomersActionResponse }) {
  return (
    <Banner tone={answer.ok ? "success" : "critical"}>
      <p>{answer.message}</p>
    </Banner>
  );
}

function ImportCard({
  job,
  syncedAt,
}: {
  job: NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["importJob"]>;
  syncedAt: string | null;
}) {
  const progress = job.objectCount ? Math.min(100, Math.round((job.linesProcessed / job.objectCount) * 100)) : 0;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between">
          <Text as="h2" variant="headingMd">
            Import from Shopify
          </Text>
          <Badge tone={job.status === "FAILED" ? "critical" : job.status === "COMPLETED" ? "success" : "info"}>
            {job.status === "RUNNING" ? "Shopify is exporting" : job.status.toLowerCase()}
          </Badge>
        </InlineStack>
        {job.active ? <ProgressBar progress={progress} size="small" /> : null}
        <Text as="p">
          {job.linesProcessed.toLocaleString("en")} of {job.objectCount?.toLocaleString("en") ?? "?"} records read:{" "}
          {job.customersUpserted.toLocaleString("en")} customers, {job.ordersUpserted.toLocaleString("en")} orders.
          {syncedAt && !job.active ? ` Last complete import ${day(syncedAt)}.` : ""}
        </Text>
        {job.malformedLines > 0 ? (
          <Banner tone="warning">
            <p>
              {job.malformedLines} line(s) of Shopify&apos;s export could not be read and were skipped:{" "}
              {job.malformedExamples.map((e) => `line ${e.line} (${e.reason})`).join(", ")}.
            </p>
          </Banner>
        ) : null}
        {job.lastError ? (
          <Banner tone={job.status === "FAILED" ? "critical" : "warning"}>
            <p>
              {job.status === "FAILED" ? "The import stopped: " : "Retrying after: "}
              {job.lastError}
            </p>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}

function FitCard({
  fit,
  money,
}: {
  fit: ReturnType<typeof useLoaderData<typeof loader>>["fit"];
  money: (value: number | null) => string;
}) {
  if (!fit) {
    return (
      <Card>
        <Text as="p" tone="subdued">
          Predicted lifetime value appears once the import has finished and segments are computed.
        </Text>
      </Card>
    );
  }
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Predicted lifetime value ({fit.horizonMonths} months)
        </Text>
        {fit.method === "fallback" ? (
          <Banner tone="warning" title="Small shop: approximate">
            <p>
              The statistical model needs more history than this shop has yet (
              {FALLBACK_EXPLANATIONS[fit.reason ?? ""] ?? fit.reason}
              ). Values are estimates from each customer&apos;s purchase rate and recency times the shop&apos;s average
              order value ({money(fit.meanOrderValue)}); read them as rough ranges, not predictions.
            </p>
          </Banner>
        ) : (
          <Text as="p">
            BG/NBD and Gamma-Gamma fitted on {fit.customers.toLocaleString("en")} buyers (
            {fit.repeatBuyers.toLocaleString("en")} repeat buyers)
            {fit.bgnbd
              ? `: r ${fit.bgnbd.r.toFixed(3)}, α ${fit.bgnbd.alpha.toFixed(2)}, a ${fit.bgnbd.a.toFixed(3)}, b ${fit.bgnbd.b.toFixed(3)}`
              : ""}
            {fit.gammaGamma
              ? `; p ${fit.gammaGamma.p.toFixed(2)}, q ${fit.gammaGamma.q.toFixed(2)}, γ ${fit.gammaGamma.gamma.toFixed(2)}`
              : ""}
            .
          </Text>
        )}
        <Text as="p" tone="subdued" variant="bodySm">
          Computed {day(fit.computedAt)}, {Math.round(fit.monthlyDiscountRate * 1000) / 10} % monthly discount rate.
          {fit.vipClvCutoff !== null ? ` VIPs: predicted CLV of at least ${money(fit.vipClvCutoff)}.` : ""}
        </Text>
      </BlockStack>
    </Card>
  );
}

function RewardCard({
  customer,
  fetcher,
  closeHref,
}: {
  customer: { id: string; name: string };
  fetcher: ReturnType<typeof useFetcher<CustomersActionResponse>>;
  closeHref: string;
}) {
  const [kind, setKind] = useState("PERCENTAGE");
  const [value, setValue] = useState("10");
  const [days, setDays] = useState("30");
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="reward" />
        <input type="hidden" name="customerId" value={customer.id} />
        <BlockStack gap="300">
          <InlineStack align="space-between">
            <Text as="h2" variant="headingMd">
              Reward {customer.name}
            </Text>
            <RemixLink to={closeHref}>Close</RemixLink>
          </InlineStack>
          <Text as="p" tone="subdued">
            A code only this customer can use, once, until it expires.
          </Text>
          <FormLayout>
            <FormLayout.Group>
              <Select
                label="Gift"
                name="kind"
                options={[
                  { label: "Percentage off", value: "PERCENTAGE" },
                  { label: "Amount off", value: "FIXED_AMOUNT" },
                  { label: "Free shipping", value: "FREE_SHIPPING" },
                ]}
                value={kind}
                onChange={setKind}
              />
              {kind !== "FREE_SHIPPING" ? (
                <TextField
                  label={kind === "PERCENTAGE" ? "Percent" : "Amount"}
                  name="value"
                  value={value}
                  onChange={setValue}
                  autoComplete="off"
                  error={errors.value}
                />
              ) : null}
              <TextField
                label="Valid for (days)"
                name="expiresInDays"
                type="number"
                value={days}
                onChange={setDays}
                autoComplete="off"
                error={errors.expiresInDays ?? errors.expiresAt}
              />
            </FormLayout.Group>
          </FormLayout>
          <InlineStack>
            <Button submit variant="primary" loading={fetcher.state !== "idle"}>
              Create code
            </Button>
          </InlineStack>
          {fetcher.data ? <ActionBanner answer={fetcher.data} /> : null}
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}

function SettingsCard({
  settings,
  fetcher,
}: {
  settings: ReturnType<typeof useLoaderData<typeof loader>>["settings"];
  fetcher: ReturnType<typeof useFetcher<CustomersActionResponse>>;
}) {
  const [vipRule, setVipRule] = useState<string>(settings.vipRule);
  const [top, setTop] = useState(String(settings.vipTopPercent));
  const [spend, setSpend] = useState(settings.vipSpendThreshold ?? "");
  const [atRisk, setAtRisk] = useState(String(settings.atRiskPAlive));
  const [tags, setTags] = useState<Record<string, string>>(settings.tags);
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  return (
    <Card>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="saveSettings" />
        <BlockStack gap="300">
          <Text as="h2" variant="headingMd">
            Segment settings
          </Text>
          <FormLayout>
            <Select
              label="VIPs are"
              name="vipRule"
              options={[
                { label: "The top share by predicted lifetime value", value: "CLV_TOP_SHARE" },
                { label: "Customers who spent at least an amount", value: "SPEND_THRESHOLD" },
              ]}
              value={vipRule}
              onChange={setVipRule}
            />
            {vipRule === "CLV_TOP_SHARE" ? (
              <TextField
                label="Top share (%)"
                name="vipTopPercent"
                type="number"
                value={top}
                onChange={setTop}
                autoComplete="off"
                error={errors.vipTopPercent}
              />
            ) : (
              <>
                <input type="hidden" name="vipTopPercent" value={top} />
                <TextField
                  label="Spent at least"
                  name="vipSpendThreshold"
                  value={spend}
                  onChange={setSpend}
                  autoComplete="off"
                  error={errors.vipSpendThreshold}
                />
              </>
            )}
            {vipRule === "CLV_TOP_SHARE" ? <input type="hidden" name="vipSpendThreshold" value={spend} /> : null}
            <TextField
              label="At risk below P(alive)"
              name="atRiskPAlive"
              value={atRisk}
              onChange={setAtRisk}
              autoComplete="off"
              helpText="Repeat buyers the model gives less than this chance of still buying."
              error={errors.atRiskPAlive}
            />
            {SEGMENTS.map((segment) => (
              <TextField
                key={segment}
                label={`Tag for ${SEGMENT_LABELS[segment]}`}
                name={`tag_${segment}`}
                value={tags[segment]}
                onChange={(value) => setTags({ ...tags, [segment]: value })}
                autoComplete="off"
                error={errors[`tag_${segment}`]}
              />
            ))}
          </FormLayout>
          <Box>
            <Button submit loading={fetcher.state !== "idle"}>
              Save and recompute
            </Button>
          </Box>
          {fetcher.data ? <ActionBanner answer={fetcher.data} /> : null}
        </BlockStack>
      </fetcher.Form>
    </Card>
  );
}
