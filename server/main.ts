/**
 * `npm start`: the web app and a worker in one process (the simplest production shape; scale out with more
 * `npm start` web nodes and `npm run worker` processes).
 */
import { getEnv } from "../app/env.server";
import { prepareDatabase } from "../app/db.server";
import { startAppServer } from "./app-server";
import { loadWorkModules } from "./work-modules";
import { startWorker } from "../app/jobs/worker.server";

const env = getEnv();
await prepareDatabase();
await loadWorkModules();
const web = await startAppServer({ port: env.PORT, host: "0.0.0.0" });
const worker = startWorker();
console.log(`Kindly listening on ${web.url} (worker ${worker.id})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await worker.stop();
  await web.close();
  await globalThis.__kindlyPrisma?.$disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
