/**
 * The initial customer import: one bulk operation over customers and their orders, with what segments and the CLV
 * model need (order dates and totals per customer, consent and contact for messaging, language and time zone).
 *
 * `groupObjects: true` asks Shopify to write each customer's orders right after the customer. Since 2026-01 the
 * default is ungrouped (faster, no order guaranteed); grouping lets the importer stream the file and finish one
 * customer's purchase history before the next, in constant memory.
 */
export const BULK_CUSTOMERS_QUERY = `#graphql
  {
    customers {
      edges {
        node {
          id
          firstName
          lastName
          locale
          createdAt
          updatedAt
          tags
          numberOfOrders
          amountSpent {
            amount
            currencyCode
          }
          defaultEmailAddress {
            emailAddress
            marketingState
          }
          defaultPhoneNumber {
            phoneNumber
            marketingState
          }
          defaultAddress {
            countryCodeV2
            timeZone
          }
          orders {
            edges {
              node {
                id
                name
                processedAt
                cancelledAt
                displayFinancialStatus
                totalPriceSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
                currentTotalPriceSet {
                  shopMoney {
                    amount
                    currencyCode
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

export const BULK_CUSTOMERS_IMPORT_MUTATION = `#graphql
  mutation BulkCustomersImport($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation {
        id
        status
        createdAt
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

export type BulkCustomersImportVariables = { query: string };

export type BulkCustomersImportResult = {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string; createdAt: string } | null;
    userErrors: Array<{ field: string[] | null; message: string; code: string | null }>;
  } | null;
};

type Money = { amount: string; currencyCode: string };

/** One line of the result file for a customer (no `__parentId`). Counts are strings: UnsignedInt64. */
export type BulkCustomerLine = {
  id: string;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  createdAt: string;
  updatedAt: string;
  tags: string[];
  numberOfOrders: string;
  amountSpent: Money;
  defaultEmailAddress: { emailAddress: string; marketingState: string } | null;
  defaultPhoneNumber: { phoneNumber: string; marketingState: string } | null;
  defaultAddress: { countryCodeV2: string | null; timeZone: string | null } | null;
};

/** One line for an order; `__parentId` is its customer's id. */
export type BulkCustomerOrderLine = {
  id: string;
  name: string;
  processedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  totalPriceSet: { shopMoney: Money };
  currentTotalPriceSet: { shopMoney: Money };
  __parentId: string;
};
