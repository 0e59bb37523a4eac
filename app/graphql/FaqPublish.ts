/**
 * Writes the published FAQ (JSON) to the app-data metafield `kindly.faq` on the app installation: only Kindly can
 * write it, merchants and other apps cannot, and the theme app extension reads it as `app.metafields.kindly.faq`.
 */
export const FAQ_PUBLISH_MUTATION = `#graphql
  mutation FaqPublish($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
        updatedAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export type FaqPublishVariables = {
  metafields: Array<{ ownerId: string; namespace: string; key: string; type: string; value: string }>;
};

export type FaqPublishResult = {
  metafieldsSet: {
    metafields: Array<{ id: string; updatedAt: string }> | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string | null }>;
  };
};
