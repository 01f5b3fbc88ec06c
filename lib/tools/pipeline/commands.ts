/**
 * The pipeline's own steps on synthesized stacks, so that what was reviewed is what runs:
 * `plan` saves a plan file and its JSON (for the gate), `apply` gates the saved plan files itself
 * and applies only those that pass, recording the applied hash beside the state, `pending` lists
 * the stacks whose applied record differs from what was synthesized (and the commits since, whose
 * consents the gate reads again). Neither `pending` nor `apply` acts on a commit older than what
 * was applied (not-past.ts).
 */
import { environmentsFolder } from "../../config/environments-dir";
import { isPipelineRun } from "../../rules/pipeline-run";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { isBootstrapStack, stackName } from "../../rules/naming";
import { parseStackName } from "../../rules/sharding";
import { MANIFEST_FILE, readManifest, readStackJson, stacksOfEnvironment, type StackHashes } from "../../synth/stack-manifest";
import { asPlan, PlanFormatError } from "../plan/read";
import { ChangedFilesError, changedFiles } from "../review/changed-files";
import { reviewPlan } from "../review/classify";
import type { Consent } from "../review/consent";
import { consentTarget, gate, type StackReview } from "../review/gate";
import { renderRun } from "../review/markdown";
import { consentLine } from "../review/consent";
import { readApplied, stateClient, writeApplied, type AppliedRecord, type StateObject } from "./applied";
import { PipelineInputError } from "./errors";
import { configurationProblems } from "./configuration";
import { fastRefresh } from "./fast-refresh";
import { refuseThePast } from "./not-past";
import { persistenceProblem, stateLocation } from "./state";

/** The saved plan of a stack, in its synthesized folder. */
const PLAN_FILE = "plan.tfplan";

/** Where a command writes: `out` its result (stdout), `log` each line of progress or refusal (stderr). */
export interface CommandIo {
  readonly log: (line: string) => void;
  readonly out: (text: string) => void;
}

export interface PipelineContext extends CommandIo {
  /** Where synth wrote (`CDKTF_OUTDIR`, default cdktf.out). */
  readonly outdir: string;
  /** Folder of the environment files, for messages. */
  readonly environmentsDir: string;
  /** Folder receiving `<stack>.json` plans for the gate. */
  readonly plansDir: string;
  readonly variables: NodeJS.ProcessEnv;
  /** Terraform executable. */
  readonly terraform: string;
}

export function contextFromVariables(variables: NodeJS.ProcessEnv, io: CommandIo): PipelineContext {
  return {
    outdir: variables.CDKTF_OUTDIR ?? "cdktf.out",
    environmentsDir: environmentsFolder(variables, process.cwd()).dir,
    plansDir: "plans",
    variables,
    terraform: "terraform",
    ...io,
  };
}

interface Stack {
  readonly name: string;
  readonly dir: string;
  readonly state: ReturnType<typeof stateLocation>;
}

/** A synthesized stack, refused when the name is not one, it was not synthesized, or (in a pipeline) its state would not persist. */
function synthesizedStack(ctx: PipelineContext, name: string): Stack {
  if (isBootstrapStack(name))
    throw new PipelineInputError(
      `${name} is a bootstrap stack: an administrator applies it (docs/gitops.md, "Pipeline IAM: the bootstrap stack"); the pipeline never changes its own rights`,
    );
  const parsed = parseStackName(name);
  if (!parsed)
    throw new PipelineInputError(
      `${JSON.stringify(name)} is not a stack name; allowed: connect-sso-<env>[-users-<n>] as in ${path.join(ctx.outdir, MANIFEST_FILE)}`,
    );
  const dir = path.join(ctx.outdir, "stacks", name);
  if (!fs.existsSync(path.join(dir, "cdk.tf.json"))) throw new PipelineInputError(`${name} was not synthesized into ${dir}: run npm run synth first`);
  const json = readStackJson(ctx.outdir, name);
  const unsafe = configurationProblems(json);
  if (unsafe.length > 0)
    throw new PipelineInputError(`${name} is not run: its synthesized configuration ${unsafe.join("; ")} (${path.join(dir, "cdk.tf.json")})`);
  const state = stateLocation(json);
  const problem = isPipelineRun(ctx.variables) ? persistenceProblem(name, state, path.join(ctx.environmentsDir, `${parsed.environment}.yaml`)) : undefined;
  if (problem) throw new PipelineInputError(problem);
  return { name, dir, state };
}

function runTerraform(ctx: PipelineContext, stack: Stack, args: string[], capture = false): SpawnSyncReturns<string> {
  const result = spawnSync(ctx.terraform, args, {
    cwd: stack.dir,
    encoding: "utf8",
    // `show -json` of a stack with thousands of users is megabytes.
    maxBuffer: 512 * 1024 * 1024,
    stdio: capture ? ["ignore", "pipe", "inherit"] : ["ignore", "inherit", "inherit"],
    env: { ...ctx.variables, TF_IN_AUTOMATION: "1" },
  });
  if (result.error) throw new PipelineInputError(`cannot run ${ctx.terraform}: ${result.error.message}`);
  return result;
}

export interface PlanOptions {
  /** Hold the state lock (false: `-lock=false`, for the read-only plans of pull requests). */
  readonly lock: boolean;
  /** Refresh only what the bulk read of the Connect users found changed, then plan with `-refresh=false` (see fast-refresh.ts); needs `lock`. */
  readonly fastRefresh?: boolean;
}

/**
 * `plan <stack> [--no-lock] [--fast-refresh]`: init, (the fast refresh), `plan -out`, and `show -json`
 * into `<plansDir>/<stack>.json`. Returns 0, or 1 when terraform failed.
 */
export async function planStack(ctx: PipelineContext, name: string, options: PlanOptions): Promise<number> {
  if (options.fastRefresh && !options.lock)
    throw new PipelineInputError("--fast-refresh writes the refreshed state (terraform apply -refresh-only), so it needs the state lock: drop --no-lock");
  const stack = synthesizedStack(ctx, name);
  const step = (what: string, args: string[]) => {
    const result = runTerraform(ctx, stack, args);
    if (result.status !== 0) ctx.log(`pipeline: ${name}: terraform ${what} failed (exit ${result.status})`);
    return result.status === 0;
  };
  if (!step("init", ["init", "-input=false"])) return 1;
  fs.rmSync(path.join(stack.dir, PLAN_FILE), { force: true });
  const refresh = options.fastRefresh
    ? await fastRefresh(name, readStackJson(ctx.outdir, name), (args, capture) => runTerraform(ctx, stack, args, capture), ctx.log)
    : [];
  if (refresh === 1) return 1;
  if (!step("plan", ["plan", "-input=false", `-out=${PLAN_FILE}`, ...refresh, ...(options.lock ? [] : ["-lock=false"])])) return 1;
  const shown = runTerraform(ctx, stack, ["show", "-json", PLAN_FILE], true);
  if (shown.status !== 0) {
    ctx.log(`pipeline: ${name}: terraform show -json failed (exit ${shown.status})`);
    return 1;
  }
  fs.mkdirSync(ctx.plansDir, { recursive: true });
  const jsonFile = path.join(ctx.plansDir, `${name}.json`);
  fs.writeFileSync(jsonFile, shown.stdout);
  ctx.log(`pipeline: ${name}: saved ${path.join(stack.dir, PLAN_FILE)} and ${jsonFile}`);
  return 0;
}

function manifest(ctx: PipelineContext): StackHashes {
  try {
    return readManifest(path.join(ctx.outdir, MANIFEST_FILE));
  } catch (error) {
    throw new PipelineInputError(`${(error as Error).message}: run npm run synth first`);
  }
}

function stateObject(stack: Stack): StateObject {
  if (stack.state.kind !== "s3")
    throw new PipelineInputError(
      `${stack.name} keeps no state in S3, so the pipeline cannot record or read what was applied: add backend.s3 to its environment file`,
    );
  return stack.state;
}

/** The commit being applied: GITHUB_SHA in Actions, else the checkout's HEAD. */
function currentCommit(ctx: PipelineContext): string {
  if (ctx.variables.GITHUB_SHA) return ctx.variables.GITHUB_SHA;
  const head = spawnSync("git", ["rev-parse", "HEAD"], { encoding: "utf8" });
  if (head.status !== 0) throw new PipelineInputError("cannot tell the commit being applied: set GITHUB_SHA or run inside a git checkout");
  return head.stdout.trim();
}

/** The applied record of a stack, or undefined; a record that cannot be read is a refusal naming it. */
async function appliedRecord(ctx: PipelineContext, stack: Stack): Promise<AppliedRecord | undefined> {
  const state = stateObject(stack);
  try {
    return await readApplied(stateClient(state.region, ctx.variables), state);
  } catch (error) {
    throw new PipelineInputError(`${stack.name}: ${(error as Error).message}`);
  }
}

export interface ApplyOptions {
  /** Consents for the gated changes of these plans (from npm run consents, or --consent). */
  readonly consents: ReadonlyArray<Consent>;
  /** The commit before the change: each file of the gate itself changed since then needs consent. Required in a pipeline. */
  readonly since?: string;
  /** A file the review's Markdown is appended to (e.g. $GITHUB_STEP_SUMMARY). */
  readonly reviewFile?: string;
}

/** The saved plan of a stack, read from the plan file itself (`terraform show -json`) and reviewed. */
function reviewSavedPlan(ctx: PipelineContext, stack: Stack): StackReview {
  const shown = runTerraform(ctx, stack, ["show", "-json", PLAN_FILE], true);
  if (shown.status !== 0) throw new PipelineInputError(`${stack.name}: terraform show -json ${PLAN_FILE} failed (exit ${shown.status}): nothing is applied`);
  try {
    return { stack: stack.name, review: reviewPlan(asPlan(JSON.parse(shown.stdout))) };
  } catch (error) {
    if (error instanceof PlanFormatError || error instanceof SyntaxError)
      throw new PipelineInputError(`${stack.name}: the saved plan ${PLAN_FILE} ${error.message}: nothing is applied`);
    throw error;
  }
}

/**
 * `apply <stack>... --consents <file> --since <commit>`: the gate, in this process, over the saved
 * plan files themselves (all of them together: a users-stack move spans two), immediately before
 * terraform applies them; then each plan file is applied in order and recorded beside its state.
 * Nothing is applied when one gated change lacks consent, when the commit is older than what was
 * applied, or when it is not the tip of the default branch (in GitHub Actions). Returns 0, or 1
 * when the gate refused or terraform failed (nothing is recorded for a failed stack).
 */
export async function applyStacks(ctx: PipelineContext, names: ReadonlyArray<string>, options: ApplyOptions): Promise<number> {
  if (names.length === 0) throw new PipelineInputError("apply needs at least one stack");
  if (options.since === undefined && isPipelineRun(ctx.variables))
    throw new PipelineInputError(
      "apply in a pipeline needs --since <commit>: the commit before the change (the push's `before`), so that a change to the gate's own files is gated too",
    );
  const stacks = names.map((name) => synthesizedStack(ctx, name));
  const hashes = manifest(ctx);
  for (const stack of stacks) {
    stateObject(stack);
    if (!fs.existsSync(path.join(stack.dir, PLAN_FILE)))
      throw new PipelineInputError(
        `${stack.name} has no saved plan (${path.join(stack.dir, PLAN_FILE)}): run the pipeline's plan first; it never applies without a plan file`,
      );
    if (!hashes[stack.name]) throw new PipelineInputError(`${stack.name} is not in ${path.join(ctx.outdir, MANIFEST_FILE)}: run npm run synth first`);
  }
  const head = currentCommit(ctx);
  const plans = stacks.map((stack) => reviewSavedPlan(ctx, stack));
  let changed: string[];
  try {
    changed = options.since === undefined ? [] : changedFiles(options.since, head);
  } catch (error) {
    if (error instanceof ChangedFilesError) throw new PipelineInputError(error.message);
    throw error;
  }
  const result = gate(plans, [], options.consents, changed);
  if (options.reviewFile) fs.appendFileSync(options.reviewFile, `${renderRun(plans, [], result)}\n`);
  const refused = result.gated.filter((g) => g.consents.length === 0);
  if (refused.length > 0) {
    ctx.log(
      [
        `pipeline: the gate refused the saved plans: ${refused.length} gated change(s) lack consent, so nothing is applied:`,
        ...new Set(refused.map((g) => `  ${consentLine(g.change.stack, consentTarget(g.change))}`)),
      ].join("\n"),
    );
    return 1;
  }
  ctx.log(`pipeline: the gate passed the saved plans of ${names.join(", ")} (${result.gated.length} gated change(s), each with consent)`);
  await refuseThePast(head, await Promise.all(stacks.map((stack) => appliedRecord(ctx, stack))), ctx.variables);

  for (const stack of stacks) {
    const applied = runTerraform(ctx, stack, ["apply", "-input=false", PLAN_FILE]);
    if (applied.status !== 0) {
      ctx.log(`pipeline: ${stack.name}: terraform apply failed (exit ${applied.status}); nothing recorded, so the next run applies it again`);
      return 1;
    }
    const record: AppliedRecord = { stack: stack.name, hash: hashes[stack.name], commit: head, appliedAt: new Date().toISOString() };
    const state = stateObject(stack);
    await writeApplied(stateClient(state.region, ctx.variables), state, record);
    ctx.log(`pipeline: ${stack.name}: applied; recorded ${record.hash.slice(0, 12)} of ${record.commit.slice(0, 12)} beside its state`);
  }
  return 0;
}

export interface Pending {
  readonly environment: string;
  /** Stacks to plan, gate and apply, in order (main stack first; only it when it was never applied). */
  readonly stacks: string[];
  /** Commits whose merged pull requests' consents the gate reads: since the oldest applied record, or HEAD alone. */
  readonly commits: string[];
}

/** Commits after `since` up to `head`, or undefined when `since` is not in this history (rewritten, or a shallow clone). */
function commitsSince(since: string, head: string): string[] | undefined {
  const listed = spawnSync("git", ["rev-list", "--reverse", `${since}..${head}`], { encoding: "utf8" });
  return listed.status === 0 ? listed.stdout.split("\n").filter(Boolean) : undefined;
}

/** `pending <env>`: stacks whose synthesized hash differs from their applied record. */
export async function pendingStacks(ctx: PipelineContext, environment: string): Promise<Pending> {
  const main = stackName(environment);
  const names = stacksOfEnvironment(manifest(ctx), main);
  if (!names.includes(main))
    throw new PipelineInputError(`no environment ${JSON.stringify(environment)}: ${main} is not in ${path.join(ctx.outdir, MANIFEST_FILE)}`);
  const hashes = manifest(ctx);
  const head = currentCommit(ctx);
  const records = new Map<string, AppliedRecord | undefined>();
  for (const name of names) records.set(name, await appliedRecord(ctx, synthesizedStack(ctx, name)));
  await refuseThePast(head, [...records.values()], ctx.variables);
  const stacks: string[] = [];
  const since: Array<string | undefined> = [];
  for (const name of names) {
    const record = records.get(name);
    if (record?.hash === hashes[name]) continue;
    stacks.push(name);
    since.push(record?.commit);
    // Users stacks read what the main stack makes (a created instance): after its first apply.
    if (name === main && !record) break;
  }
  let commits = [head];
  const recorded = since.filter((c): c is string => Boolean(c));
  if (stacks.length > 0 && recorded.length === since.length) {
    // The widest range: every pending stack's change since its own last apply is covered.
    const ranges = recorded.map((c) => commitsSince(c, head));
    if (ranges.every(Boolean)) commits = [...new Set([...ranges.flatMap((r) => r!), head])];
    else ctx.log("pipeline: a recorded commit is not in this history (use a full clone: fetch-depth 0); consents are read for HEAD only");
  }
  return { environment, stacks, commits: stacks.length ? commits : [] };
}
