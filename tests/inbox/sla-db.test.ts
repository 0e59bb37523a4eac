import { beforeAll, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { sendStaffReply } from "~/modules/inbox/actions.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { listConversations } from "~/modules/inbox/inbox.server";
import { slaReport } from "~/modules/inbox/sla.server";
import { registerInboxWork } from "~/modules/inbox/work.server";
import { createShop } from "../support/factories";

/** SLA in the database: due times on real conversations, breaches by the worker, the report's aggregations. */

const HOURS = JSON.stringify({
  timezone: "Europe/Paris",
  days: Object.fromEntries(["mon", "tue", "wed", "thu", "fri"].map((day) => [day, [["09:00", "17:00"]]])),
});
const FRIDAY_4PM_PARIS = new Date("2026-11-20T15:00:00Z");
const hours = (n: number) => n * 60 * 60_000;

beforeAll(() => {
  registerInboxWork();
});

describe("due times and breaches", () => {
  it("due times follow the shop's business hours; VIP customers get the tighter first-response target", async () => {
    const { shop } = await createShop(undefined, { businessHoursJson: HOURS, ianaTimezone: "Europe/Paris" });
    await prisma.customer.create({ data: { shop, email: "vip@example.org", segment: "VIP" } });
    const regular = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "someone@example.org" },
      body: "Hello",
      receivedAt: FRIDAY_4PM_PARIS,
    });
    const vip = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "vip@example.org" },
      body: "Hello",
      receivedAt: FRIDAY_4PM_PARIS,
    });
    const [a, b] = await Promise.all(
      [regular, vip].map((r) => prisma.conversation.findUniqueOrThrow({ where: { id: r.conversationId } })),
    );
    // 4 business hours from Friday 16:00: 1 h on Friday, 3 h on Monday -> Monday 12:00 Paris (11:00Z).
    expect(a.firstResponseDueAt?.toISOString()).toBe("2026-11-23T11:00:00.000Z");
    // VIP: 60 minutes -> Friday 17:00 Paris.
    expect(b).toMatchObject({ vip: true });
    expect(b.firstResponseDueAt?.toISOString()).toBe("2026-11-20T16:00:00.000Z");
    // Resolution: 24 business hours = 1 h Friday + 8 Mon + 8 Tue + 7 Wed -> Wednesday 16:00 Paris.
    expect(a.resolutionDueAt?.toISOString()).toBe("2026-11-25T15:00:00.000Z");
  });

  it("the worker records each breach once (fields + event); an answered conversation does not breach first response", async () => {
    const { shop } = await createShop();
    const late = await recordInboundMessage(prisma, {
      shop,
      channel: "SMS",
      from: { phone: "+33611111111" },
      body: "Hello?",
      receivedAt: FRIDAY_4PM_PARIS,
    });
    const answered = await recordInboundMessage(prisma, {
      shop,
      channel: "CHAT",
      from: { visitorId: "v1" },
      body: "Hi",
      receivedAt: FRIDAY_4PM_PARIS,
    });
    const clock = new ManualClock(new Date(FRIDAY_4PM_PARIS.getTime() + hours(1)));
    setClock(clock);
    await sendStaffReply(shop, answered.conversationId, { id: "s", name: "S" }, "Hello!", clock.now());

    await runDueWorkUntilIdle({ now: new Date(FRIDAY_4PM_PARIS.getTime() + hours(3)) });
    expect(await prisma.conversationEvent.count({ where: { shop, type: "SLA_BREACHED" } })).toBe(0);
    const now = new Date(FRIDAY_4PM_PARIS.getTime() + hours(5));
    expect(await runDueWorkUntilIdle({ now })).toBeGreaterThanOrEqual(1);
    // Idempotent: nothing left to record at the same time.
    expect(await runDueWorkUntilIdle({ now })).toBe(0);
    const breached = await prisma.conversation.findUniqueOrThrow({
      where: { id: late.conversationId },
      include: { events: { where: { type: "SLA_BREACHED" } } },
    });
    // 24/7 (no business hours): due 4 h after the message; the breach time is the due time.
    expect(breached.firstResponseBreachedAt?.toISOString()).toBe("2026-11-20T19:00:00.000Z");
    expect(breached.events.map((e) => JSON.parse(e.dataJson ?? "{}").target)).toEqual(["FIRST_RESPONSE"]);
    const ok = await prisma.conversation.findUniqueOrThrow({ where: { id: answered.conversationId } });
    expect(ok.firstResponseBreachedAt).toBeNull();

    // A day later both miss the resolution target.
    await runDueWorkUntilIdle({ now: new Date(FRIDAY_4PM_PARIS.getTime() + hours(25)) });
    expect(await prisma.conversationEvent.count({ where: { shop, type: "SLA_BREACHED" } })).toBe(3);
  });
});

describe("report", () => {
  it("counts first responses per bucket, attainment and CSAT with one aggregate query over the period", async () => {
    const { shop } = await createShop();
    const { shop: other } = await createShop();
    const start = new Date("2026-11-02T08:00:00Z");
    const make = (target: string, minutesToAnswer: number | null, extra: Record<string, unknown> = {}) =>
      prisma.conversation.create({
        data: {
          shop: target,
          channel: "EMAIL",
          status: "WAITING",
          createdAt: start,
          lastMessageAt: start,
          firstResponseDueAt: new Date(start.getTime() + hours(4)),
          firstResponseAt: minutesToAnswer === null ? null : new Date(start.getTime() + minutesToAnswer * 60_000),
          ...extra,
        },
      });
    await make(shop, 30, {
      status: "CLOSED",
      closedAt: new Date(start.getTime() + hours(2)),
      resolutionDueAt: new Date(start.getTime() + hours(24)),
      csatScore: 5,
    });
    await make(shop, 60); // exactly 1 h: first bucket
    await make(shop, 150, { csatScore: 2 });
    await make(shop, 300, {
      status: "CLOSED",
      closedAt: new Date(start.getTime() + hours(30)),
      resolutionDueAt: new Date(start.getTime() + hours(24)),
    });
    await make(shop, 600);
    await make(shop, 2000, { csatScore: 4 });
    await make(shop, null);
    await make(other, 10); // another shop
    await make(shop, 10, { createdAt: new Date("2026-10-01T00:00:00Z") }); // before the period

    const report = await slaReport(shop, new Date("2026-11-01T00:00:00Z"), new Date("2026-12-01T00:00:00Z"));
    expect(report).toMatchObject({
      conversations: 7,
      answered: 6,
      buckets: { "0-1 h": 2, "1-4 h": 1, "4-8 h": 1, "8-24 h": 1, "24 h+": 1 },
      // Within the 4 h due time: 30, 60, 150 min -> 3 of 6.
      firstResponseAttainment: 50,
      resolutionAttainment: 50,
      goalPercent: 80,
      csat: { responses: 3, average: 11 / 3, satisfied: 2 },
    });
  });
});

describe("inbox list", () => {
  it("puts VIP conversations first (or not), filters by status, channel, assignee and search, counts unread", async () => {
    const { shop } = await createShop();
    const at = (minutes: number) => new Date(FRIDAY_4PM_PARIS.getTime() + minutes * 60_000);
    const make = (name: string, minutes: number, extra: Record<string, unknown> = {}) =>
      prisma.conversation.create({
        data: {
          shop,
          channel: "EMAIL",
          status: "OPEN",
          contactName: name,
          lastMessageAt: at(minutes),
          unreadCount: 1,
          ...extra,
        },
      });
    await make("old-vip", 0, { vip: true });
    await make("newest", 30);
    await make("middle", 20, { channel: "SMS", assigneeId: "me" });
    await make("waiting", 25, { status: "WAITING", unreadCount: 0 });
    const withBody = await make("searchable", 10);
    await prisma.conversationMessage.create({
      data: { shop, conversationId: withBody.id, author: "SHOPPER", channel: "EMAIL", body: "My parcel is damaged" },
    });
    const base = { status: "OPEN" as const, channel: "ALL" as const, vipFirst: true };
    const names = async (filters: Partial<Parameters<typeof listConversations>[1]>) =>
      (await listConversations(shop, { ...base, ...filters }, at(60))).rows.map((row) => row.contact);

    expect(await names({})).toEqual(["old-vip", "newest", "middle", "searchable"]);
    expect(await names({ vipFirst: false })).toEqual(["newest", "middle", "searchable", "old-vip"]);
    expect(await names({ status: "WAITING" })).toEqual(["waiting"]);
    expect(await names({ channel: "SMS" })).toEqual(["middle"]);
    expect(await names({ assignedTo: "me" })).toEqual(["middle"]);
    expect(await names({ status: "ALL", search: "damaged" })).toEqual(["searchable"]);
    // Search ignores case on both databases (SQLite's LIKE does by itself, PostgreSQL needs ILIKE).
    expect(await names({ status: "ALL", search: "DAMAGED" })).toEqual(["searchable"]);
    expect(await names({ status: "ALL", search: "Searchable" })).toEqual(["searchable"]);
    const result = await listConversations(shop, base, at(60));
    expect(result.counts).toEqual({ OPEN: 4, WAITING: 1, CLOSED: 0 });
    expect(result.unread).toBe(4);
  });
});
