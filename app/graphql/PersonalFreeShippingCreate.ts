import type { DiscountUserError } from "./PersonalDiscountCreate";

/**
 * A personal free-shipping code for one customer, once, until it expires. Shopify has no free-shipping value on
 * `discountCodeBasicCreate`; free shipping is its own discount type, created with `discountCodeFreeShippingCreate`.
 */
export const PERSONAL_FREE_SHIPPING_CREATE_MUTATION = `#graphql
  mutation PersonalFreeShippingCreate($discount: DiscountCodeFreeShippingInput!) {
    discountCodeFreeShippingCreate(freeShippingCodeDiscount: $discount) {
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

export type PersonalFreeShippingCreateResult = {
  discountCodeFreeShippingCreate: {
    codeDiscountNode: { id: string } | null;
    userErrors: DiscountUserError[];
  } | null;
};
