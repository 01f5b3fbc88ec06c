/** Entry point of `npm run review`; see lib/tools/review/cli.ts. */
import { runScript } from "../lib/tools/io";
import { reviewMain } from "../lib/tools/review/cli";

runScript("review", reviewMain);
