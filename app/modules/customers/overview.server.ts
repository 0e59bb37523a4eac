import prisma from "~/db.server";
import type { ClvFitReport } from "~/modules/customers/segments.server";
import { ACTIVE_IMPORT_STATUSES, readImportErrors } from "~/modules/customers/import.server";
import { SEGMENT_LABELS, SEGMENTS, segmentTags, type Segment, type VipRule } from "~/modules/customers/segments";

/**
 * What the Customers page shows, computed in the database (group-bys and one page of rows), never by loading the
 * shop's customers. Money is passed as exact decimal strings; the page formats it.
 */

export const CUSTOMERS_PAGE_SIZE = 25;

export interface SegmentSummary {
  segment: Segment;
  label: string;
  tag: string;
  customers: number;
  /** Sum of Shopify's amountSpent over the segment, exact. */
  revenue: string;
  /** Sum and mean of predicted CLV over the horizon (model estimates: floats). */
  predictedClv: number;
  averageClv: number | null;
}

export interface CustomerRow {
  id: string;
  name: string;
  email: string | null;
  ordersCount: number;
  totalSpent: string;
  lastOrderAt: string | null;
  pAlive: number | null;
  expectedPurchases: number | null;
  predictedClv: number | null;
  segmentChangedAt: string | null;
}

export interface ImportView {
  id: string;
  status: string;
  active: boolean;
  objectCount: number | null;
  linesProcessed: number;
  customersUpserted: number;
  ordersUpserted: number;
  malformedLines: number;
  malformedExamples: Array<{ line: number; reason: string }>;
  lastError: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface CustomersPageData {
  currencyCode: string;
  segments: SegmentSummary[];
  unsegmented: number;
  totalCustomers: number;
  selected: Segment;
  list: { rows: CustomerRow[]; page: number; pages: number; total: number };
  recentChanges: Array<{
    customerId: string;
    name: string;
    from: string | null;
    to: string;
    at: string;
    reason: string;
  }>;
  fit: ClvFitReport | null;
  importJob: ImportView | null;
  customersSyncedAt: string | null;
  segmentsComputedAt: string | null;
  settings: {
    vipRule: VipRule;
    vipTopPercent: number;
    vipSpendThreshold: string | null;
    atRiskPAlive: number;
    tags: Record<Segment, string>;
  };
}

function displayName(row: { firstName: string | null; lastName: string | null; email: string | null }): string {
  const name = [row.firstName, row.lastName].filter(Boolean).join(" ");
  return name || row.email || "Customer without a name";
}

function readFit(json: string | null): ClvFitReport | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as ClvFitReport;
  } catch {
    return null;
  }
}

export async function loadCustomersPage(
  shop: string,
  options: { segment: Segment; page: number },
): Promise<CustomersPageData> {
  const settings = await prisma.shop.findUniqueOrThrow({ where: { shop } });
  const tags = segmentTags(settings.segmentTagsJson);
  const [groups, job, changes] = await Promise.all([
    prisma.customer.groupBy({
      by: ["segment"],
      where: { shop },
      _count: { _all: true },
      _sum: { totalSpent: true, predictedClv: true },
      _avg: { predictedClv: true },
    }),
    prisma.importJob.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
    prisma.segmentChange.findMany({
      where: { shop },
      orderBy: [{ changedAt: "desc" }, { id: "desc" }],
      take: 10,
      include: { customer: { select: { firstName: true, lastName: true, email: true } } },
    }),
  ]);
  const bySegment = new Map(groups.map((group) => [group.segment, group]));
  const segments: SegmentSummary[] = SEGMENTS.map((segment) => {
    const group = bySegment.get(segment);
    return {
      segment,
      label: SEGMENT_LABELS[segment],
      tag: tags[segment],
      customers: group?._count._all ?? 0,
      revenue: group?._sum.totalSpent?.toString() ?? "0",
      predictedClv: group?._sum.predictedClv ?? 0,
      averageClv: group?._avg.predictedClv ?? null,
    };
  });
  const unsegmented = groups
    .filter((group) => group.segment === null || !SEGMENTS.includes(group.segment as Segment))
    .reduce((sum, group) => sum + group._count._all, 0);

  const selected = options.segment;
  const total = bySegment.get(selected)?._count._all ?? 0;
  const pages = Math.max(1, Math.ceil(total / CUSTOMERS_PAGE_SIZE));
  const page = Math.min(Math.max(1, options.page), pages);
  const rows = await prisma.customer.findMany({
    where: { shop, segment: selected },
    orderBy: [{ predictedClv: { sort: "desc", nulls: "last" } }, { totalSpent: "desc" }, { id: "asc" }],
    skip: (page - 1) * CUSTOMERS_PAGE_SIZE,
    take: CUSTOMERS_PAGE_SIZE,
    select: {
      id: true,
      firstName: true,
      lastName: true,
      email: true,
      ordersCount: true,
      totalSpent: true,
      lastOrderAt: true,
      pAlive: true,
      expectedPurchases: true,
      predictedClv: true,
      segmentChangedAt: true,
    },
  });

  const errors = job ? readImportErrors(job.errorsJson) : null;
  return {
    currencyCode: settings.currencyCode,
    segments,
    unsegmented,
    totalCustomers: groups.reduce((sum, group) => sum + group._count._all, 0),
    selected,
    list: {
      rows: rows.map((row) => ({
        id: row.id,
        name: displayName(row),
        email: row.email,
        ordersCount: row.ordersCount,
        totalSpent: row.totalSpent.toString(),
        lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
        pAlive: row.pAlive,
        expectedPurchases: row.expectedPurchases,
        predictedClv: row.predictedClv,
        segmentChangedAt: row.segmentChangedAt?.toISOString() ?? null,
      })),
      page,
      pages,
      total,
    },
    recentChanges: changes.map((change) => ({
      customerId: change.customerId,
      name: displayName(change.customer),
      from: change.fromSegment,
      to: change.toSegment,
      at: change.changedAt.toISOString(),
      reason: change.reason,
    })),
    fit: readFit(settings.clvFitJson),
    importJob: job
      ? {
          id: job.id,
          status: job.status,
          active: ACTIVE_IMPORT_STATUSES.includes(job.status),
          objectCount: job.objectCount,
          linesProcessed: job.linesProcessed,
          customersUpserted: job.customersUpserted,
          ordersUpserted: job.ordersUpserted,
          malformedLines: job.malformedLines,
          malformedExamples: errors?.malformed.slice(0, 5) ?? [],
          lastError: job.lastError,
          startedAt: job.startedAt.toISOString(),
          finishedAt: job.finishedAt?.toISOString() ?? null,
        }
      : null,
    customersSyncedAt: settings.customersSyncedAt?.toISOString() ?? null,
    segmentsComputedAt: settings.segmentsComputedAt?.toISOString() ?? null,
    settings: {
      vipRule: settings.vipRule === "SPEND_THRESHOLD" ? "SPEND_THRESHOLD" : "CLV_TOP_SHARE",
      vipTopPercent: settings.vipTopPercent,
      vipSpendThreshold: settings.vipSpendThreshold?.toString() ?? null,
      atRiskPAlive: settings.atRiskPAlive,
      tags,
    },
  };
}

/** The merchant's segment settings, validated by the route; segments are recomputed with them. */
export async function saveSegmentSettings(
  shop: string,
  settings: {
    vipRule: VipRule;
    vipTopPercent: number;
    vipSpendThreshold: string | null;
    atRiskPAlive: number;
    tags: Record<Segment, string>;
  },
): Promise<void> {
  await prisma.shop.update({
    where: { shop },
    data: {
      vipRule: settings.vipRule,
      vipTopPercent: settings.vipTopPercent,
      vipSpendThreshold: settings.vipSpendThreshold,
      atRiskPAlive: settings.atRiskPAlive,
      segmentTagsJson: JSON.stringify(settings.tags),
    },
  });
}
