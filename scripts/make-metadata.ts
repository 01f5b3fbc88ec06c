/** Entry point of `npm run example-metadata` (and of try-outs): fictional Identity Center metadata; see lib/devtools/make-metadata.ts. */
import * as fs from "node:fs";
import { makeMetadata } from "../lib/devtools/make-metadata";

const USAGE = "usage: node --import tsx scripts/make-metadata.ts <out.xml> [region] [validDays]   (fictional Identity Center metadata for try-outs and tests)";

const argv = process.argv.slice(2);
const [out, region, days] = argv;
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
if (!out || out.startsWith("-") || (days !== undefined && !/^[1-9]\d*$/.test(days))) {
  console.error(USAGE);
  process.exit(2);
}
const notBefore = new Date();
const notAfter = days ? new Date(notBefore.getTime() + Number(days) * 86_400_000) : undefined;
makeMetadata({ region, notBefore, notAfter }).then((xml) => fs.writeFileSync(out, xml));
