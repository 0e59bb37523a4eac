/**
 * The app installation's id (the owner of Kindly's app-data metafields, which Liquid reads through `app.metafields`)
 * and the FAQ Kindly last published there: what the storefront shows now, and when it was written.
 */
export const FAQ_PUBLISHED_QUERY = `#graphql
  query FaqPublished {
    currentAppInstallation {
      id
      metafield(namespace: "kindly", key: "faq") {
        jsonValue
        updatedAt
      }
    }
  }
`;

export type FaqPublishedResult = {
  currentAppInstallation: {
    id: string;
    metafield: { jsonValue: unknown; updatedAt: string } | null;
  };
};
