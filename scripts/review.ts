/** Entry point of `npm run review`; see lib/tools/review/cli.ts. */
import { runReview } from "../lib/tools/review/cli";

process.exitCode = runReview(
  process.argv.slice(2),
  (t) => process.stdout.write(`${t}\n`),
  (t) => process.stderr.write(`${t}\n`),
);
