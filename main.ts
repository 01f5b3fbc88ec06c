/**
 * The cdktf app: `cdktf synth` runs this. Environment files come from `environments/`
 * (or `CONNECT_SSO_ENVIRONMENTS`; the examples while `environments/` holds none, outside a pipeline); output goes where cdktf says (`CDKTF_OUTDIR`);
 * `CONNECT_SSO_ALLOW_IDENTITY_CHANGE=<env>[,<env>]` lets a run change an environment's recorded
 * identity (or drop the entry of a removed one); `CI` set (not `false`/`0`) is the pipeline mode,
 * where the committed identity lock must already be what synth records.
 */
import { optionsFromVariables, synthesize } from "./lib/synth/synth";

// Problems on stderr; status lines on stdout (the cdktf CLI shows stderr as errors).
process.exitCode = synthesize(
  optionsFromVariables(
    process.env,
    (line) => console.error(line),
    (line) => console.log(line),
  ),
);
