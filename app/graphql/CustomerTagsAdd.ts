/**
 * Adds tags to one customer (merged case-insensitively by Shopify): how a segment is synced to Shopify.
 */
export const CUSTOMER_TAGS_ADD_MUTATION = `#graphql
  mutation CustomerTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      node {
        id
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export type CustomerTagsAddVariables = { id: string; tags: string[] };

export type CustomerTagsAddResult = {
  tagsAdd: {
    node: { id: string } | null;
    userErrors: Array<{ field: string[] | null; message: string }>;
  } | null;
};
