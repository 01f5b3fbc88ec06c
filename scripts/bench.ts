/** Entry point of `npm run bench`; see lib/devtools/bench/run.ts. */
import { runScript } from "../lib/tools/io";
import { benchMain } from "../lib/devtools/bench/run";

runScript("bench", benchMain);
