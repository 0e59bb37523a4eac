import pino from "pino";
import { getEnv } from "~/env.server";

declare global {
  var __kindlyLogger: pino.Logger | undefined;
}

/**
 * The logger's settings: the level from LOG_LEVEL, and a redact list for secret-looking keys. The redact list is a
 * safety net, not a licence: secrets and message bodies never go in at info level (tests/security/logs.test.ts
 * drives every flow at info level and reads what comes out).
 */
export function loggerOptions(): pino.LoggerOptions {
  return {
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
  };
}

/** Structured logs. Context goes in child loggers (`log.child({ shop })`). */
export function getLogger(): pino.Logger {
  globalThis.__kindlyLogger ??= pino(loggerOptions());
  return globalThis.__kindlyLogger;
}
