import prisma from "~/db.server";
import type { Checkout } from "~/generated/prisma/client";
import { getLogger } from "~/logger.server";
import { unauthenticated } from "~/shopify.server";
import { CUSTOMER_CONSENT_QUERY, type CustomerConsentResult } from "~/graphql/CustomerConsent";
import { SendError } from "~/modules/messaging/send-error";

/**
 * The shopper's marketing state for a channel. The checkout payload's own consent wins (stored at ingest); when it
 * said nothing and the checkout belongs to a Shopify customer, the Admin API is asked once and the answer stored on
 * the checkout and the customer. No answer means no consent: Kindly never guesses in favour of sending.
 */
export async function resolveMarketingConsent(checkout: Checkout, channel: "EMAIL" | "SMS"): Promise<string | null> {
  const known = channel === "EMAIL" ? checkout.emailMarketingState : checkout.smsMarketingState;
  if (known) return known;
  if (!checkout.customerId) return null;
  const customer = await prisma.customer.findFirst({
    where: { id: checkout.customerId, shop: checkout.shop },
    select: { id: true, shopifyId: true, emailMarketingState: true, smsMarketingState: true },
  });
  if (!customer?.shopifyId) return null;
  try {
    const { admin } = await unauthenticated.admin(checkout.shop);
    const response = await admin.graphql(CUSTOMER_CONSENT_QUERY, { variables: { id: customer.shopifyId } });
    const body = (await response.json()) as { data?: CustomerConsentResult; errors?: unknown };
    const found = body.data?.customer;
    if (!found) return null;
    const emailState = found.defaultEmailAddress?.marketingState ?? null;
    const smsState = found.defaultPhoneNumber?.marketingState ?? null;
    await prisma.checkout.update({
      where: { id: checkout.id },
      data: { emailMarketingState: emailState ?? "UNKNOWN", smsMarketingState: smsState ?? "UNKNOWN" },
    });
    await prisma.customer.update({
      where: { id: customer.id },
      data: { emailMarketingState: emailState, smsMarketingState: smsState },
    });
    return channel === "EMAIL" ? emailState : smsState;
  } catch (error) {
    // Shopify unreachable or throttled: retry the step later rather than skip it, and never send on a guess.
    const detail = error instanceof Error ? error.message : String(error);
    getLogger().warn({ shop: checkout.shop, err: detail }, "consent lookup failed");
    throw new SendError(`Could not read marketing consent from Shopify: ${detail}`, {
      code: "PROVIDER_TEMPORARY",
      retryable: true,
      cause: error,
    });
  }
}
