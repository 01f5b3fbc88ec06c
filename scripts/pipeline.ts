/** Entry point of `npm run pipeline`; see lib/tools/pipeline/cli.ts. */
import { runPipeline } from "../lib/tools/pipeline/cli";

void runPipeline(process.argv.slice(2), process.env, {
  log: (line) => console.error(line),
  out: (text) => console.log(text),
}).then((code) => {
  process.exitCode = code;
});
