/**
 * `npm run drift -- <env>`: synthesizes, then runs a refresh-only plan of each of the
 * environment's stacks (the main stack and its users stacks) and reports what changed outside
 * Terraform. Exit 0 = no drift, 2 = drift, 1 = could not tell (for any stack), or unusable input:
 * terraform plan -detailed-exitcode's codes, which this command runs, not the other commands' table
 * (where 2 means unusable input), so that scripts written against terraform read it the same way.
 * `--fast`: users are compared between the state and one bulk read of Connect instead (see fastDriftOfStacks).
 *
 * Everything drift is in this folder: this file is the command and the reading of a refresh-only
 * plan (refreshDrift); compare.ts and read-users.ts are fast drift's comparison and bulk reads,
 * which the pipeline's fast refresh shares.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { asksForHelp, lines, readCommandLine, type ToolMain } from "../io";
import { stackName } from "../../rules/naming";
import { MANIFEST_FILE, readManifest, readStackJson, stacksOfEnvironment } from "../../synth/stack-manifest";
import { optionsFromVariables, synthesize, type SynthOptions } from "../../synth/synth";
import { fieldChanges } from "../plan/fields";
import type { PlanJson } from "../plan/format";
import { asPlan, PlanFormatError } from "../plan/read";
import { profileNames, withProfileNames } from "../plan/profiles";
import { persistenceProblem, stateLocation } from "../pipeline/state";
import {
  ignoredAt,
  ignoredFields,
  readStackState,
  activeMoves,
  regionOf,
  StateFormatError,
  userDrift,
  withoutIgnored,
  type DriftedResource,
  type StackState,
} from "./compare";
import { answerLookup, callSummary, instanceRequests, readInstances, type InstanceAnswer } from "./read-users";

const USAGE = [
  "usage: npm run drift -- <env> [--fast]   refresh-only plan of each of the environment's stacks; --fast: users from one bulk read of Connect",
  "exit 0 = no drift, 2 = drift found, 1 = could not tell or unusable input (terraform plan -detailed-exitcode's codes, unlike the other commands' 2)",
].join("\n");

interface DriftOptions extends SynthOptions {
  readonly environment: string;
  /** Terraform executable. @default "terraform" */
  readonly terraform?: string;
  /** Receives the report (Markdown). */
  readonly report: (text: string) => void;
  /** Users compared through the bulk reader (state vs. Connect), not refreshed one by one. */
  readonly fast?: boolean;
}

/**
 * Runs the command: `log` gets messages (stderr), `report` the Markdown report (stdout). With `CI`
 * set (a pipeline run), stacks whose state would not persist are refused.
 */
export async function runDrift(argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv, io: Pick<DriftOptions, "log" | "report">): Promise<number> {
  if (asksForHelp(argv)) {
    io.report(`${USAGE}\n`);
    return 0;
  }
  let args;
  try {
    args = readCommandLine([...argv], { fast: { type: "boolean", default: false } }, (message) => new Error(message));
  } catch (error) {
    io.log(`drift: ${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const [environment, ...rest] = args.positionals;
  if (!environment || rest.length > 0) {
    io.log(`drift: ${environment ? `one environment, not ${args.positionals.length}` : "no environment given"}\n${USAGE}`);
    return 1;
  }
  const options = { ...optionsFromVariables(env, io.log), environment, report: io.report, fast: args.values.fast };
  // Before synth (seconds to minutes for a large team): a name no file has is a typo, not a question for AWS.
  const files = fs.existsSync(options.environmentsDir) ? fs.readdirSync(options.environmentsDir).filter((n) => /\.ya?ml$/.test(n)) : [];
  if (!files.some((n) => n.replace(/\.ya?ml$/, "") === environment)) {
    const known = files.map((n) => n.replace(/\.ya?ml$/, "")).sort();
    io.log(
      `drift: unknown environment ${JSON.stringify(environment)}: ${options.environmentsDir} has ${known.length ? known.join(", ") : "no environment files"}`,
    );
    return 1;
  }
  return driftOfEnvironment(options);
}

async function driftOfEnvironment(options: DriftOptions): Promise<number> {
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
  const codes = options.fast ? await fastDriftOfStacks(outdir, stacks, options) : stacks.map((stack) => driftOfStack(outdir, stack, options));
  return codes.includes(1) ? 1 : codes.includes(2) ? 2 : 0;
}

/** terraform in a stack's folder, waited for. */
function terraformIn(dir: string, options: DriftOptions) {
  // `show -json` of a stack with thousands of users is megabytes: past spawnSync's 1 MiB default.
  return (args: string[]) =>
    spawnSync(options.terraform ?? "terraform", [...args, "-no-color"], {
      cwd: dir,
      encoding: "utf8",
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, TF_IN_AUTOMATION: "1" },
    });
}

/** Logs why a stack's drift is unknown and reports it; returns 1. */
function couldNotTell(stack: string, options: DriftOptions, why: string, detail: string): 1 {
  options.log(`drift: ${stack}: ${why}:\n${detail}`);
  options.report(`## ${stack}\n\nCould not tell: ${why} (see the log).\n`);
  return 1;
}

const isEmptyState = (state: StackState) => state.users.length === 0 && state.otherAddresses.length === 0;

/** A stack without state: there is nothing to compare AWS with, which is not "no drift". Returns 1. */
function nothingToCompare(stack: string, options: DriftOptions): 1 {
  options.log(`drift: ${stack}: it has no state (never applied, or its backend points elsewhere): nothing to compare`);
  options.report(
    `## ${stack}\n\nNothing to compare: the stack has no state (it was never applied, or its backend points elsewhere). Drift compares AWS with the last applied state; nothing was checked.\n`,
  );
  return 1;
}

type Terraform = ReturnType<typeof terraformIn>;
const terraformFailed = (stack: string, options: DriftOptions, what: string, result: ReturnType<Terraform>) =>
  couldNotTell(stack, options, `terraform ${what} failed${result.error ? ` (${result.error.message})` : ""}`, result.stderr || result.stdout);

/** `terraform init` unless the stack's folder was inited; 1 (reported) when it fails. */
function initStack(dir: string, stack: string, options: DriftOptions): 0 | 1 {
  if (fs.existsSync(path.join(dir, ".terraform"))) return 0;
  const init = terraformIn(dir, options)(["init", "-input=false"]);
  return init.status === 0 ? 0 : terraformFailed(stack, options, "init", init);
}

/** What a refresh found outside Terraform: drifted resources, and how many refreshed with no setting changed. */
export interface StackDrift {
  readonly drifted: ReadonlyArray<DriftedResource>;
  readonly ignored: number;
}

/** Attributes each resource of the stack leaves to the console (ignoredFields); never drift. */
export type LeftAlone = ReturnType<typeof ignoredFields>;

/**
 * One stack's refresh-only plan (`extraArgs`: e.g. -target) read by refreshDrift; 1 (reported) when it cannot tell.
 */
function planDrift(dir: string, stack: string, options: DriftOptions, leftAlone: LeftAlone, extraArgs: ReadonlyArray<string> = []): StackDrift | 1 {
  const terraform = terraformIn(dir, options);
  const fail = (what: string, result: ReturnType<Terraform>) => terraformFailed(stack, options, what, result);
  if (initStack(dir, stack, options) !== 0) return 1;
  // (Fast drift's targeted plans come after it read the state itself.)
  if (extraArgs.length === 0) {
    const shownState = terraform(["show", "-json"]);
    if (shownState.status !== 0) return fail("show -json", shownState);
    try {
      if (isEmptyState(readStackState(JSON.parse(shownState.stdout)))) return nothingToCompare(stack, options);
    } catch (error) {
      if (!(error instanceof SyntaxError || error instanceof StateFormatError)) throw error;
      return couldNotTell(stack, options, "terraform show -json gave no state this tool can read", error.message);
    }
  }
  const plan = terraform(["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-lock=false", "-out=drift.tfplan", ...extraArgs]);
  if (plan.status === 0) return { drifted: [], ignored: 0 };
  if (plan.status !== 2) return fail("plan -refresh-only", plan);
  const shown = terraform(["show", "-json", "drift.tfplan"]);
  if (shown.status !== 0) return fail("show -json", shown);
  let shownPlan: PlanJson;
  try {
    const json: unknown = JSON.parse(shown.stdout);
    // A -target plan is incomplete by design: what it leaves out (the users) fast drift compares itself.
    shownPlan = asPlan(json, { targeted: extraArgs.length > 0 });
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof PlanFormatError)) throw error;
    return couldNotTell(stack, options, "terraform show -json gave no plan this tool can read", error.message);
  }
  return refreshDrift(shownPlan, leftAlone);
}

/**
 * What a refresh-only plan found outside Terraform (its resource_drift), field by field, profiles
 * and hierarchy groups by name; fields the stack leaves to the console (`leftAlone`) are not drift.
 */
export function refreshDrift(plan: PlanJson, leftAlone: LeftAlone): StackDrift {
  const names = profileNames(plan);
  const drifted: DriftedResource[] = [];
  let ignored = 0;
  for (const rc of plan.resource_drift ?? []) {
    const deleted = rc.change.actions.includes("delete");
    const fields = deleted ? [] : withoutIgnored(withProfileNames(fieldChanges(rc.change, rc.type), names), ignoredAt(leftAlone, rc.address));
    // Not drift: a refresh that changes nothing a person set. The provider reads unset `tags` back
    // as {} (every resource, after its first apply) and fills aws_iam_role's computed copy of the
    // inline policy that aws_iam_role_policy manages (IGNORED_FIELDS in plan/fields.ts): both
    // leave no field once fieldChanges drops null → {} and the ignored fields. Changes made by
    // hand to those policies show on aws_iam_role_policy and the *_exclusive resources instead.
    // Nor a field the stack leaves to the console (a user's hierarchy group when the environment
    // does not manage hierarchy groups): the next apply does not put it back.
    // Terraform still exits 2 for such a plan, so exit 2 alone is no evidence of drift.
    if (!deleted && fields.length === 0) {
      ignored++;
      continue;
    }
    drifted.push({ address: rc.address, deleted, fields });
  }
  return { drifted, ignored };
}

/** A synthesized stack's ignoredFields; 1 (reported) when its cdk.tf.json cannot be read. */
function leftAloneOf(outdir: string, stack: string, options: DriftOptions): LeftAlone | 1 {
  try {
    return ignoredFields(readStackJson(outdir, stack));
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof StateFormatError)) throw error;
    return couldNotTell(stack, options, "its synthesized cdk.tf.json cannot be read", error.message);
  }
}

/** One stack's refresh-only plan, reported; returns 0 (no drift), 2 (drift) or 1 (error). */
function driftOfStack(outdir: string, stack: string, options: DriftOptions): number {
  const leftAlone = leftAloneOf(outdir, stack, options);
  const found = leftAlone === 1 ? 1 : planDrift(path.join(outdir, "stacks", stack), stack, options, leftAlone);
  return found === 1 ? 1 : reportDrift(stack, found, options);
}

/** Reports a stack's drift in Markdown; returns 0 (no drift) or 2 (drift). */
function reportDrift(stack: string, { drifted, ignored }: StackDrift, options: DriftOptions, note?: string): number {
  const noise =
    ignored > 0
      ? `Not counted: ${ignored} resource(s) whose refresh changed no setting the stack manages (tags read back as {}, the role's copy of its inline policy, a hierarchy group the stack leaves to the console).`
      : "";
  const notes = [noise, note ?? ""].filter(Boolean).flatMap((n) => ["", n]);
  if (drifted.length === 0) {
    options.report([`## ${stack}`, "", "No drift: AWS matches the last applied state.", ...notes, ""].join("\n"));
    return 0;
  }
  const lines = [`## ${stack}: drift`, "", "Changed outside Terraform since the last apply (the next apply puts them back):", ""];
  for (const { address, deleted, fields } of drifted) {
    lines.push(`- \`${address}\`${deleted ? ": deleted outside Terraform (the next apply creates it again)" : ""}`);
    for (const f of fields) lines.push(`  - ${f.field}: \`${JSON.stringify(f.after)}\` in AWS, \`${JSON.stringify(f.before)}\` in state`);
  }
  lines.push(...notes, "");
  options.report(lines.join("\n"));
  return 2;
}

/** A stack whose state fast drift read. */
interface ReadStack {
  readonly stack: string;
  readonly dir: string;
  readonly state: StackState;
  /** State addresses the configuration moves (activeMoves): the stack gets the full refresh-only plan. */
  readonly moving: ReadonlyArray<string>;
  readonly region: string;
  /** What its resources leave to the console (ignoredFields). */
  readonly leftAlone: LeftAlone;
}

/** A stack's state (`terraform show -json`, no refresh) and its synthesized provider settings; 1 (reported) when unreadable. */
function readStack(outdir: string, stack: string, options: DriftOptions): ReadStack | 1 {
  const dir = path.join(outdir, "stacks", stack);
  const leftAlone = leftAloneOf(outdir, stack, options);
  if (leftAlone === 1 || initStack(dir, stack, options) !== 0) return 1;
  const shown = terraformIn(dir, options)(["show", "-json"]);
  if (shown.status !== 0) return terraformFailed(stack, options, "show -json", shown);
  try {
    const stackJson = readStackJson(outdir, stack);
    const state = readStackState(JSON.parse(shown.stdout));
    if (isEmptyState(state)) return nothingToCompare(stack, options);
    return { stack, dir, state, moving: activeMoves(stackJson, state), region: regionOf(stackJson), leftAlone };
  } catch (error) {
    if (!(error instanceof SyntaxError || error instanceof StateFormatError)) throw error;
    return couldNotTell(stack, options, "terraform show -json gave no state this tool can read", error.message);
  }
}

/**
 * `--fast`: every stack's users compared between its state and one bulk read of each Connect
 * instance (SearchUsers pages; DescribeUser only for users whose state sets a secondary email);
 * the other managed resources (IAM, SAML provider) get today's refresh-only plan, targeted to them.
 * Returns each stack's code: 0 no drift, 2 drift, 1 could not tell.
 */
async function fastDriftOfStacks(outdir: string, stacks: ReadonlyArray<string>, options: DriftOptions): Promise<number[]> {
  const read = stacks.map((stack) => readStack(outdir, stack, options));
  const readable = read.filter((r): r is ReadStack => r !== 1);
  let answers: InstanceAnswer[] | Error;
  try {
    answers = await readInstances(instanceRequests(readable));
  } catch (error) {
    answers = error as Error;
  }
  const calls = answers instanceof Error ? "none" : callSummary(answers);
  const callNote = (n: number) =>
    `Fast drift: ${n} Connect user(s) compared between the state and Connect's answers (not refreshed); Connect calls for the environment: ${calls}.`;
  return read.map((r) => {
    if (r === 1) return 1;
    if (r.moving.length > 0) {
      const found = planDrift(r.dir, r.stack, options, r.leftAlone);
      const note = `Fast drift not used: the configuration moves ${r.moving.length} resource(s) of the state (${r.moving[0]}, …) until its next apply; this is terraform's refresh-only plan.`;
      return found === 1 ? 1 : reportDrift(r.stack, found, options, note);
    }
    if (r.state.users.length > 0 && answers instanceof Error) return couldNotTell(r.stack, options, "reading the Connect users failed", answers.message);
    const answerOf = answers instanceof Error ? undefined : answerLookup(answers);
    const userDrifts = r.state.users.flatMap(
      (user) => userDrift(user, answerOf!(r.region, user), r.state.profileNames, ignoredAt(r.leftAlone, user.address)) ?? [],
    );
    const others =
      r.state.otherAddresses.length > 0
        ? planDrift(
            r.dir,
            r.stack,
            options,
            r.leftAlone,
            r.state.otherAddresses.map((a) => `-target=${a}`),
          )
        : { drifted: [], ignored: 0 };
    if (others === 1) return 1;
    const drifted = [...others.drifted, ...userDrifts].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
    return reportDrift(r.stack, { drifted, ignored: others.ignored }, options, callNote(r.state.users.length));
  });
}

/** `npm run drift`'s entry (ToolMain): the report on stdout, progress on stderr. */
export const driftMain: ToolMain = (argv, variables, io) => runDrift(argv, variables, { log: io.err, report: lines(io) });
