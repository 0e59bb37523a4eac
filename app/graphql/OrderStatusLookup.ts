/**
 * Storefront order lookup without an account: the shopper gives an order number and an e-mail. Kindly finds the
 * order by name, then compares the e-mail itself before showing anything, so a wrong e-mail reveals nothing.
 */
export const ORDER_STATUS_LOOKUP_QUERY = `#graphql
  query OrderStatusLookup($query: String!) {
    orders(first: 5, query: $query) {
      nodes {
        id
        name
        email
        processedAt
        cancelledAt
        displayFinancialStatus
        displayFulfillmentStatus
        statusPageUrl
        fulfillments(first: 10) {
          displayStatus
          createdAt
          inTransitAt
          deliveredAt
          estimatedDeliveryAt
          trackingInfo(first: 5) {
            company
            number
            url
          }
        }
      }
    }
  }
`;

/** The search string for an order number as a shopper types it ("1001", "#1001"), quoted for Shopify's syntax. */
export function orderNameSearch(orderNumber: string): string {
  const digits = orderNumber.trim().replace(/^#/, "");
  if (!/^\d{1,12}$/.test(digits)) throw new Error("An order number is digits, optionally after #");
  return `name:"#${digits}"`;
}

export type OrderStatusLookupVariables = { query: string };

export type OrderStatusLookupResult = {
  orders: {
    nodes: Array<{
      id: string;
      name: string;
      email: string | null;
      processedAt: string;
      cancelledAt: string | null;
      displayFinancialStatus: string | null;
      displayFulfillmentStatus: string;
      statusPageUrl: string;
      fulfillments: Array<{
        displayStatus: string | null;
        createdAt: string;
        inTransitAt: string | null;
        deliveredAt: string | null;
        estimatedDeliveryAt: string | null;
        trackingInfo: Array<{ company: string | null; number: string | null; url: string | null }>;
      }>;
    }>;
  };
};
