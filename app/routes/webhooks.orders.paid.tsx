import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOrderWebhook } from "~/modules/recovery/webhooks.server";

export const action = ({ request }: ActionFunctionArgs) => handleOrderWebhook(request);
