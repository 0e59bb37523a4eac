import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { isUniqueViolation } from "~/db.server";
import {
  PERSONAL_DISCOUNT_CREATE_MUTATION,
  type DiscountUserError,
  type PersonalDiscountCreateResult,
} from "~/graphql/PersonalDiscountCreate";
import {
  PERSONAL_FREE_SHIPPING_CREATE_MUTATION,
  type PersonalFreeShippingCreateResult,
} from "~/graphql/PersonalFreeShippingCreate";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import {
  DISCOUNT_PURPOSES,
  DiscountInputError,
  basicDiscountInput,
  discountTitle,
  freeShippingInput,
  newDiscountCode,
  validateTerms,
  type DiscountKind,
  type DiscountPurpose,
} from "./discounts";

export interface PersonalDiscountInput {
  shop: string;
  /** Kindly's Customer id (not the Shopify id). */
  customerId: string;
  purpose: DiscountPurpose;
  kind: DiscountKind;
  /** Percent (1–100) or an amount in the shop's currency; nothing for free shipping. */
  value?: string | number | null;
  expiresAt: Date;
  conversationId?: string | null;
  now: Date;
  /** Tests inject a fixed code sequence; production uses crypto random codes. */
  newCode?: (purpose: DiscountPurpose) => string;
}

export interface PersonalDiscount {
  grantId: string;
  code: string;
  expiresAt: Date;
}

/** Shopify refused the discount: its user errors, worded for the merchant. */
export class DiscountRejectedError extends Error {
  constructor(readonly userErrors: DiscountUserError[]) {
    super(`Shopify did not create the code: ${userErrors.map((error) => error.message).join("; ")}`);
    this.name = "DiscountRejectedError";
  }
}

const CODE_ATTEMPTS = 4;

/**
 * Creates a personal code in Shopify, limited to this customer, usable once, until `expiresAt`, and records it as a
 * DiscountGrant. The code is reserved in Kindly's table first (unique per shop) and released if Shopify refuses it,
 * so a failure leaves nothing behind; a code Shopify already has (TAKEN) is retried with a new one.
 */
export async function createPersonalDiscount(
  admin: AdminApiContext,
  input: PersonalDiscountInput,
): Promise<PersonalDiscount> {
  if (!DISCOUNT_PURPOSES.includes(input.purpose)) {
    throw new DiscountInputError("Unknown purpose for a personal code.", "purpose");
  }
  const terms = validateTerms({ kind: input.kind, value: input.value, expiresAt: input.expiresAt, now: input.now });
  const [customer, shop] = await Promise.all([
    prisma.customer.findFirst({ where: { id: input.customerId, shop: input.shop }, select: { shopifyId: true } }),
    prisma.shop.findUnique({ where: { shop: input.shop }, select: { currencyCode: true } }),
  ]);
  if (!customer) throw new DiscountInputError("No such customer in this shop.", "customer");
  if (!customer.shopifyId) {
    throw new DiscountInputError(
      "This customer has no Shopify customer account yet, so a personal code cannot be limited to them.",
      "customer",
    );
  }
  const customerGid = customer.shopifyId;
  const title = discountTitle(input.purpose, customerGid);
  const makeCode = input.newCode ?? ((purpose: DiscountPurpose) => newDiscountCode(purpose));

  let lastErrors: DiscountUserError[] = [];
  for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
    const code = makeCode(input.purpose);
    let grantId: string;
    try {
      grantId = (
        await prisma.discountGrant.create({
          data: {
            shop: input.shop,
            customerId: input.customerId,
            conversationId: input.conversationId ?? null,
            purpose: input.purpose,
            code,
            kind: terms.kind,
            value: terms.value,
            currencyCode: terms.kind === "FIXED_AMOUNT" ? (shop?.currencyCode ?? null) : null,
            expiresAt: terms.expiresAt,
            createdAt: input.now,
          },
          select: { id: true },
        })
      ).id;
    } catch (error) {
      if (isUniqueViolation(error)) continue;
      throw error;
    }

    let payload: { codeDiscountNode: { id: string } | null; userErrors: DiscountUserError[] } | null;
    try {
      if (terms.kind === "FREE_SHIPPING") {
        const data = await runAdminQuery<PersonalFreeShippingCreateResult>(
          admin,
          "PersonalFreeShippingCreate",
          PERSONAL_FREE_SHIPPING_CREATE_MUTATION,
          { discount: freeShippingInput(code, title, customerGid, terms, input.now) },
        );
        payload = data.discountCodeFreeShippingCreate;
      } else {
        const data = await runAdminQuery<PersonalDiscountCreateResult>(
          admin,
          "PersonalDiscountCreate",
          PERSONAL_DISCOUNT_CREATE_MUTATION,
          { discount: basicDiscountInput(code, title, customerGid, terms, input.now) },
        );
        payload = data.discountCodeBasicCreate;
      }
    } catch (error) {
      await prisma.discountGrant.delete({ where: { id: grantId } });
      throw error;
    }

    if (payload?.codeDiscountNode) {
      await prisma.discountGrant.update({
        where: { id: grantId },
        data: { shopifyDiscountId: payload.codeDiscountNode.id },
      });
      return { grantId, code, expiresAt: terms.expiresAt };
    }
    await prisma.discountGrant.delete({ where: { id: grantId } });
    lastErrors = payload?.userErrors ?? [{ field: null, message: "No discount returned", code: null }];
    const taken = lastErrors.length > 0 && lastErrors.every((error) => error.code === "TAKEN");
    if (!taken) throw new DiscountRejectedError(lastErrors);
  }
  throw new DiscountRejectedError(lastErrors);
}

/** The codes Kindly created for a customer, newest first (customer card, Customers page). */
export function listCustomerDiscounts(shop: string, customerId: string) {
  return prisma.discountGrant.findMany({
    where: { shop, customerId },
    orderBy: { createdAt: "desc" },
    take: 20,
  });
}
