import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticateAdmin } from "~/shopify.server";
import { getDataRequestExport } from "~/modules/privacy/data-request.server";

/** Downloads one customer data export; another shop's id is a 404, never its data. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await authenticateAdmin(request);
  const exportJson = params.id ? await getDataRequestExport(shop, params.id) : null;
  if (!exportJson) throw new Response("Privacy request not found", { status: 404 });
  return new Response(exportJson, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="kindly-data-request-${params.id}.json"`,
      "Cache-Control": "no-store",
    },
  });
};
