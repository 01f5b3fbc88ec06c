/** Entry point of `npm run drift -- <env> [--fast]`; see lib/tools/drift/index.ts. */
import { runDrift } from "../lib/tools/drift";

runDrift(process.argv.slice(2), process.env, {
  log: (line) => console.error(line),
  report: (text) => console.log(text),
}).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`drift: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
