/**
 * Removes tags from one customer: only tags Kindly added itself (Customer.kindlyTagsJson) are ever passed.
 */
export const CUSTOMER_TAGS_REMOVE_MUTATION = `#graphql
  mutation CustomerTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
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

export type CustomerTagsRemoveVariables = { id: string; tags: string[] };

export type CustomerTagsRemoveResult = {
  tagsRemove: {
    node: { id: string } | null;
    userErrors: Array<{ field: string[] | null; message: string }>;
  } | null;
};
