/** Entry point of `npm run sync-pr -- <env>`; see lib/tools/users/pull-request.ts. */
import { runScript } from "../lib/tools/io";
import { syncPullRequestMain } from "../lib/tools/users/pull-request";

runScript("sync-pr", syncPullRequestMain);
