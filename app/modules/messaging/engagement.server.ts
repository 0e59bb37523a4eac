import { isbot } from "isbot";
import { recordMessageEvent } from "~/modules/messaging/message-events.server";
import type prisma from "~/db.server";
import { getLogger } from "~/logger.server";
import { isAllowedRedirect, shopHosts } from "~/modules/messaging/links";
import { suppress, type SuppressionChannel } from "~/modules/messaging/suppression.server";
import { verifyToken } from "~/modules/messaging/tokens.server";
import { stopRunForMessage } from "~/modules/recovery/stop.server";
import type { Tx } from "~/modules/webhooks/receive.server";

/**
 * What shoppers do with the messages Kindly sends: opens (pixel), clicks (redirect), unsubscribes (link and
 * RFC 8058 one-click POST), recorded as MessageEvents. The routes stay thin and call these.
 *
 * Event types written here: OPEN, MACHINE_OPEN, CLICK, MACHINE_CLICK, UNSUBSCRIBE (REPLY is written by inbound).
 */

type Db = typeof prisma;
type DbOrTx = Db | Tx;

// ---------------------------------------------------------------------------------------------------------------
// Machines versus people

/**
 * A pixel fetched this soon after sending was not a person reading: Apple Mail Privacy Protection and corporate
 * gateways fetch images on delivery, within seconds. Ten seconds is a conservative cut (a human needs longer to
 * get the notification, open the app and scroll) and can be changed per call.
 */
export const MACHINE_OPEN_WINDOW_MS = 10_000;

export type MachineReason = "PREFETCH_WINDOW" | "PRIVACY_PROXY" | "LINK_SCANNER" | "BOT";

/**
 * User agents that fetch images or follow links on a person's behalf, without telling us whether a person looked.
 * - Apple Mail Privacy Protection: fetches every image on delivery through Apple's proxies with a bare
 *   "Mozilla/5.0" agent (no platform, no engine), which no real mail client sends.
 * - Gmail's image proxy (GoogleImageProxy, via ggpht.com): caches images; it fetches on first display but also
 *   ahead of time, and the two cannot be told apart, so it never proves a human open.
 * - Yahoo / AOL Mail proxy (YahooMailProxy): the same caching proxy model.
 * - Microsoft link previews and scanners (BingPreview, Safe Links' Exchange/Office discovery agents, Skype/Teams
 *   URL previews): they fetch links to inspect them.
 * - Mail security gateways that follow links and images for inspection (Barracuda, Mimecast, Proofpoint,
 *   Symantec/Broadcom, Forcepoint, Sophos, Cisco IronPort, Trend Micro, FireEye/Trellix, Cloudmark).
 * - Anything else `isbot` recognises (crawlers, HTTP libraries such as curl or python-requests, headless browsers).
 * Scanners that disguise themselves as a desktop browser (Safe Links sometimes does) cannot be detected by agent;
 * the prefetch window catches most of them for opens.
 */
export const MACHINE_AGENTS: Array<{ name: string; reason: MachineReason; pattern: RegExp }> = [
  { name: "Apple Mail Privacy Protection", reason: "PRIVACY_PROXY", pattern: /^Mozilla\/5\.0$/ },
  { name: "Gmail image proxy", reason: "PRIVACY_PROXY", pattern: /GoogleImageProxy/i },
  { name: "Yahoo Mail proxy", reason: "PRIVACY_PROXY", pattern: /YahooMailProxy/i },
  {
    name: "Microsoft link preview",
    reason: "LINK_SCANNER",
    pattern:
      /BingPreview|Microsoft Office Existence Discovery|Microsoft Office Protocol Discovery|MSOffice 16|SkypeUriPreview|Teams(?:Bot|URLPreview)/i,
  },
  {
    name: "Mail security gateway",
    reason: "LINK_SCANNER",
    pattern:
      /Barracuda|Mimecast|Proofpoint|Symantec|Broadcom|Forcepoint|Sophos|IronPort|Trend ?Micro|FireEye|Trellix|Cloudmark/i,
  },
];

export interface MachineVerdict {
  machine: boolean;
  reason: MachineReason | null;
  agent: string | null;
}

function classifyAgent(userAgent: string | null): MachineVerdict {
  const agent = (userAgent ?? "").trim();
  const known = MACHINE_AGENTS.find((candidate) => candidate.pattern.test(agent));
  if (known) return { machine: true, reason: known.reason, agent: known.name };
  // An empty agent is not evidence either way (some privacy-minded clients strip it): treat it as a person.
  if (agent && isbot(agent)) return { machine: true, reason: "BOT", agent: "Automated client" };
  return { machine: false, reason: null, agent: null };
}

/**
 * Whether a pixel fetch was a machine. A message with no `sentAt` yet is being sent right now (the provider
 * accepted it and the worker has not written the time): a fetch at that moment can only be a prefetch.
 */
export function classifyOpen(input: {
  userAgent: string | null;
  sentAt: Date | null;
  now: Date;
  windowMs?: number;
}): MachineVerdict {
  const byAgent = classifyAgent(input.userAgent);
  if (byAgent.machine) return byAgent;
  const windowMs = input.windowMs ?? MACHINE_OPEN_WINDOW_MS;
  if (!input.sentAt || input.now.getTime() - input.sentAt.getTime() < windowMs) {
    return { machine: true, reason: "PREFETCH_WINDOW", agent: null };
  }
  return byAgent;
}

/**
 * Clicks are judged by agent only: a person can click within seconds of an SMS arriving, and a link a scanner
 * followed is still recorded (as MACHINE_CLICK) so the redirect works for whoever asked.
 */
export function classifyClick(userAgent: string | null): MachineVerdict {
  return classifyAgent(userAgent);
}

// ---------------------------------------------------------------------------------------------------------------
// Recording

/**
 * A pixel reloaded in a loop, or a scanner hammering a link, must not grow the events table without bound: beyond
 * this many events of one kind per message, further ones are counted as ignored.
 */
export const MAX_EVENTS_PER_KIND = 50;

async function recordCapped(
  db: DbOrTx,
  message: { id: string; shop: string },
  type: string,
  at: Date,
  detail: Record<string, unknown> | null,
): Promise<boolean> {
  const count = await db.messageEvent.count({ where: { messageId: message.id, type } });
  if (count >= MAX_EVENTS_PER_KIND) return false;
  await recordMessageEvent(db, {
    shop: message.shop,
    messageId: message.id,
    type,
    at,
    detailJson: detail ? JSON.stringify(detail) : null,
  });
  return true;
}

export type OpenResult = "OPEN" | "MACHINE_OPEN" | "IGNORED_EXCESS" | "BAD_TOKEN" | "UNKNOWN_MESSAGE";

export async function recordOpen(
  db: DbOrTx,
  token: string,
  request: { userAgent: string | null; now: Date; machineWindowMs?: number },
): Promise<OpenResult> {
  const verified = verifyToken(token, "OPEN", request.now);
  if (!verified) return "BAD_TOKEN";
  const message = await db.message.findUnique({
    where: { id: verified.messageId },
    select: { id: true, shop: true, sentAt: true },
  });
  if (!message) return "UNKNOWN_MESSAGE";
  const verdict = classifyOpen({
    userAgent: request.userAgent,
    sentAt: message.sentAt,
    now: request.now,
    windowMs: request.machineWindowMs,
  });
  const type = verdict.machine ? "MACHINE_OPEN" : "OPEN";
  const detail = verdict.machine ? { reason: verdict.reason, agent: verdict.agent } : null;
  return (await recordCapped(db, message, type, request.now, detail)) ? type : "IGNORED_EXCESS";
}

export type ClickOutcome =
  | { result: "REDIRECTED"; location: string; machine: boolean }
  | { result: "REFUSED_HOST" | "BAD_TOKEN" | "UNKNOWN_MESSAGE" };
export type ClickResult = ClickOutcome["result"];

/**
 * Records a click and says where to send the shopper. The signed URL is checked again against the shop's hosts
 * and the checkout's recovery URL at click time: a valid signature alone never makes Kindly redirect elsewhere.
 */
export async function recordClick(
  db: DbOrTx,
  token: string,
  request: { userAgent: string | null; now: Date },
): Promise<ClickOutcome> {
  const verified = verifyToken(token, "CLICK", request.now);
  if (!verified) return { result: "BAD_TOKEN" };
  const message = await db.message.findUnique({
    where: { id: verified.messageId },
    select: {
      id: true,
      shop: true,
      scheduled: { select: { run: { select: { subjectType: true, subjectId: true } } } },
    },
  });
  if (!message) return { result: "UNKNOWN_MESSAGE" };
  const [shop, recoveryUrl] = await Promise.all([
    db.shop.findUnique({ where: { shop: message.shop }, select: { shop: true, primaryDomain: true } }),
    recoveryUrlOf(db, message.shop, message.scheduled?.run ?? null),
  ]);
  const hosts = shop ? shopHosts(shop) : [message.shop];
  if (!isAllowedRedirect(verified.url, { hosts, recoveryUrl })) {
    getLogger().warn({ shop: message.shop, messageId: message.id }, "click redirect refused: target is not the shop's");
    return { result: "REFUSED_HOST" };
  }
  const verdict = classifyClick(request.userAgent);
  await recordCapped(
    db,
    message,
    verdict.machine ? "MACHINE_CLICK" : "CLICK",
    request.now,
    verdict.machine ? { reason: verdict.reason, agent: verdict.agent } : null,
  );
  return { result: "REDIRECTED", location: verified.url, machine: verdict.machine };
}

async function recoveryUrlOf(
  db: DbOrTx,
  shop: string,
  run: { subjectType: string; subjectId: string } | null,
): Promise<string | null> {
  if (run?.subjectType !== "CHECKOUT") return null;
  const checkout = await db.checkout.findFirst({ where: { id: run.subjectId, shop }, select: { recoveryUrl: true } });
  return checkout?.recoveryUrl ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// Unsubscribe

export interface UnsubscribeContext {
  messageId: string;
  shop: string;
  shopName: string;
  locale: string;
  channel: SuppressionChannel;
  /** The address, masked for display ("c•••@example.org"). */
  maskedAddress: string;
  alreadyUnsubscribed: boolean;
}

export type UnsubscribeLookup =
  { result: "VALID"; context: UnsubscribeContext } | { result: "BAD_TOKEN" | "UNKNOWN_MESSAGE" };

export function maskAddress(address: string): string {
  const at = address.indexOf("@");
  if (at > 0) return `${address[0]}•••${address.slice(at)}`;
  return address.length > 4 ? `•••${address.slice(-4)}` : "•••";
}

async function contextFor(db: DbOrTx, messageId: string): Promise<UnsubscribeContext | null> {
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: { id: true, shop: true, channel: true, toAddress: true, locale: true },
  });
  if (!message) return null;
  const [shop, event] = await Promise.all([
    db.shop.findUnique({ where: { shop: message.shop }, select: { name: true, primaryLocale: true } }),
    db.messageEvent.findFirst({ where: { messageId, type: "UNSUBSCRIBE" }, select: { id: true } }),
  ]);
  return {
    messageId: message.id,
    shop: message.shop,
    shopName: shop?.name ?? message.shop,
    locale: message.locale ?? shop?.primaryLocale ?? "en",
    channel: message.channel === "SMS" ? "SMS" : "EMAIL",
    maskedAddress: maskAddress(message.toAddress),
    alreadyUnsubscribed: event !== null,
  };
}

/** For the confirmation page (GET): never changes anything, because link scanners and previews issue GETs. */
export async function lookupUnsubscribe(db: DbOrTx, token: string, now: Date): Promise<UnsubscribeLookup> {
  const verified = verifyToken(token, "UNSUBSCRIBE", now);
  if (!verified) return { result: "BAD_TOKEN" };
  const context = await contextFor(db, verified.messageId);
  return context ? { result: "VALID", context } : { result: "UNKNOWN_MESSAGE" };
}

export type UnsubscribeResult = "UNSUBSCRIBED" | "ALREADY_UNSUBSCRIBED" | "BAD_TOKEN" | "UNKNOWN_MESSAGE";
export type UnsubscribeSource = "ONE_CLICK" | "PAGE" | "MAILTO";

/**
 * Opts the message's recipient out of that channel for the shop, records UNSUBSCRIBE on the message (once) and
 * stops the run that sent it; all in one transaction, so a crash cannot leave an opt-out without its stop.
 */
export async function unsubscribeMessage(
  db: Db,
  messageId: string,
  source: UnsubscribeSource,
  now: Date,
): Promise<{
  result: "UNSUBSCRIBED" | "ALREADY_UNSUBSCRIBED" | "UNKNOWN_MESSAGE";
  context: UnsubscribeContext | null;
}> {
  return db.$transaction(async (tx) => {
    const message = await tx.message.findUnique({
      where: { id: messageId },
      select: { id: true, shop: true, channel: true, toAddress: true },
    });
    if (!message) return { result: "UNKNOWN_MESSAGE" as const, context: null };
    const channel: SuppressionChannel = message.channel === "SMS" ? "SMS" : "EMAIL";
    const suppressed = await suppress(tx, message.shop, channel, message.toAddress, "UNSUBSCRIBE");
    const already = await tx.messageEvent.findFirst({
      where: { messageId, type: "UNSUBSCRIBE" },
      select: { id: true },
    });
    if (!already) {
      await recordMessageEvent(tx, {
        shop: message.shop,
        messageId,
        type: "UNSUBSCRIBE",
        at: now,
        detailJson: JSON.stringify({ source }),
      });
    }
    await stopRunForMessage(tx, messageId, "UNSUBSCRIBED", now);
    const context = await contextFor(tx, messageId);
    return {
      result: suppressed === "SUPPRESSED" ? ("UNSUBSCRIBED" as const) : ("ALREADY_UNSUBSCRIBED" as const),
      context,
    };
  });
}

export async function unsubscribeByToken(
  db: Db,
  token: string,
  source: UnsubscribeSource,
  now: Date,
): Promise<{ result: UnsubscribeResult; context: UnsubscribeContext | null }> {
  const verified = verifyToken(token, "UNSUBSCRIBE", now);
  if (!verified) return { result: "BAD_TOKEN", context: null };
  return unsubscribeMessage(db, verified.messageId, source, now);
}

// ---------------------------------------------------------------------------------------------------------------
// Engagement, for the flow engine

/**
 * Has the shopper engaged with any message of this run: a click, a reply, or an open by a person. Machine opens
 * and machine clicks never count (Apple's proxy "opens" every email; scanners "click" every link), so "+4 h SMS
 * only if not engaged" is not silenced by a robot.
 */
export async function isEngaged(db: DbOrTx, runId: string): Promise<boolean> {
  const event = await db.messageEvent.findFirst({
    where: { type: { in: ["CLICK", "REPLY", "OPEN"] }, message: { scheduled: { runId } } },
    select: { id: true },
  });
  return event !== null;
}
