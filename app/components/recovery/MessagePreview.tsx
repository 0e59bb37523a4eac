import { Banner, BlockStack, Box, InlineStack, Text } from "@shopify/polaris";
import type { LocalePreview } from "~/modules/recovery/preview.server";
import { LOCALE_LABELS } from "~/modules/recovery/editor";

/**
 * The rendered message as the shopper would see it. The email is Kindly-rendered HTML (every variable escaped by
 * `textToHtml`), shown in a fully sandboxed iframe (`sandbox=""`: no scripts, no same-origin, no forms), so even a
 * merchant's odd template cannot touch the admin page.
 */
export function MessagePreview({
  preview,
  channel,
  updating,
}: {
  preview: LocalePreview | null;
  channel: "EMAIL" | "SMS";
  updating: boolean;
}) {
  if (!preview) {
    return (
      <Text as="p" tone="subdued">
        The preview appears here.
      </Text>
    );
  }
  const language = LOCALE_LABELS[preview.locale];
  return (
    <BlockStack gap="200">
      <InlineStack align="space-between" blockAlign="center">
        <Text as="h4" variant="headingSm">
          Preview ({language}, sample checkout)
        </Text>
        <Text as="span" tone="subdued" variant="bodySm" aria-live="polite">
          {updating ? "Updating…" : ""}
        </Text>
      </InlineStack>
      {preview.error ? (
        <Banner tone="critical" title="This template cannot be rendered">
          <p>{preview.error}</p>
        </Banner>
      ) : !preview.text ? (
        <Text as="p" tone="subdued">
          Write the {language} message to see it here.
        </Text>
      ) : channel === "EMAIL" ? (
        <BlockStack gap="100">
          <Text as="p">
            <Text as="span" fontWeight="semibold">
              Subject:
            </Text>{" "}
            {preview.subject || "(no subject)"}
          </Text>
          <iframe
            title={`Email preview in ${language}`}
            sandbox=""
            srcDoc={preview.html ?? ""}
            style={{ width: "100%", height: 420, border: "1px solid #e3e3e3", borderRadius: 8, background: "#fff" }}
          />
        </BlockStack>
      ) : preview.sms ? (
        <BlockStack gap="100">
          <Box background="bg-surface-secondary" padding="300" borderRadius="300">
            <Text as="p">
              <span style={{ whiteSpace: "pre-wrap" }}>{preview.sms.body}</span>
            </Text>
          </Box>
          <Text as="p" tone="subdued" variant="bodySm">
            {preview.sms.characters} characters, {preview.sms.encoding}: {preview.sms.segments}{" "}
            {preview.sms.segments === 1 ? "SMS part" : "SMS parts"} (carriers bill per part).
            {preview.sms.encoding === "UCS-2"
              ? " A character outside the basic SMS alphabet (an emoji, some accents) halves the room per part."
              : ""}
          </Text>
          {preview.sms.truncated ? (
            <Banner tone="warning">
              <p>This text is too long for two SMS parts: the words at its end are cut when it is sent. Shorten it.</p>
            </Banner>
          ) : null}
        </BlockStack>
      ) : null}
    </BlockStack>
  );
}
