import { useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useFetcher, useLoaderData } from "@remix-run/react";
import {
  Banner,
  BlockStack,
  Button,
  Card,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import {
  createSavedReply,
  deleteSavedReply,
  listSavedReplies,
  updateSavedReply,
} from "~/modules/inbox/saved-replies.server";
import { SavedReplyActionSchema, type InboxActionResponse } from "~/modules/inbox/schemas";
import { authenticateAdmin } from "~/shopify.server";

/** Saved replies: create, edit and delete the answers the team inserts into replies. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  return { replies: await listSavedReplies(shop) };
};

export const meta: MetaFunction = () => [{ title: "Saved replies · Inbox · Kindly" }];

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return null;
  }
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const parsed = SavedReplyActionSchema.safeParse(await readJson(request));
  if (!parsed.success) {
    return data<InboxActionResponse>(
      { ok: false, message: parsed.error.issues[0]?.message ?? "That request was not understood." },
      { status: 400 },
    );
  }
  const input = parsed.data;
  const notFound = () => new Response("Saved reply not found", { status: 404 });
  switch (input.intent) {
    case "create":
      await createSavedReply(shop, input);
      return { ok: true, message: "Saved reply added." } satisfies InboxActionResponse;
    case "update":
      if ((await updateSavedReply(shop, input.id, input)) === "NOT_FOUND") throw notFound();
      return { ok: true, message: "Saved reply updated." } satisfies InboxActionResponse;
    case "delete":
      if ((await deleteSavedReply(shop, input.id)) === "NOT_FOUND") throw notFound();
      return { ok: true, message: "Saved reply deleted." } satisfies InboxActionResponse;
  }
};

export default function SavedRepliesPage() {
  const { replies } = useLoaderData<typeof loader>();
  const fetcher = useFetcher<InboxActionResponse>();
  const [editing, setEditing] = useState<{ id: string | null; title: string; body: string }>({
    id: null,
    title: "",
    body: "",
  });
  const submit = (body: Record<string, string>) =>
    fetcher.submit(body, { method: "post", encType: "application/json" });
  const save = () => {
    submit(
      editing.id
        ? { intent: "update", id: editing.id, title: editing.title, body: editing.body }
        : { intent: "create", title: editing.title, body: editing.body },
    );
    setEditing({ id: null, title: "", body: "" });
  };

  return (
    <Page title="Saved replies" backAction={{ content: "Inbox", url: "/app/inbox" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {fetcher.data && fetcher.state === "idle" ? (
              <Banner tone={fetcher.data.ok ? "success" : "critical"}>
                <p>{fetcher.data.message}</p>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  {editing.id ? "Edit saved reply" : "New saved reply"}
                </Text>
                <TextField
                  label="Title"
                  value={editing.title}
                  onChange={(title) => setEditing({ ...editing, title })}
                  autoComplete="off"
                  maxLength={100}
                />
                <TextField
                  label="Text"
                  value={editing.body}
                  onChange={(body) => setEditing({ ...editing, body })}
                  multiline={4}
                  autoComplete="off"
                  maxLength={5000}
                />
                <InlineStack gap="200">
                  <Button
                    variant="primary"
                    onClick={save}
                    disabled={!editing.title.trim() || !editing.body.trim()}
                    loading={fetcher.state !== "idle"}
                  >
                    {editing.id ? "Save changes" : "Add saved reply"}
                  </Button>
                  {editing.id ? (
                    <Button onClick={() => setEditing({ id: null, title: "", body: "" })}>Cancel</Button>
                  ) : null}
                </InlineStack>
              </BlockStack>
            </Card>
            <Card>
              {replies.length === 0 ? (
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    No saved replies yet
                  </Text>
                  <Text as="p" tone="subdued">
                    Save the answers you give often (delivery times, returns, sizes) and insert them in one click.
                  </Text>
                </BlockStack>
              ) : (
                <BlockStack gap="300">
                  {replies.map((reply) => (
                    <BlockStack key={reply.id} gap="100">
                      <InlineStack align="space-between" blockAlign="center">
                        <Text as="h3" variant="headingSm">
                          {reply.title}
                        </Text>
                        <InlineStack gap="200">
                          <Button
                            size="slim"
                            onClick={() => setEditing({ id: reply.id, title: reply.title, body: reply.body })}
                          >
                            Edit
                          </Button>
                          <Button
                            size="slim"
                            tone="critical"
                            onClick={() => submit({ intent: "delete", id: reply.id })}
                          >
                            Delete
                          </Button>
                        </InlineStack>
                      </InlineStack>
                      <Text as="p" variant="bodySm" tone="subdued">
                        <span style={{ whiteSpace: "pre-wrap" }}>{reply.body}</span>
                      </Text>
                    </BlockStack>
                  ))}
                </BlockStack>
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
