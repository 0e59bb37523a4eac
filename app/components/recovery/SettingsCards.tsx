import { Banner, BlockStack, Card, ChoiceList, List, Text, TextField } from "@shopify/polaris";
import { MAX_HOLDOUT_PERCENT, type ConsentPolicyChoice } from "~/modules/recovery/editor";
import { clockTime } from "~/components/recovery/format";

export function ConsentPolicyCard({
  value,
  error,
  onChange,
}: {
  value: ConsentPolicyChoice;
  error?: string;
  onChange: (value: ConsentPolicyChoice) => void;
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Who may receive recovery emails
        </Text>
        <ChoiceList
          title="Consent policy"
          titleHidden
          error={error}
          choices={[
            {
              label: "Only contacts subscribed to email marketing (recommended)",
              value: "SUBSCRIBED_ONLY",
              helpText: "The same rule as Shopify's own abandoned-checkout emails.",
            },
            {
              label: "Also email contacts who did not subscribe, where my law allows",
              value: "ALLOW_NON_SUBSCRIBED_EMAIL",
              helpText:
                "Never someone who unsubscribed. SMS always requires an SMS subscription, whatever you choose here.",
            },
          ]}
          selected={[value]}
          onChange={([selected]) =>
            onChange(selected === "ALLOW_NON_SUBSCRIBED_EMAIL" ? "ALLOW_NON_SUBSCRIBED_EMAIL" : "SUBSCRIBED_ONLY")
          }
        />
        {value === "ALLOW_NON_SUBSCRIBED_EMAIL" ? (
          <Banner tone="critical" title="You take on the legal risk of emailing people who did not subscribe">
            <BlockStack gap="200">
              <p>
                In many places a follow-up about an abandoned checkout counts as marketing, and marketing email needs
                the person's prior consent: in the EU and the UK (GDPR and the ePrivacy rules, PECR) and in Canada
                (CASL), for example, exceptions are narrow and fines are counted per message.
              </p>
              <p>
                Choose this only if you have checked that it is lawful where your customers live. Kindly still never
                emails someone who unsubscribed, and every email carries a one-click unsubscribe link.
              </p>
            </BlockStack>
          </Banner>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export function HoldoutCard({
  value,
  error,
  onChange,
}: {
  value: string;
  error?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Measure what Kindly really adds (holdout)
        </Text>
        <Text as="p">
          Some shoppers come back and order whether or not they get a message. To show the revenue recovery actually
          adds, a share of abandoned checkouts (picked at random, always the same for a given checkout) receives no
          message at all. Comparing how much they order with the others gives the incremental revenue, with its margin
          of error.
        </Text>
        <TextField
          label="Share of checkouts that receive nothing"
          type="number"
          min={0}
          max={MAX_HOLDOUT_PERCENT}
          suffix="%"
          autoComplete="off"
          value={value}
          onChange={onChange}
          error={error}
          helpText={`0 turns it off; at most ${MAX_HOLDOUT_PERCENT} %. 10 % is a common choice. A change applies to checkouts that enter the flow afterwards.`}
        />
      </BlockStack>
    </Card>
  );
}

export function QuietHoursCard({
  quietHours,
  frequencyCapHours,
}: {
  quietHours: { start: number; end: number };
  frequencyCapHours: number;
}) {
  return (
    <Card>
      <BlockStack gap="200">
        <Text as="h2" variant="headingMd">
          Rules Kindly always applies
        </Text>
        <List>
          <List.Item>
            Quiet hours: no SMS between {clockTime(quietHours.start)} and {clockTime(quietHours.end)} in the shopper's
            local time. An SMS due then waits for the morning, and is skipped rather than sent more than 48 hours after
            the checkout.
          </List.Item>
          <List.Item>At most one recovery SMS per checkout, only to shoppers subscribed to SMS marketing.</List.Item>
          <List.Item>
            Frequency cap: a contact is not messaged about two different checkouts within {frequencyCapHours} hours.
          </List.Item>
          <List.Item>
            The sequence stops as soon as the shopper orders, replies, or unsubscribes (or texts STOP).
          </List.Item>
        </List>
        <Text as="p" tone="subdued">
          Quiet hours and the frequency cap are store settings, shown here for reference.
        </Text>
      </BlockStack>
    </Card>
  );
}
