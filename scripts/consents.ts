/** Entry point of `npm run consents`; see lib/tools/pipeline/consents-cli.ts. */
import { runScript } from "../lib/tools/io";
import { consentsMain } from "../lib/tools/pipeline/consents-cli";

runScript("consents", consentsMain);
