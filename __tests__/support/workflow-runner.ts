/**
 * Runs the jobs of a GitHub Actions workflow file on this machine, as a runner would, for the
 * rehearsal of the GitOps path: each job in an empty folder that `actions/checkout` fills as
 * GitHub's does (the event's commit or `ref:`, one commit deep unless `fetch-depth: 0`), `${{ }}`
 * evaluated by GitHub's own expression evaluator (@actions/expressions), `run:` steps written to a
 * file and run with the shell GitHub would use (`bash -e {0}` when neither the step nor a job or
 * workflow `defaults.run.shell` names one: no pipefail; `bash --noprofile --norc -eo pipefail {0}`
 * for `shell: bash`), with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY, artifacts kept in a folder.
 * Actions are emulated only where listed in ACTIONS; any other `uses:` or shell fails the run
 * (fail closed: the rehearsal must not silently skip a step it does not understand).
 */
import { spawn, spawnSync } from "node:child_process";
import { withPooledProvider } from "./provider-pool";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { data, Evaluator, Lexer, Parser } from "@actions/expressions";

export interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly if?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly env?: Record<string, unknown>;
  readonly shell?: string;
}

/** `defaults:` of a workflow or job. */
export interface Defaults {
  readonly run?: { readonly shell?: string };
}

export interface Job {
  readonly needs?: string | string[];
  readonly if?: string;
  readonly environment?: string;
  readonly env?: Record<string, unknown>;
  readonly outputs?: Record<string, string>;
  readonly strategy?: { readonly matrix: Record<string, unknown> };
  readonly defaults?: Defaults;
  readonly steps: Step[];
}

export interface Workflow {
  readonly env?: Record<string, unknown>;
  readonly defaults?: Defaults;
  readonly jobs: Record<string, Job>;
}

export type Result = "success" | "failure" | "skipped";

export interface StepLog {
  readonly job: string;
  readonly step: string;
  readonly outcome: Result;
  readonly output: string;
  /** Why the step was not run, for skipped steps. */
  readonly reason?: string;
  /** How long the step ran. */
  readonly ms?: number;
}

export interface JobRun {
  readonly result: Result;
  readonly outputs: Record<string, string>;
  /** `with:` of configure-aws-credentials, evaluated: which role the job would assume. */
  readonly assumedRoles: string[];
  readonly environment?: string;
}

export interface RunnerOptions {
  readonly workflowFile: string;
  /** A git repository to clone for each job. */
  readonly origin: string;
  /** Where job folders and artifacts go. */
  readonly root: string;
  /** node_modules to link into each clone (the lockfile is the same; `npm ci` is not repeated). */
  readonly nodeModules: string;
  /** Base environment of every step (PATH, AWS endpoints, credentials...). */
  readonly env: NodeJS.ProcessEnv;
  /** Repository variables and `vars` of the GitHub environment. */
  readonly vars: Record<string, string>;
  /** Steps the rehearsal does not run, each with its reason; every other step runs. */
  readonly skipRun: ReadonlyArray<{ readonly run: RegExp; readonly reason: string }>;
  /** Limit per step. @default 180 s */
  readonly stepTimeoutMs?: number;
}

/** Actions the runner emulates; the reason says why that is faithful here. */
const ACTIONS: Readonly<Record<string, string>> = {
  "actions/checkout": "the commit (or ref:) fetched from the origin, one commit deep unless fetch-depth: 0, as GitHub's checkout does",
  "actions/setup-node": "the node this run uses (.nvmrc's major in .ci/run)",
  "hashicorp/setup-terraform": "terraform 1.11 is on this machine",
  "actions/setup-python": "moto is on this machine",
  "aws-actions/configure-aws-credentials": "the environment holds moto's credentials; the role is recorded",
  "actions/upload-artifact": "copied into the artifacts folder",
  "actions/download-artifact": "copied from the artifacts folder",
};

export function readWorkflow(file: string): Workflow {
  return parse(fs.readFileSync(file, "utf8")) as Workflow;
}

/** Evaluates one expression (without `${{ }}`) with GitHub's evaluator. */
export function evaluate(expression: string, context: Record<string, unknown>, status: { failed: boolean } = { failed: false }): unknown {
  const lexed = new Lexer(expression).lex();
  const functions = new Map(
    Object.entries({ always: true, success: !status.failed, failure: status.failed, cancelled: false }).map(([name, value]) => [
      name,
      { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value) },
    ]),
  );
  const expr = new Parser(lexed.tokens, Object.keys(context), [...functions.values()]).parse();
  const ctx = JSON.parse(JSON.stringify(context), data.reviver) as data.Dictionary;
  return JSON.parse(JSON.stringify(new Evaluator(expr, ctx, functions).evaluate(), data.replacer)) as unknown;
}

/** A string with every `${{ expr }}` replaced by its value (GitHub's string coercion: objects as JSON). */
export function interpolate(text: string, context: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expr: string) => {
    const value = evaluate(expr.trim(), context);
    return value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** An `if:` condition: bare expressions or `${{ }}`; the default is success(). */
function condition(text: string | undefined, context: Record<string, unknown>, status: { failed: boolean }): boolean {
  if (text === undefined) return !status.failed;
  const expr = text.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
  const usesStatus = /\b(always|success|failure|cancelled)\(\)/.test(expr);
  const value = evaluate(expr, context, status);
  return (usesStatus || !status.failed) && Boolean(value) && value !== "";
}

/**
 * The command GitHub runs a `run:` script file with, on Linux
 * (docs.github.com: "Workflow syntax", jobs.<job_id>.steps[*].shell): unset, bash -e; bash with
 * pipefail when named; sh -e. Any other shell is refused.
 */
export function shellCommand(shell: string | undefined, file: string): string[] {
  switch (shell) {
    case undefined:
      return ["bash", "-e", file];
    case "bash":
      return ["bash", "--noprofile", "--norc", "-eo", "pipefail", file];
    case "sh":
      return ["sh", "-e", file];
    default:
      throw new Error(`the rehearsal does not know the shell ${JSON.stringify(shell)}: teach it, do not guess`);
  }
}

function runScript(command: string[], cwd: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    const timer = setTimeout(() => {
      output += `\n[rehearsal: step killed after ${timeoutMs / 1000} s]`;
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** `name=value` lines of a GITHUB_OUTPUT file (the only form the workflow writes). */
function readOutputs(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 1);
  }
  return out;
}

function copyInto(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

export class WorkflowRunner {
  readonly workflow: Workflow;
  readonly log: StepLog[] = [];

  constructor(private readonly options: RunnerOptions) {
    this.workflow = readWorkflow(options.workflowFile);
  }

  /** Whether a job runs for this context and its needs' results (the job's `if:`, default success of every need). */
  jobRuns(jobId: string, context: Record<string, unknown>, needs: Record<string, { result: Result }>): boolean {
    const job = this.job(jobId);
    const failed = Object.values(needs).some((n) => n.result !== "success");
    return condition(job.if, context, { failed });
  }

  /** The values of a job's matrix key, evaluated. */
  matrix(jobId: string, key: string, context: Record<string, unknown>): unknown[] {
    const raw = this.job(jobId).strategy?.matrix[key];
    const value = typeof raw === "string" ? JSON.parse(JSON.stringify(evaluate(raw.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1"), context))) : raw;
    if (!Array.isArray(value)) throw new Error(`matrix ${jobId}.${key} is not a list: ${JSON.stringify(value)}`);
    return value;
  }

  private job(jobId: string): Job {
    const job = this.workflow.jobs[jobId];
    if (!job) throw new Error(`the workflow has no job ${jobId}`);
    return job;
  }

  /**
   * Runs one job (one matrix leg) at `commit` with `context` (github, needs, matrix; env and vars
   * are added). Steps run until one fails; later steps run only if their `if:` allows it.
   */
  async runJob(jobId: string, commit: string, context: Record<string, unknown>, stopBefore?: (step: Step) => boolean): Promise<JobRun> {
    const job = this.job(jobId);
    // Runners of several workflows may share a root.
    const dir = fs.mkdtempSync(path.join(this.options.root, `job-${jobId}-`));
    const runnerTemp = fs.mkdtempSync(path.join(this.options.root, "runner-temp-"));
    const summary = path.join(runnerTemp, "summary.md");

    const workflowEnv = this.evaluateMap(this.workflow.env, context);
    const ctx: Record<string, unknown> = { ...context, env: workflowEnv, vars: this.options.vars, steps: {} };
    const jobEnv = { ...workflowEnv, ...this.evaluateMap(job.env, ctx) };
    const environment = job.environment ? interpolate(job.environment, ctx) : undefined;
    const steps: Record<string, { outputs: Record<string, string>; outcome: Result }> = {};
    const assumedRoles: string[] = [];
    let failed = false;

    for (const [index, step] of job.steps.entries()) {
      if (stopBefore?.(step)) break;
      const label = step.name ?? step.uses ?? step.run?.split("\n")[0] ?? `step ${index}`;
      const stepCtx = { ...ctx, env: jobEnv, steps };
      const started = Date.now();
      const record = (outcome: Result, output: string, reason?: string) => {
        this.log.push({ job: jobId, step: label, outcome, output, reason, ms: Date.now() - started });
        if (step.id) steps[step.id] = { outputs: steps[step.id]?.outputs ?? {}, outcome };
        if (outcome === "failure") failed = true;
      };
      if (!condition(step.if, stepCtx, { failed })) {
        record("skipped", "", "its if: is false");
        continue;
      }
      const stepEnv = { ...jobEnv, ...this.evaluateMap(step.env, stepCtx) };
      if (step.uses) {
        const action = step.uses.replace(/@.*$/, "");
        if (!(action in ACTIONS)) throw new Error(`the rehearsal does not know the action ${step.uses} (job ${jobId}): teach it, do not skip it`);
        const withValues = this.evaluateMap(step.with, stepCtx);
        if (action === "actions/checkout") this.checkout(dir, withValues.ref || commit, withValues["fetch-depth"] ?? "1");
        if (action === "aws-actions/configure-aws-credentials") assumedRoles.push(withValues["role-to-assume"] ?? "");
        if (action === "actions/upload-artifact") copyInto(path.join(dir, withValues.path), path.join(this.options.root, "artifacts", withValues.name));
        if (action === "actions/download-artifact") {
          const names = withValues.name
            ? [withValues.name]
            : fs.readdirSync(path.join(this.options.root, "artifacts")).filter((n) => new RegExp(`^${withValues.pattern.replace(/\*/g, ".*")}$`).test(n));
          for (const name of names) copyInto(path.join(this.options.root, "artifacts", name), path.join(dir, withValues.path));
        }
        record("success", "", ACTIONS[action]);
        continue;
      }
      const skip = this.options.skipRun.find((s) => s.run.test(step.run ?? ""));
      if (skip) {
        record("skipped", "", skip.reason);
        continue;
      }
      const outputFile = path.join(runnerTemp, `output-${index}`);
      const scriptFile = path.join(runnerTemp, `step-${index}.sh`);
      fs.writeFileSync(scriptFile, step.run ?? "");
      const shell = step.shell ?? job.defaults?.run?.shell ?? this.workflow.defaults?.run?.shell;
      const github = (context.github ?? {}) as Record<string, unknown>;
      // A step's scripts run terraform one command at a time: they may share a pooled provider.
      const result = await withPooledProvider({ ...this.options.env, ...stepEnv }, (env) =>
        runScript(
          shellCommand(shell, scriptFile),
          dir,
          {
            ...env,
            CI: "true",
            GITHUB_ACTIONS: "true",
            GITHUB_JOB: jobId,
            GITHUB_REPOSITORY: String(github.repository ?? ""),
            GITHUB_REF: String(github.ref ?? ""),
            GITHUB_EVENT_NAME: String(github.event_name ?? ""),
            GITHUB_SHA: commit,
            GITHUB_OUTPUT: outputFile,
            GITHUB_STEP_SUMMARY: summary,
            RUNNER_TEMP: runnerTemp,
          },
          this.options.stepTimeoutMs ?? 180_000,
        ),
      );
      if (step.id) steps[step.id] = { outputs: readOutputs(outputFile), outcome: result.code === 0 ? "success" : "failure" };
      record(result.code === 0 ? "success" : "failure", result.output);
    }
    const outputs = this.evaluateMap(job.outputs, { ...ctx, env: jobEnv, steps });
    return { result: failed ? "failure" : "success", outputs, assumedRoles, environment };
  }

  /** What actions/checkout leaves: `ref` checked out, the origin as `origin`, `depth` commits of history (0: all of it, every branch). */
  private checkout(dir: string, ref: string, depth: string): void {
    const origin = `file://${this.options.origin}`;
    const steps: string[][] =
      depth === "0"
        ? [
            ["clone", "-q", origin, "."],
            ["checkout", "-q", ref],
          ]
        : [
            ["init", "-q"],
            ["remote", "add", "origin", origin],
            ["fetch", "-q", `--depth=${Number(depth)}`, "origin", ref],
            ["checkout", "-q", "FETCH_HEAD"],
          ];
    for (const args of steps) {
      const failed = spawnOk("git", args, dir);
      if (failed) throw new Error(failed);
    }
    // The lockfile is the same: node_modules is linked, npm ci is not run.
    if (!fs.existsSync(path.join(dir, "node_modules"))) fs.symlinkSync(this.options.nodeModules, path.join(dir, "node_modules"), "dir");
  }

  private evaluateMap(map: Record<string, unknown> | undefined, context: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(Object.entries(map ?? {}).map(([k, v]) => [k, interpolate(String(v), context)]));
  }

  /** What the steps of a job printed, for a failure message. */
  transcript(jobId?: string): string {
    return this.log
      .filter((l) => !jobId || l.job === jobId)
      .map(
        (l) =>
          `--- ${l.job} / ${l.step}: ${l.outcome}${l.reason ? ` (${l.reason})` : ""} in ${((l.ms ?? 0) / 1000).toFixed(1)} s\n${l.output.trim().slice(-4000)}`,
      )
      .join("\n");
  }
}

/** Runs a command; returns an error message, or undefined when it exited 0. */
function spawnOk(command: string, args: string[], cwd: string): string | undefined {
  const result = spawnSync(command, args, { cwd, encoding: "utf8" });
  return result.status === 0 ? undefined : `${command} ${args.join(" ")} failed in ${cwd}: ${result.stderr}`;
}
