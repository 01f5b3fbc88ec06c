/** Entry point of `npm run reference [-- --check]`: writes (or checks) the references generated from the code; see lib/devtools/reference/generate.ts. */
import * as fs from "node:fs";
import { asksForHelp } from "../lib/tools/io";
import { environmentSchemaJson, REFERENCE_FILES, rulesReference } from "../lib/devtools/reference/generate";

const argv = process.argv.slice(2);
const files: ReadonlyArray<readonly [string, string]> = [
  [REFERENCE_FILES.environmentSchema, environmentSchemaJson()],
  [REFERENCE_FILES.rules, rulesReference()],
];
if (asksForHelp(argv)) {
  console.log(`usage: npm run reference [-- --check]   write ${files.map(([f]) => f).join(" and ")} from the code; --check: exit 1 when one is stale`);
} else if (argv.length > 1 || (argv[0] !== undefined && argv[0] !== "--check")) {
  console.error("usage: npm run reference [-- --check]");
  process.exitCode = 2;
} else {
  const stale = files.filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text).map(([file]) => file);
  if (argv[0] === "--check") {
    for (const file of stale) console.error(`reference: ${file} is stale: run npm run reference and commit it`);
    process.exitCode = stale.length ? 1 : 0;
  } else {
    for (const [file, text] of files) fs.writeFileSync(file, text);
    console.log(`wrote ${files.map(([f]) => f).join(", ")}`);
  }
}
