/** Entry point of `npm run consents`; see lib/tools/pipeline/consents-cli.ts. */
import { runConsents } from "../lib/tools/pipeline/consents-cli";

runConsents(
  process.argv.slice(2),
  process.env,
  (t) => process.stdout.write(t),
  (t) => process.stderr.write(`${t}\n`),
).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    // A defect, not bad input (that is exit 2 with its own message): one line, no stack trace.
    process.stderr.write(`consents: unexpected failure: ${error.message}\n`);
    process.exitCode = 1;
  },
);
