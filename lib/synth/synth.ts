/**
 * The synth run: load and check every environment, build one stack each, check the stacks'
 * security rules, and only then write the Terraform JSON and the console sheets.
 */
import { isPipelineRun } from "../rules/pipeline-run";
import * as fs from "node:fs";
import * as path from "node:path";
import { App, DefaultTokenResolver, StringConcat, TerraformProvider, TerraformResource, Tokenization, type TerraformStack } from "cdktf";
import { ValidationError } from "../../modules/props";
import { environmentStacks } from "../../stacks";
import { environmentsFolder } from "../config/environments-dir";
import { loadEnvironments } from "../config/load";
import { displayPath, formatProblem, hasErrors } from "../config/problems";
import { ALLOW_VARIABLE, allowedChanges, checkIdentityLock, LOCK_FILE, writeLock } from "./identity-lock";
import { consoleSettings, renderConsoleSheet } from "./console-settings";
import { CHECKED_RESOURCE_TYPES, checkStack, RULES } from "./security/pack";
import { hashStacks, writeManifest } from "./stack-manifest";

export interface SynthOptions {
  /** Folder of `<env>.yaml` files. */
  readonly environmentsDir: string;
  /** Where cdktf writes (`CDKTF_OUTDIR`). */
  readonly outdir: string;
  /** Certificates are checked against this instant. */
  readonly now: Date;
  /** Project root: local state files live here. @default process.cwd() */
  readonly cwd?: string;
  /** Environments whose recorded identity may change, or whose lock entry may go, in this run (see identity-lock.ts). */
  readonly allowIdentityChange: ReadonlySet<string>;
  /**
   * The pipeline's run: the identity lock must be committed, unmodified, and already what synth
   * records; synth never writes it. @default false
   */
  readonly pipeline?: boolean;
  /** Receives each problem line, and a refusal's summary. */
  readonly log: (line: string) => void;
  /** Receives status lines: what was written, and notices. @default log */
  readonly status?: (line: string) => void;
  /** Read before the environments, e.g. that the examples stand in for an empty environments/. */
  readonly notice?: string;
}

/**
 * The part of a stack's Terraform JSON the security rules read (default provider and the
 * resource types the rules declare in `reads`), resolved without the rest: resolving a
 * 5,000-user map only to ignore it costs more than the whole synth of it. The rules run on this
 * resolved view rather than as a cdktf Aspect: an Aspect sees constructs before resolution, so
 * it would have to resolve each one anyway, and would visit every user construct to skip it.
 */
export function securityView(stack: TerraformStack): Record<string, unknown> {
  const checked = new Set<string>(CHECKED_RESOURCE_TYPES);
  const resolve = (value: unknown) =>
    Tokenization.resolve(value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) }) as {
      provider: Record<string, unknown>;
      resource: Record<string, Record<string, unknown>>;
    };
  const view: { provider: Record<string, unknown[]>; resource: Record<string, Record<string, unknown>> } = { provider: {}, resource: {} };
  for (const element of stack.node.findAll()) {
    if (element instanceof TerraformProvider && !element.alias) {
      for (const [type, blocks] of Object.entries(resolve(element.toTerraform()).provider)) view.provider[type] = blocks as unknown[];
    } else if (element instanceof TerraformResource && checked.has(element.terraformResourceType)) {
      for (const [type, byName] of Object.entries(resolve(element.toTerraform()).resource)) Object.assign((view.resource[type] ??= {}), byName);
    }
  }
  return view;
}

/**
 * Options from environment variables: CONNECT_SSO_ENVIRONMENTS (default `environments`, or the
 * examples while it holds none outside a pipeline: environments-dir.ts), CDKTF_OUTDIR (default
 * `cdktf.out`), CONNECT_SSO_ALLOW_IDENTITY_CHANGE, CI (the pipeline mode). Problems go to `log`,
 * status lines to `status`.
 */
export function optionsFromVariables(variables: NodeJS.ProcessEnv, log: (line: string) => void, status: (line: string) => void = log): SynthOptions {
  const folder = environmentsFolder(variables, process.cwd());
  return {
    environmentsDir: folder.dir,
    notice: folder.notice,
    status,
    outdir: variables.CDKTF_OUTDIR ?? "cdktf.out",
    now: new Date(),
    allowIdentityChange: allowedChanges(variables[ALLOW_VARIABLE]),
    pipeline: isPipelineRun(variables),
    log,
  };
}

/** Runs synth; returns the process exit code. Nothing is written unless every check passes. */
export function synthesize(options: SynthOptions): number {
  const cwd = options.cwd ?? process.cwd();
  const status = options.status ?? options.log;
  if (options.notice) status(options.notice);
  const pipeline = options.pipeline ?? false;
  // A pipeline of a team with no environment yet synthesizes nothing (and plans nothing).
  const loaded = loadEnvironments({ dir: options.environmentsDir, now: options.now, cwd, emptyIsError: !pipeline });
  const { environments } = loaded;
  const lockFile = displayPath(cwd, path.join(options.environmentsDir, LOCK_FILE));
  const lock = checkIdentityLock({ dir: options.environmentsDir, lockFile, environments, allowed: options.allowIdentityChange, pipeline, now: options.now });
  const problems = [...loaded.problems, ...lock.problems];
  problems.forEach((p) => options.log(formatProblem(p)));
  if (hasErrors(problems)) {
    const files = new Set(problems.filter((p) => p.severity === "error").map((p) => p.file)).size;
    options.log(`synth stopped: ${problems.filter((p) => p.severity === "error").length} error(s) in ${files} file(s); nothing was written`);
    return 1;
  }

  const outdir = path.resolve(cwd, options.outdir);
  const outdirExisted = fs.existsSync(outdir);
  const app = new App({ outdir, skipBackendValidation: true });
  // Every stack is synthesized one level below <outdir>/stacks; local state lives in the project root.
  const localStateDir = path.relative(path.join(outdir, "stacks", "stack"), cwd);
  // cdktf's App makes the output folder up front; leave none behind where there was none.
  const stop = (lines: string[], summary: string) => {
    lines.forEach((line) => options.log(line));
    if (!outdirExisted) fs.rmSync(outdir, { recursive: true, force: true });
    options.log(`synth stopped: ${summary}; nothing was written`);
    return 1;
  };
  let stacks: ReturnType<typeof environmentStacks>;
  try {
    stacks = environments.flatMap((environment) => environmentStacks(app, environment, localStateDir));
  } catch (error) {
    // The environment checks stop bad input first; a construct's own check is the last line.
    if (error instanceof ValidationError) return stop([`error: ${error.message}`], "a construct refused its properties");
    throw error;
  }
  const violations = stacks.flatMap((stack) => checkStack(securityView(stack)).map((v) => ({ stack: stack.node.id, ...v })));
  if (violations.length > 0) {
    return stop(
      violations.map((v) => `error: ${v.stack}: ${v.address}: ${v.message} [${v.rule}: ${RULES[v.rule as keyof typeof RULES]}]`),
      `${violations.length} security rule violation(s)`,
    );
  }

  app.synth();
  writeManifest(
    outdir,
    hashStacks(
      outdir,
      stacks.map((s) => s.node.id),
    ),
  );
  for (const environment of environments) {
    const settings = consoleSettings(environment);
    fs.writeFileSync(path.join(outdir, "stacks", settings.stack, "console-settings.md"), renderConsoleSheet(settings));
  }
  // In the pipeline a change of the lock is an error above: the lock is never written there.
  if (!pipeline && lock.changes.length > 0) {
    writeLock(options.environmentsDir, lock.next);
    status(`recorded in ${lockFile} (${lock.changes.join("; ")}): commit it with the environment files`);
  }
  status(`synthesized ${stacks.length} stack(s) into ${displayPath(cwd, outdir)}${stacks.length ? `: ${stacks.map((s) => s.node.id).join(", ")}` : ""}`);
  return 0;
}
