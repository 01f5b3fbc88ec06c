/** Entry point of `npm run sync-pr -- <env>`; see lib/tools/users/pull-request.ts. */
import { runSyncPullRequest } from "../lib/tools/users/pull-request";

runSyncPullRequest(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(text),
  err: (line) => console.error(line),
}).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    console.error(`sync-pr: unexpected failure: ${error.message}`);
    process.exitCode = 1;
  },
);
