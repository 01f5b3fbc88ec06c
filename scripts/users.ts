/** Entry point of `npm run users -- import|export|import-live|sync ...`; see lib/tools/users/cli.ts. */
import { runUsersCli } from "../lib/tools/users/cli";

runUsersCli(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (line) => console.error(line),
}).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`users: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
