import type prisma from "~/db.server";
import type { Tx } from "~/modules/webhooks/receive.server";

type Db = Tx | typeof prisma;

/**
 * Every engagement event of a message goes through here: the event row (the full history) and, for the kinds the
 * dashboard counts, the time of the first one on the message itself. Reports then count messages with an open,
 * click, reply, unsubscribe or bounce in one range scan of the period's messages, without joining events.
 * MACHINE_OPEN (privacy proxies, scanners) and DELIVERED have no flag: they are not engagement.
 */
const FIRST_AT = {
  OPEN: "openedAt",
  CLICK: "clickedAt",
  REPLY: "repliedAt",
  UNSUBSCRIBE: "unsubscribedAt",
  BOUNCE: "bouncedAt",
} as const;

export interface MessageEventInput {
  shop: string;
  messageId: string;
  type: string;
  at: Date;
  detailJson?: string | null;
}

export async function recordMessageEvent(db: Db, event: MessageEventInput): Promise<void> {
  await db.messageEvent.create({ data: { ...event, detailJson: event.detailJson ?? null } });
  const column = FIRST_AT[event.type as keyof typeof FIRST_AT];
  if (column) {
    await db.message.updateMany({
      where: { id: event.messageId, shop: event.shop, [column]: null },
      data: { [column]: event.at },
    });
  }
}
