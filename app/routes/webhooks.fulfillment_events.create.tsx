import type { ActionFunctionArgs } from "@remix-run/node";
import { handleFulfillmentEventWebhook } from "~/modules/flows/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleFulfillmentEventWebhook(request);
