/** `npm run clv -- fit ...`: see app/modules/customers/clv/cli.ts. */
import { runClvCommand } from "../app/modules/customers/clv/cli";

process.exitCode = runClvCommand(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
