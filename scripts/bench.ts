/** Entry point of `npm run bench`; see lib/tools/bench/run.ts. */
import { runBench } from "../lib/tools/bench/run";

process.exitCode = runBench(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
