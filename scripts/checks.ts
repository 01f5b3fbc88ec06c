/** Entry point of `npm run checks` (the static part of `npm test`); see lib/devtools/checks.ts. */
import { runChecks } from "../lib/devtools/checks";
import { asksForHelp } from "../lib/tools/io";

const USAGE =
  "usage: npm run checks   type check (tsc), lint (eslint, with the layout's import rules) and format check (prettier), side by side; exit 0 when all pass, 1 when one fails";
const argv = process.argv.slice(2);
if (asksForHelp(argv)) {
  process.stdout.write(`${USAGE}\n`);
} else if (argv.length > 0) {
  process.stderr.write(`checks: takes no arguments; given ${JSON.stringify(argv.join(" "))}\n${USAGE}\n`);
  process.exitCode = 2;
} else {
  void runChecks(process.cwd(), (text) => process.stdout.write(text)).then((code) => (process.exitCode = code));
}
