/** Entry point of `npm run reference [-- --check]`: writes (or checks) the references generated from the code; see lib/devtools/reference/generate.ts. */
import * as fs from "node:fs";
import * as path from "node:path";
import { asksForHelp } from "../lib/tools/io";
import { REFERENCES } from "../lib/devtools/reference/generate";

const USAGE = `usage: npm run reference [-- --check]   write ${REFERENCES.map(([f]) => f).join(", ")} from the code; --check: exit 1 when one is stale`;
const argv = process.argv.slice(2);
if (asksForHelp(argv)) {
  console.log(USAGE);
} else if (argv.length > 1 || (argv[0] !== undefined && argv[0] !== "--check")) {
  console.error(`reference: cannot read ${JSON.stringify(argv.join(" "))}; the only option is --check\n${USAGE}`);
  process.exitCode = 2;
} else {
  const files = REFERENCES.map(([file, generate]) => [file, generate()] as const);
  const stale = files.filter(([file, text]) => !fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text).map(([file]) => file);
  if (argv[0] === "--check") {
    for (const file of stale) console.error(`reference: ${file} is stale: run npm run reference and commit it`);
    process.exitCode = stale.length ? 1 : 0;
  } else {
    for (const [file, text] of files) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
    }
    console.log(`wrote ${files.map(([f]) => f).join(", ")}`);
  }
}
