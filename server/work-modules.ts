/**
 * The modules that register durable background work with the worker (`registerDueWork`). Each feature that adds
 * background work adds its registration module here, so `npm start`, `npm run worker` and the demo run the same set.
 */
export async function loadWorkModules(): Promise<void> {
  // Nothing registers background work yet: recovery's scheduled-message dispatch is the first to come.
}
