import type { ActionFunctionArgs } from "@remix-run/node";
import { handleBulkFinishWebhook } from "~/modules/customers/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleBulkFinishWebhook(request);
