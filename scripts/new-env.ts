/** Entry point of `npm run new-env -- <name> ...`; see lib/tools/new-env/cli.ts. */
import { runScript } from "../lib/tools/io";
import { newEnvMain } from "../lib/tools/new-env/cli";

runScript("new-env", newEnvMain);
