/**
 * What the first-time buyer welcome says about the products a customer bought: their title, type and the care or
 * usage instructions the merchant keeps in the product metafield `custom.care_instructions` (a common theme
 * convention; a product without it simply gets no tip). Read at send time, so the message uses today's wording.
 */
export const PRODUCT_CARE_INFO_QUERY = `#graphql
  query ProductCareInfo($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on Product {
        id
        title
        productType
        careInstructions: metafield(namespace: "custom", key: "care_instructions") {
          value
        }
      }
    }
  }
`;

export type ProductCareInfoVariables = { ids: string[] };

export type ProductCareInfoResult = {
  nodes: Array<{
    id?: string;
    title?: string;
    productType?: string;
    careInstructions?: { value: string } | null;
  } | null>;
};
