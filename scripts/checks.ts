/** Entry point of `npm run checks` (the static part of `npm test`); see lib/devtools/checks.ts. */
import { runChecks } from "../lib/devtools/checks";
import { asksForHelp } from "../lib/tools/io";

if (asksForHelp(process.argv.slice(2))) {
  process.stdout.write(
    "usage: npm run checks   type check (tsc), lint (eslint, with the layout's import rules) and format check (prettier), side by side; exit 0 when all pass\n",
  );
} else {
  void runChecks(process.cwd(), (text) => process.stdout.write(text)).then((code) => (process.exitCode = code));
}
