/** Entry point of `npm run drift -- <env>`; see lib/tools/drift.ts. */
import { isPipelineRun } from "../lib/rules/pipeline-run";
import { runDrift } from "../lib/tools/drift";
import { optionsFromVariables } from "../lib/synth/synth";

const [environment, ...rest] = process.argv.slice(2);
if (!environment || rest.length > 0) {
  console.error("usage: npm run drift -- <env>   (exit 0 = no drift, 2 = drift, 1 = error)");
  process.exit(1);
}
process.exitCode = runDrift({
  ...optionsFromVariables(process.env, (line) => console.error(line)),
  environment,
  report: (text) => console.log(text),
  pipeline: isPipelineRun(process.env),
});
