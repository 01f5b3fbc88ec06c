/** Entry point of `npm run verify-signin`; see lib/tools/signin/cli.ts. */
import { runScript } from "../lib/tools/io";
import { verifySigninMain } from "../lib/tools/signin/cli";

runScript("verify-signin", verifySigninMain);
