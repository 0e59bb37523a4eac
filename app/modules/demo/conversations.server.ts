import prisma from "~/db.server";
import { recordInboundMessage, type InboundMessage } from "~/modules/inbox/conversations.server";
import { slaDueTimes } from "~/modules/inbox/sla.server";

/**
 * Demo conversations, so the inbox has something to answer on first start: an email reply to a recovery message
 * (with a quoted original, a signature and an attachment), a VIP's email (marked VIP here; no customer row is made), a text message and a storefront chat.
 * Written through the same seam as real channels (`recordInboundMessage`), so SLA clocks and unread counts are real.
 * Runs once: a shop that already has conversations is left alone.
 */
export const DEMO_CONVERSATION_SUBJECT = "Re: Can I help with your order?";

export async function seedDemoConversations(shop: string, now: Date): Promise<number> {
  if ((await prisma.conversation.count({ where: { shop } })) > 0) return 0;
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const checkout = await prisma.checkout.findFirst({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });

  const vipEmail = "margaux.lefevre@example.org";

  const messages: InboundMessage[] = [
    {
      shop,
      channel: "EMAIL",
      from: { email: "camille.durand@example.org", name: "Camille Durand" },
      subject: DEMO_CONVERSATION_SUBJECT,
      body: [
        "Hello,",
        "",
        "my card was declined twice at the payment step, I think my bank wanted a confirmation in the app but the page timed out.",
        "Can you keep the linen shirt for me until tonight?",
        "",
        "Thanks,",
        "Camille",
        "",
        "-- ",
        "Camille Durand",
        "",
        "On Mon, 23 Nov 2026 at 10:02, Atelier Lumière <hello@atelier-lumiere.example> wrote:",
        "> Hi Camille, I noticed you didn't finish your order. Can I help?",
      ].join("\n"),
      bodyHtml:
        '<p>Hello,</p><p>my card was declined twice at the payment step, I think my bank wanted a confirmation in the app but the page timed out.</p><p>Can you keep the linen shirt for me until tonight?</p><p>Thanks,<br>Camille</p><img src="https://images.example.org/signature-logo.png" alt="Camille\'s logo">',
      emailMessageId: "<demo-camille-1@mail.example.org>",
      inReplyTo: "<demo-recovery-1.kindly@kindly-demo.myshopify.com>",
      attachments: [{ filename: "declined-card.png", contentType: "image/png", size: 48_213 }],
      checkoutId: checkout?.id ?? null,
      locale: "en",
      receivedAt: ago(25),
    },
    {
      shop,
      channel: "EMAIL",
      from: { email: vipEmail, name: "Margaux Lefèvre" },
      subject: "Cadeau pour vendredi",
      body: "Bonjour, je voudrais offrir la lampe en lin à ma sœur : peut-elle arriver avant vendredi ? Merci !",
      emailMessageId: "<demo-margaux-1@mail.example.org>",
      locale: "fr",
      receivedAt: ago(50),
    },
    {
      shop,
      channel: "SMS",
      from: { phone: "+33612345678" },
      body: "Hi, is the linen shirt back in stock in size M?",
      receivedAt: ago(130),
    },
    {
      shop,
      channel: "CHAT",
      from: { visitorId: "demo-visitor-1", name: "Lucas" },
      body: "Is delivery free to Belgium?",
      locale: "en",
      receivedAt: ago(8),
    },
  ];
  for (const message of messages) {
    const recorded = await recordInboundMessage(prisma, message);
    if (message.from.email === vipEmail) {
      // The customers sync decides segments; the demo marks this one VIP directly, with the VIP target.
      const due = await slaDueTimes(prisma, shop, message.receivedAt, true);
      await prisma.conversation.update({ where: { id: recorded.conversationId }, data: { vip: true, ...due } });
    }
  }
  return messages.length;
}
