/** Entry point of `npm run checks` (the static part of `npm test`); see lib/tools/checks.ts. */
import { runChecks } from "../lib/tools/checks";

void runChecks(process.cwd(), (text) => process.stdout.write(text)).then((code) => (process.exitCode = code));
