/**
 * `npm start`: the web app and a worker in one process (the simplest production shape; scale out with more
 * `npm start` web nodes and `npm run worker` processes).
 *
 * KINDLY_WORKER=0 starts a web-only instance (no worker in this process): run several of those behind a load
 * balancer and the background work in `npm run worker` processes, all against one PostgreSQL database.
 * HOST (default 0.0.0.0) and PORT (default 3000; 0 picks a free port) say where it listens.
 */
import { getEnv } from "../app/env.server";
import { prepareDatabase } from "../app/db.server";
import { startAppServer } from "./app-server";
import { loadWorkModules } from "./work-modules";
import { startWorker } from "../app/jobs/worker.server";

const env = getEnv();
await prepareDatabase();
// Web-only instances load the work modules too: routes wake in-process workers, and there are none to wake.
await loadWorkModules();
const web = await startAppServer({ port: env.PORT, host: env.HOST });
const worker = env.KINDLY_WORKER ? startWorker() : null;
console.log(`Kindly listening on ${web.url} (${worker ? `worker ${worker.id}` : "web only, no worker"})`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  await worker?.stop();
  await web.close();
  await globalThis.__kindlyPrisma?.$disconnect();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
