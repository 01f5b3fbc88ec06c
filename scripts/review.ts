/** Entry point of `npm run review`; see lib/tools/review/cli.ts. */
import { runReview } from "../lib/tools/review/cli";

try {
  process.exitCode = runReview(
    process.argv.slice(2),
    (t) => process.stdout.write(`${t}\n`),
    (t) => process.stderr.write(`${t}\n`),
  );
} catch (error) {
  // A defect, not bad input (that is exit 2 with its own message): one line, no stack trace; the gate stays shut.
  process.stderr.write(`review: unexpected failure: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
