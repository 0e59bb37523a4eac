/** Kindly's web process for the ingest benchmark: the production build, with the shop's recovery flow switched on. */
import { startAppServer } from "../server/app-server";
import { ensureRecoveryFlow } from "../app/modules/recovery/flow.server";
import prisma, { prepareDatabase } from "../app/db.server";

await prepareDatabase();
await ensureRecoveryFlow(prisma, process.env.BENCH_SHOP ?? "bench-shop.myshopify.com", { enabled: true });
const server = await startAppServer({ port: 0 });
console.log(`listening on ${server.url}`);
process.on("SIGTERM", () => {
  void server.close().then(() => process.exit(0));
});
