import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by playwright-core,
 * which cannot download browsers here. When it is missing, suites skip and say so loudly instead of passing.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const HAS_CHROMIUM = fs.existsSync(CHROMIUM);

/** Without the background-networking flags Chromium tries Google's hosts at every start (closed network here). */
export const LAUNCH_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The suite's name, or a name that says why it was skipped. */
export function browserSuite(name: string): string {
  return HAS_CHROMIUM
    ? name
    : `SKIPPED: NO BROWSER AT ${CHROMIUM} (install it: apt-get update && apt-get install -y chromium) - ${name}`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
}
