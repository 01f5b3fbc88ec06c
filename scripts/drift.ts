/** Entry point of `npm run drift -- <env> [--fast]`; see lib/tools/drift/index.ts. */
import { runScript } from "../lib/tools/io";
import { driftMain } from "../lib/tools/drift";

runScript("drift", driftMain);
