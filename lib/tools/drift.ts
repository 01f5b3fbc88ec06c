/**
 * `npm run drift -- <env>`: synthesizes, then runs a refresh-only plan of each of the
 * environment's stacks (the main stack and its users stacks) and reports what changed outside
 * Terraform. Exit 0 = no drift, 2 = drift, 1 = could not tell (for any stack), or bad arguments.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { stackName } from "../rules/naming";
import { MANIFEST_FILE, readManifest, readStackJson, stacksOfEnvironment } from "../synth/stack-manifest";
import { optionsFromVariables, synthesize, type SynthOptions } from "../synth/synth";
import { fieldChanges, type FieldChange } from "./plan/fields";
import type { PlanJson, ResourceChange } from "./plan/format";
import { asPlan, PlanFormatError } from "./plan/read";
import { profileNames, withProfileNames } from "./plan/profiles";
import { persistenceProblem, stateLocation } from "./pipeline/state";

const USAGE = "usage: npm run drift -- <env>   (exit 0 = no drift, 2 = drift, 1 = error)";

interface DriftOptions extends SynthOptions {
  readonly environment: string;
  /** Terraform executable. @default "terraform" */
  readonly terraform?: string;
  /** Receives the report (Markdown). */
  readonly report: (text: string) => void;
}

/**
 * Runs the command: `log` gets messages (stderr), `report` the Markdown report (stdout). With `CI`
 * set (a pipeline run), stacks whose state would not persist are refused.
 */
export function runDrift(argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv, io: Pick<DriftOptions, "log" | "report">): number {
  const [environment, ...rest] = argv;
  if (!environment || rest.length > 0) {
    io.log(`drift: ${environment ? `cannot read ${JSON.stringify(argv.join(" "))}` : "no environment given"}\n${USAGE}`);
    return 1;
  }
  return driftOfEnvironment({ ...optionsFromVariables(env, io.log), environment, report: io.report });
}

function driftOfEnvironment(options: DriftOptions): number {
  const code = synthesize(options);
  if (code !== 0) return 1;
  const main = stackName(options.environment);
  const outdir = path.resolve(options.cwd ?? process.cwd(), options.outdir);
  // The stacks this synth wrote (the manifest is rewritten by every synth): users stacks left in
  // the outdir by an earlier synth with more of them are not the environment's any more.
  let stacks: string[];
  try {
    stacks = stacksOfEnvironment(readManifest(path.join(outdir, MANIFEST_FILE)), main);
  } catch (error) {
    options.log(`drift: ${(error as Error).message}`);
    return 1;
  }
  if (!stacks.includes(main)) {
    options.log(`drift: no environment ${options.environment}: ${main} was not synthesized (environment files: ${options.environmentsDir})`);
    return 1;
  }
  if (options.pipeline) {
    const environmentFile = path.join(options.environmentsDir, `${options.environment}.yaml`);
    const problems = stacks.map((stack) => persistenceProblem(stack, stateLocation(readStackJson(outdir, stack)), environmentFile)).filter(Boolean);
    if (problems.length > 0) {
      problems.forEach((p) => options.log(`drift: ${p}`));
      return 1;
    }
  }
  const codes = stacks.map((stack) => driftOfStack(path.join(outdir, "stacks", stack), stack, options));
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

/** One stack's refresh-only plan, reported; returns 0 (no drift), 2 (drift) or 1 (error). */
function driftOfStack(dir: string, stack: string, options: DriftOptions): number {
  // `show -json` of a stack with thousands of users is megabytes: past spawnSync's 1 MiB default.
  const terraform = (args: string[]) =>
    spawnSync(options.terraform ?? "terraform", [...args, "-no-color"], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, TF_IN_AUTOMATION: "1" },
    });
  const couldNotTell = (why: string, detail: string) => {
    options.log(`drift: ${stack}: ${why}:\n${detail}`);
    options.report(`## ${stack}\n\nCould not tell: ${why} (see the log).\n`);
    return 1;
  };
  const fail = (what: string, result: ReturnType<typeof terraform>) =>
    couldNotTell(`terraform ${what} failed${result.error ? ` (${result.error.message})` : ""}`, result.stderr || result.stdout);
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
  let shownPlan: PlanJson;
  try {
    shownPlan = asPlan(JSON.parse(shown.stdout));
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof PlanFormatError)) throw error;
    return couldNotTell("terraform show -json gave no plan this tool can read", error.message);
  }
  const names = profileNames(shownPlan);
  const drifted: Array<{ rc: ResourceChange; deleted: boolean; fields: FieldChange[] }> = [];
  let ignored = 0;
  for (const rc of shownPlan.resource_drift ?? []) {
    const deleted = rc.change.actions.includes("delete");
    const fields = deleted ? [] : withProfileNames(fieldChanges(rc.change, rc.type), names);
    // Not drift: a refresh that changes nothing a person set. The provider reads unset `tags` back
    // as {} (every resource, after its first apply) and fills aws_iam_role's computed copy of the
    // inline policy that aws_iam_role_policy manages (IGNORED_FIELDS in plan/fields.ts): both
    // leave no field once fieldChanges drops null → {} and the ignored fields. Changes made by
    // hand to those policies show on aws_iam_role_policy and the *_exclusive resources instead.
    // Terraform still exits 2 for such a plan, so exit 2 alone is no evidence of drift.
    if (!deleted && fields.length === 0) {
      ignored++;
      continue;
    }
    drifted.push({ rc, deleted, fields });
  }
  const noise =
    ignored > 0 ? `Not counted: ${ignored} resource(s) whose refresh changed no setting (tags read back as {}, the role's copy of its inline policy).` : "";
  if (drifted.length === 0) {
    options.report([`## ${stack}`, "", "No drift: AWS matches the last applied state.", ...(noise ? ["", noise] : []), ""].join("\n"));
    return 0;
  }
  const lines = [`## ${stack}: drift`, "", "Changed outside Terraform since the last apply (the next apply puts them back):", ""];
  for (const { rc, deleted, fields } of drifted) {
    lines.push(`- \`${rc.address}\`${deleted ? ": deleted outside Terraform (the next apply creates it again)" : ""}`);
    for (const f of fields) lines.push(`  - ${f.field}: \`${JSON.stringify(f.after)}\` in AWS, \`${JSON.stringify(f.before)}\` in state`);
  }
  if (noise) lines.push("", noise);
  lines.push("");
  options.report(lines.join("\n"));
  return 2;
}
