/** `npm run worker`: a worker process alone, for hosts that run web and workers separately. */
import { getEnv } from "../app/env.server";
import { prepareDatabase } from "../app/db.server";
import { loadWorkModules } from "./work-modules";
import { startWorker } from "../app/jobs/worker.server";

getEnv();
await prepareDatabase();
await loadWorkModules();
const worker = startWorker();
console.log(`Kindly worker ${worker.id} running`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing the current item, then stopping`);
  await worker.stop();
  await globalThis.__kindlyPrisma?.$disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
