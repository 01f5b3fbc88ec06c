/** Entry point of `npm run changed-stacks`; see lib/tools/pipeline/changed-stacks-cli.ts. */
import { runChangedStacks } from "../lib/tools/pipeline/changed-stacks-cli";

process.exitCode = runChangedStacks(process.argv.slice(2), {
  log: (line) => console.error(line),
  out: (text) => console.log(text),
});
