/**
 * The cdktf app: `cdktf synth` runs this. Environment files come from `environments/`
 * (or `CONNECT_SSO_ENVIRONMENTS`); output goes where cdktf says (`CDKTF_OUTDIR`).
 */
import { synthesize } from "./lib/synth";

process.exitCode = synthesize({
  environmentsDir: process.env.CONNECT_SSO_ENVIRONMENTS ?? "environments",
  outdir: process.env.CDKTF_OUTDIR ?? "cdktf.out",
  now: new Date(),
  log: (line) => console.error(line),
});
