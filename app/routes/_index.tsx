import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { isDemoMode, login } from "~/shopify.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  // Shopify opens the app URL with ?shop=...: hand over to the embedded admin.
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  if (isDemoMode()) throw redirect("/demo");
  return { showForm: Boolean(login) };
};

export default function Landing() {
  const { showForm } = useLoaderData<typeof loader>();
  return (
    <main
      style={{
        fontFamily: "system-ui, sans-serif",
        maxWidth: 640,
        margin: "48px auto",
        padding: "0 16px",
        lineHeight: 1.5,
      }}
    >
      <h1>Kindly</h1>
      <p>
        Customer care for Shopify stores: helpful abandoned-checkout conversations, one inbox for chat, email and SMS,
        and customer insight, all in the voice of a person who wants to help.
      </p>
      {showForm ? (
        <Form method="post" action="/auth/login">
          <label htmlFor="shop" style={{ display: "block", marginBottom: 4 }}>
            Shop domain
          </label>
          <input
            id="shop"
            name="shop"
            placeholder="my-shop.myshopify.com"
            style={{ minHeight: 44, width: "100%", padding: "0 8px" }}
          />
          <button type="submit" style={{ marginTop: 8, minHeight: 44, padding: "0 16px" }}>
            Log in
          </button>
        </Form>
      ) : null}
    </main>
  );
}
