import type { ActionFunctionArgs } from "@remix-run/node";
import { handleCustomerWebhook } from "~/modules/customers/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleCustomerWebhook(request);
