/**
 * The cdktf app: `cdktf synth` runs this. Environment files come from `environments/`
 * (or `CONNECT_SSO_ENVIRONMENTS`; the examples while `environments/` holds none, outside a pipeline); output goes where cdktf says (`CDKTF_OUTDIR`);
 * `CONNECT_SSO_ALLOW_IDENTITY_CHANGE=<env>[,<env>]` lets a run change an environment's recorded
 * identity (or drop the entry of a removed one); `CI` set (not `false`/`0`) is the pipeline mode,
 * where the committed identity lock must already be what synth records.
 */
import { optionsFromVariables, synthesize } from "./lib/synth/synth";

const USAGE =
  "usage: npm run synth   (or npx cdktf synth) synthesizes every environment of environments/ into cdktf.out/; it takes no arguments: " +
  "CONNECT_SSO_ENVIRONMENTS, CDKTF_OUTDIR and CONNECT_SSO_ALLOW_IDENTITY_CHANGE=<env>[,<env>] set what it reads, where it writes, and which identities may change";
const argv = process.argv.slice(2);
// The cdktf CLI starts the app without arguments; a person may add some (`npm run synth -- --help`).
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(USAGE);
} else if (argv.length > 0) {
  console.error(`synth: takes no arguments; given ${JSON.stringify(argv.join(" "))}\n${USAGE}`);
  process.exitCode = 2;
} else {
  // Problems on stderr; status lines on stdout (the cdktf CLI shows stderr as errors).
  process.exitCode = synthesize(
    optionsFromVariables(
      process.env,
      (line) => console.error(line),
      (line) => console.log(line),
    ),
  );
}
