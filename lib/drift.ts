/**
 * `npm run drift -- <env>`: synthesizes, then runs a refresh-only plan of the environment's stack
 * and reports what changed outside Terraform. Exit 0 = no drift, 2 = drift, 1 = could not tell.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { asPlan, fieldChanges } from "./review/classify";
import { stackName } from "./naming";
import { synthesize, type SynthOptions } from "./synth";

export interface DriftOptions extends SynthOptions {
  readonly environment: string;
  /** Terraform executable. @default "terraform" */
  readonly terraform?: string;
  /** Receives the report (Markdown). */
  readonly report: (text: string) => void;
}

export function runDrift(options: DriftOptions): number {
  const code = synthesize(options);
  if (code !== 0) return 1;
  const stack = stackName(options.environment);
  const dir = path.resolve(options.cwd ?? process.cwd(), options.outdir, "stacks", stack);
  if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) {
    options.log(`drift: no environment ${options.environment}: ${stack} was not synthesized (environment files: ${options.environmentsDir})`);
    return 1;
  }
  const terraform = (args: string[]) => spawnSync(options.terraform ?? "terraform", [...args, "-no-color"], { cwd: dir, encoding: "utf8", env: { ...process.env, TF_IN_AUTOMATION: "1" } });
  const fail = (what: string, result: ReturnType<typeof terraform>) => {
    options.log(`drift: terraform ${what} failed${result.error ? ` (${result.error.message})` : ""}:\n${result.stderr || result.stdout}`);
    return 1;
  };
  if (!fs.existsSync(path.join(dir, ".terraform"))) {
    const init = terraform(["init", "-input=false"]);
    if (init.status !== 0) return fail("init", init);
  }
  const plan = terraform(["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-lock=false", "-out=drift.tfplan"]);
  if (plan.status === 0) {
    options.report(`## ${stack}\n\nNo drift: AWS matches the last applied state.\n`);
    return 0;
  }
  if (plan.status !== 2) return fail("plan -refresh-only", plan);
  const shown = terraform(["show", "-json", "drift.tfplan"]);
  if (shown.status !== 0) return fail("show -json", shown);
  const drift = asPlan(JSON.parse(shown.stdout)).resource_drift ?? [];
  const lines = [`## ${stack}: drift`, "", "Changed outside Terraform since the last apply (the next apply puts them back):", ""];
  for (const rc of drift) {
    const deleted = rc.change.actions.includes("delete");
    lines.push(`- \`${rc.address}\`${deleted ? ": deleted outside Terraform" : ""}`);
    if (!deleted) for (const f of fieldChanges(rc.change)) lines.push(`  - ${f.field}: \`${JSON.stringify(f.after)}\` in AWS, \`${JSON.stringify(f.before)}\` in state`);
  }
  options.report(lines.join("\n"));
  return 2;
}
