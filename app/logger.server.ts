import pino from "pino";
import { getEnv } from "~/env.server";

declare global {
  var __kindlyLogger: pino.Logger | undefined;
}

/**
 * Structured logs. Context goes in child loggers (`log.child({ shop })`); secrets and message bodies never go in
 * at info level: the redact list is a safety net, not a licence.
 */
export function getLogger(): pino.Logger {
  globalThis.__kindlyLogger ??= pino({
    level: getEnv().LOG_LEVEL,
    redact: {
      paths: [
        "accessToken",
        "*.accessToken",
        "password",
        "*.password",
        "authToken",
        "*.authToken",
        "secret",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  });
  return globalThis.__kindlyLogger;
}
