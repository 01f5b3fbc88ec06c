/** Entry point of `npm run pipeline`; see lib/tools/pipeline/cli.ts. */
import { runScript } from "../lib/tools/io";
import { pipelineMain } from "../lib/tools/pipeline/cli";

runScript("pipeline", pipelineMain);
