/** Entry point of `npm run consents`; see lib/tools/pipeline/consents-cli.ts. */
import { runConsents } from "../lib/tools/pipeline/consents-cli";

void runConsents(
  process.argv.slice(2),
  process.env,
  (t) => process.stdout.write(t),
  (t) => process.stderr.write(`${t}\n`),
).then((code) => {
  process.exitCode = code;
});
