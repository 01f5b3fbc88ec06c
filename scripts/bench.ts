/** Entry point of `npm run bench`; see lib/devtools/bench/run.ts. */
import { runBench } from "../lib/devtools/bench/run";

process.exitCode = runBench(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
