/** Entry point of `npm run changed-stacks`; see lib/tools/pipeline/changed-stacks-cli.ts. */
import { runScript } from "../lib/tools/io";
import { changedStacksMain } from "../lib/tools/pipeline/changed-stacks-cli";

runScript("changed-stacks", changedStacksMain);
