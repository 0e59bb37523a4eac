import { BlockStack, Card, Layout, List, Page, Text } from "@shopify/polaris";

/**
 * An honest empty state for a page whose feature has not shipped yet: what it will do, and nothing made up.
 * (No illustration: images from Shopify's CDN cannot load outside Shopify, and this page should not fake them.)
 */
export function NotBuiltYet({ title, summary, upcoming }: { title: string; summary: string; upcoming: string[] }) {
  return (
    <Page title={title}>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Not available yet
              </Text>
              <Text as="p">{summary}</Text>
              <Text as="p" tone="subdued">
                When it ships, this page will let you:
              </Text>
              <List>
                {upcoming.map((item) => (
                  <List.Item key={item}>{item}</List.Item>
                ))}
              </List>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
