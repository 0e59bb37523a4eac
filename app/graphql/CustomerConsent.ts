/**
 * A customer's marketing consent, language and time zone: what Kindly checks before an email or SMS (consent is read
 * from Shopify at send time, not trusted from webhook bodies, which carry no consent fields).
 * `defaultPhoneNumber.marketingState` is deprecated in 2026-01 with no replacement yet in that version; see
 * tests/support/emulator/schema-check.ts (DEPRECATION_EXCEPTIONS).
 */
export const CUSTOMER_CONSENT_QUERY = `#graphql
  query CustomerConsent($id: ID!) {
    customer(id: $id) {
      id
      locale
      defaultEmailAddress {
        emailAddress
        marketingState
        marketingUpdatedAt
      }
      defaultPhoneNumber {
        phoneNumber
        marketingState
      }
      defaultAddress {
        countryCodeV2
        timeZone
      }
    }
  }
`;

export type EmailMarketingState = "INVALID" | "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED";
export type SmsMarketingState = "NOT_SUBSCRIBED" | "PENDING" | "SUBSCRIBED" | "UNSUBSCRIBED" | "REDACTED";

export type CustomerConsentVariables = { id: string };

export type CustomerConsentResult = {
  customer: {
    id: string;
    locale: string;
    defaultEmailAddress: {
      emailAddress: string;
      marketingState: EmailMarketingState;
      marketingUpdatedAt: string | null;
    } | null;
    defaultPhoneNumber: { phoneNumber: string; marketingState: SmsMarketingState } | null;
    defaultAddress: { countryCodeV2: string | null; timeZone: string | null } | null;
  } | null;
};
