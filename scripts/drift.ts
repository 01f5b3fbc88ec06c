/** Entry point of `npm run drift -- <env>`; see lib/tools/drift.ts. */
import { runDrift } from "../lib/tools/drift";

process.exitCode = runDrift(process.argv.slice(2), process.env, {
  log: (line) => console.error(line),
  report: (text) => console.log(text),
});
