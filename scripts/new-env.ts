/** Entry point of `npm run new-env -- <name> ...`; see lib/tools/new-env/cli.ts. */
import { runNewEnv } from "../lib/tools/new-env/cli";

runNewEnv(process.argv.slice(2), { out: (text) => process.stdout.write(text), err: (line) => console.error(line) }).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`new-env: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
