/**
 * The cdktf app: `cdktf synth` runs this. Environment files come from `environments/`
 * (or `CONNECT_SSO_ENVIRONMENTS`); output goes where cdktf says (`CDKTF_OUTDIR`);
 * `CONNECT_SSO_ALLOW_IDENTITY_CHANGE=<env>[,<env>]` lets a run change recorded role/provider names.
 */
import { optionsFromVariables, synthesize } from "./lib/synth";

process.exitCode = synthesize(optionsFromVariables(process.env, (line) => console.error(line)));
