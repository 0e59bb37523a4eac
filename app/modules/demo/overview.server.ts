import prisma from "~/db.server";
import { DEMO_SHOP } from "~/shopify.server";
import { readDemoClock } from "~/modules/demo/clock.server";
import { getDemoRuntime, type OutboxChannel } from "~/modules/demo/runtime.server";

export interface DemoOverview {
  shop: string;
  shopName: string | null;
  currencyCode: string | null;
  ianaTimezone: string | null;
  installed: boolean;
  now: Date;
  offsetMs: number;
  clockMovable: boolean;
  email: ChannelSummary;
  sms: ChannelSummary;
}

export type ChannelSummary =
  { kind: "captured"; count: number } | { kind: "external"; target: string } | { kind: "none" };

function summarize<T>(channel: OutboxChannel<T> | undefined): ChannelSummary {
  if (!channel) return { kind: "none" };
  return channel.kind === "captured" ? { kind: "captured", count: channel.list().length } : channel;
}

/** What the demo home page shows: the emulated shop as Kindly recorded it, the demo time and the sinks. */
export async function getDemoOverview(): Promise<DemoOverview> {
  const runtime = getDemoRuntime();
  const shop = runtime?.shop ?? DEMO_SHOP;
  const record = await prisma.shop.findUnique({ where: { shop } });
  const clock = readDemoClock();
  return {
    shop,
    shopName: record?.name ?? null,
    currencyCode: record?.currencyCode ?? null,
    ianaTimezone: record?.ianaTimezone ?? null,
    installed: record !== null && record.uninstalledAt === null,
    now: clock.now,
    offsetMs: clock.offsetMs,
    clockMovable: clock.movable,
    email: summarize(runtime?.outbox.email),
    sms: summarize(runtime?.outbox.sms),
  };
}

/** The shop's time zone, so the clock page shows the time the way the merchant and the quiet-hours rules see it. */
export async function getDemoShopTimezone(): Promise<string | null> {
  const shop = getDemoRuntime()?.shop ?? DEMO_SHOP;
  const record = await prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  return record?.ianaTimezone ?? null;
}
