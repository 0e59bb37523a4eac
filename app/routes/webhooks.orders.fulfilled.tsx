import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOrderFulfilledWebhook } from "~/modules/flows/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleOrderFulfilledWebhook(request);
