/** What Kindly needs to know about a shop when it is installed: name, contact, currency, time zone, policies. */
export const SHOP_INFO_QUERY = `#graphql
  query ShopInfo {
    shop {
      id
      name
      email
      contactEmail
      myshopifyDomain
      currencyCode
      ianaTimezone
      primaryDomain {
        host
        url
      }
      shopPolicies {
        type
        title
        url
      }
    }
  }
`;

export type ShopInfoResult = {
  shop: {
    id: string;
    name: string;
    email: string;
    contactEmail: string;
    myshopifyDomain: string;
    currencyCode: string;
    ianaTimezone: string;
    primaryDomain: { host: string; url: string };
    shopPolicies: Array<{ type: string; title: string; url: string }>;
  };
};
