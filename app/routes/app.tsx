import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, isRouteErrorResponse, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, InlineStack, Page, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { authenticateAdmin } from "~/shopify.server";
import { getEnv } from "~/env.server";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const ADMIN_NAV = [
  { to: "/app", label: "Dashboard", rel: "home" },
  { to: "/app/recovery", label: "Recovery" },
  { to: "/app/flows", label: "Flows" },
  { to: "/app/inbox", label: "Inbox" },
  { to: "/app/customers", label: "Customers" },
  { to: "/app/faq", label: "FAQ" },
  { to: "/app/settings", label: "Settings" },
] as const;

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { demo, shop } = await authenticateAdmin(request);
  return { apiKey: getEnv().SHOPIFY_API_KEY, demo, shop };
};

export default function AdminLayout() {
  const { apiKey, demo, shop } = useLoaderData<typeof loader>();
  // Outside Shopify's iframe (the local demo) App Bridge cannot load, so the demo shows its own navigation.
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? (
        <DemoNavigation shop={shop} />
      ) : (
        <NavMenu>
          {ADMIN_NAV.map((item) => (
            <Link key={item.to} to={item.to} rel={"rel" in item ? item.rel : undefined}>
              {item.label}
            </Link>
          ))}
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

function DemoNavigation({ shop }: { shop: string }) {
  const location = useLocation();
  return (
    <nav aria-label="Kindly" style={{ background: "#1a1a1a", padding: "8px 16px" }}>
      <InlineStack gap="400" blockAlign="center">
        <span style={{ color: "#fff", fontWeight: 650 }}>Kindly · {shop}</span>
        {ADMIN_NAV.map((item) => {
          const current = item.to === "/app" ? location.pathname === "/app" : location.pathname.startsWith(item.to);
          return (
            <Link
              key={item.to}
              to={item.to}
              aria-current={current ? "page" : undefined}
              style={{
                color: "#fff",
                textDecoration: current ? "underline" : "none",
                padding: "12px 4px",
                display: "inline-block",
              }}
            >
              {item.label}
            </Link>
          );
        })}
        <a href="/demo" style={{ color: "#fff", marginLeft: "auto", padding: "12px 4px" }}>
          Demo home
        </a>
      </InlineStack>
    </nav>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included in the response.
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && (error.status === 401 || error.status === 302 || error.status === 410)) {
    return boundary.error(error);
  }
  return <ErrorCard error={error} />;
}

export function ErrorCard({ error }: { error: unknown }) {
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something went wrong";
  const detail = isRouteErrorResponse(error)
    ? typeof error.data === "string"
      ? error.data
      : "The page could not be loaded."
    : "Kindly hit an unexpected error. Reload the page; if it happens again, the server log has the details.";
  return (
    <Page title="Kindly">
      <Card>
        <BlockStack gap="200">
          <Banner tone="critical" title={title}>
            <Text as="p">{detail}</Text>
          </Banner>
        </BlockStack>
      </Card>
    </Page>
  );
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
