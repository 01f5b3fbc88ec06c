/** Entry point of `npm run example-metadata` (and of try-outs): fictional Identity Center metadata; see lib/devtools/make-metadata.ts. */
import * as fs from "node:fs";
import { makeMetadata } from "../lib/devtools/make-metadata";

/** The examples' metadata files, which `--examples` renews. */
const EXAMPLES = ["dev", "staging", "prod"].map((name) => `examples/environments/metadata/${name}.xml`);

const USAGE = [
  "usage: node --import tsx scripts/make-metadata.ts <out.xml> [region] [validDays]   fictional Identity Center metadata for try-outs and tests",
  `       npm run example-metadata   (make-metadata.ts --examples) renews ${EXAMPLES.join(", ")}`,
].join("\n");

/** Why a command line cannot be used, or undefined. */
function usageProblem(argv: ReadonlyArray<string>): string | undefined {
  const [out, , days, ...rest] = argv;
  if (out === "--examples") return argv.length > 1 ? `--examples takes nothing more; given ${JSON.stringify(argv.slice(1).join(" "))}` : undefined;
  if (out === undefined) return "no output file given";
  if (out.startsWith("-")) return `unknown option ${out}`;
  if (days !== undefined && !/^[1-9]\d*$/.test(days)) return `validDays ${JSON.stringify(days)} is not a whole number of days`;
  return rest.length > 0 ? `at most three arguments, not ${argv.length}` : undefined;
}

const argv = process.argv.slice(2);
const problem = usageProblem(argv);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
} else if (problem) {
  console.error(`make-metadata: ${problem}\n${USAGE}`);
  process.exitCode = 2;
} else {
  const [out, region, days] = argv;
  const notBefore = new Date();
  const notAfter = days ? new Date(notBefore.getTime() + Number(days) * 86_400_000) : undefined;
  const files = out === "--examples" ? EXAMPLES : [out];
  Promise.all(files.map(async (file) => fs.writeFileSync(file, await makeMetadata({ region, notBefore, notAfter })))).catch((error: Error) => {
    console.error(`make-metadata: ${error.message}`);
    process.exitCode = 1;
  });
}
