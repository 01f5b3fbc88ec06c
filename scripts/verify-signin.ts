/** Entry point of `npm run verify-signin`; see lib/tools/signin/cli.ts. */
import { runVerifySignin } from "../lib/tools/signin/cli";

runVerifySignin(process.argv.slice(2), process.env, {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
}).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    // A defect, not bad input (that is exit 2 with its own message): one line, still no stack trace.
    process.stderr.write(`verify-signin: unexpected error: ${error.message}\n`);
    process.exitCode = 2;
  },
);
