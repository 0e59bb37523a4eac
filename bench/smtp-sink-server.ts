/**
 * A loopback SMTP sink in its own process for benchmarks, so receiving and parsing mail does not share a core with
 * the worker being measured (a real relay never does). Prints "listening PORT", then counts what it receives.
 */
import { startSmtpSink } from "../tests/support/smtp-sink";

const sink = await startSmtpSink({ maxMessages: 10 });
console.log(`listening ${sink.port}`);
process.on("SIGTERM", () => void sink.close().then(() => process.exit(0)));
