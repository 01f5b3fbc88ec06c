/**
 * The cdktf app: `cdktf synth` runs this. Environment files come from `environments/`
 * (or `CONNECT_SSO_ENVIRONMENTS`); output goes where cdktf says (`CDKTF_OUTDIR`);
 * `CONNECT_SSO_ALLOW_IDENTITY_CHANGE=<env>[,<env>]` lets a run change recorded role/provider names.
 */
import { ALLOW_VARIABLE, allowedChanges } from "./lib/identity-lock";
import { synthesize } from "./lib/synth";

process.exitCode = synthesize({
  environmentsDir: process.env.CONNECT_SSO_ENVIRONMENTS ?? "environments",
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  now: new Date(),
  allowIdentityChange: allowedChanges(process.env[ALLOW_VARIABLE]),
  log: (line) => console.error(line),
});
