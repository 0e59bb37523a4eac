import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { LoginErrorType } from "@shopify/shopify-app-remix/server";
import { MAX_PUBLIC_FORM_BYTES, readLimitedBody } from "~/modules/messaging/http.server";
import { login } from "~/shopify.server";

function errorMessage(errors: Awaited<ReturnType<typeof login>> | null): string | undefined {
  if (!errors || errors instanceof Response) return undefined;
  if (errors.shop === LoginErrorType.MissingShop) return "Enter your shop domain to log in.";
  if (errors.shop === LoginErrorType.InvalidShop) return "Enter a valid shop domain, such as my-shop.myshopify.com.";
  return undefined;
}

export const loader = async ({ request }: LoaderFunctionArgs) => ({ error: errorMessage(await login(request)) });
export const action = async ({ request }: ActionFunctionArgs) => {
  // A public form: bounded before Shopify's library reads it.
  const read = await readLimitedBody(request, MAX_PUBLIC_FORM_BYTES);
  if (!read.ok) return new Response(null, { status: 413 });
  const bounded = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: new Uint8Array(read.body),
  });
  return { error: errorMessage(await login(bounded)) };
};

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const error = actionData?.error ?? loaderData.error;
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 480, margin: "48px auto", padding: "0 16px" }}>
      <h1>Log in to Kindly</h1>
      <Form method="post">
        <label htmlFor="shop">Shop domain</label>
        <input
          id="shop"
          name="shop"
          autoComplete="on"
          aria-describedby={error ? "shop-error" : undefined}
          style={{ display: "block", minHeight: 44, width: "100%" }}
        />
        {error ? (
          <p id="shop-error" role="alert" style={{ color: "#8e1f0b" }}>
            {error}
          </p>
        ) : null}
        <button type="submit" style={{ marginTop: 8, minHeight: 44, padding: "0 16px" }}>
          Log in
        </button>
      </Form>
    </main>
  );
}
