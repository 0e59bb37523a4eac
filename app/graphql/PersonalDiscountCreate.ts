/**
 * A personal discount code (percentage or amount off everything) that only one customer can use, once, until it
 * expires: a reward, an apology after a low CSAT score or a VIP perk. `context.customers` limits it to that customer
 * (the 2026-01 replacement of the deprecated `customerSelection`).
 */
export const PERSONAL_DISCOUNT_CREATE_MUTATION = `#graphql
  mutation PersonalDiscountCreate($discount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $discount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export type DiscountUserError = { field: string[] | null; message: string; code: string | null };

export type PersonalDiscountCreateResult = {
  discountCodeBasicCreate: {
    codeDiscountNode: { id: string } | null;
    userErrors: DiscountUserError[];
  } | null;
};
