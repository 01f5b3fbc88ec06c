/**
 * The GitOps path on loopback, for the rehearsal tests: a throwaway git repository holding the
 * project (the origin), the two workflows' own jobs and `run:` steps (.github/workflows/, through
 * workflow-runner.ts), state in S3 on moto, IAM and STS on moto, Connect on the fake, GitHub's API
 * on its fake. Pull requests are branches of the origin; a merge is a merge commit on main, and
 * GitHub's idea of main's tip follows it.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { Environment } from "../../lib/config/environment";
import { loadEnvironments } from "../../lib/config/load";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { REPO } from "./environments";
import { startGitHubFake, type FakePull, type FakeUser, type GitHubFake } from "./github-fake";
import { startSandbox, type Sandbox } from "./sandbox";
import { npmShim } from "./script-bundles";
import { createStateBucket } from "./s3-state";
import { makeTempDir, removeTempDir, terraformSetup, type TerraformSetup } from "./terraform";
import { missingSandboxTools, missingTool, providerMirror } from "./tools";
import { WorkflowRunner, type JobRun, type Result } from "./workflow-runner";

export const REPOSITORY = "acme/contact-center";
export const BUCKET = "rehearsal-connect-sso-state";
export const STACK = "connect-sso-rehearsal";
export const STATE_KEY = "connect-sso/rehearsal/terraform.tfstate";
export const AUTHOR: FakeUser = { login: "pat-author", id: 1 };
export const REVIEWER: FakeUser = { login: "sam-reviewer", id: 2 };
export const PR_WORKFLOW = path.join(REPO, ".github", "workflows", "connect-sso-pr.yml");
export const MAIN_WORKFLOW = path.join(REPO, ".github", "workflows", "connect-sso.yml");

/** Why a rehearsal cannot run here (none: it can). */
export const missingRehearsalTools = (): Array<string | undefined> => [
  ...missingSandboxTools(),
  missingTool("jq"),
  missingTool("git"),
  providerMirror() ? undefined : "no offline hashicorp/aws 5.100.0 mirror",
];

export interface RehearsalUser {
  readonly username: string;
  readonly firstName: string;
}
export const user = (username: string, firstName: string): RehearsalUser => ({ username, firstName });
export const ALICE = user("alice.nguyen@example.com", "Alice");
export const DANA = user("dana.okafor@example.com", "Dana");
export const ERIN = user("erin.lee@example.com", "Erin");

export function environmentYaml(users: ReadonlyArray<RehearsalUser>, sessionDurationHours = 10): string {
  return [
    'account: "111122223333"',
    "region: us-west-2",
    "backend:",
    `  s3: { bucket: ${BUCKET}, region: us-west-2 }`,
    "connect:",
    "  instanceId: 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
    "ssoApplication:",
    "  displayName: Amazon Connect (rehearsal)",
    "  metadataFile: metadata/rehearsal.xml",
    `  sessionDurationHours: ${sessionDurationHours}`,
    "users:",
    ...users.flatMap((u) => [
      `  - username: ${u.username}`,
      `    firstName: ${u.firstName}`,
      "    lastName: Rehearsal",
      "    securityProfiles: [Agent]",
      "    routingProfile: Basic Routing Profile",
    ]),
    "",
  ].join("\n");
}

/**
 * Project files a runner checks out: the project as shipped, examples included, and no environment
 * of the team's yet (the first pull request adds one): the workflows must run for exactly the team's.
 */
const PROJECT = ["package.json", "package-lock.json", "cdktf.json", "tsconfig.json", "main.ts", "lib", "stacks", "modules", "scripts", ".github", "examples"];

export interface Rehearsal {
  readonly root: string;
  readonly sandbox: Sandbox;
  readonly github: GitHubFake;
  /** The pull-request workflow and the push workflow, each run as GitHub would. */
  readonly pr: WorkflowRunner;
  readonly main: WorkflowRunner;
  /** A runner of another workflow file (a variant a test writes) on the same origin, sandbox and fakes. */
  runnerOf(workflowFile: string): WorkflowRunner;
  /** The metadata the sandbox was seeded with (the environment's identity provider). */
  readonly metadata: string;
  git(args: string[], cwd?: string): string;
  /** A pull request by AUTHOR: files written over main, `npm run synth` run locally (it records the identity lock), committed. */
  openPull(files: Record<string, string>, message: string, options?: { localSynthMayFail?: boolean }): FakePull;
  /** Merges (a merge commit on main; GitHub's main follows); returns the merge commit. */
  merge(pull: FakePull): string;
  /** A pull request run (pull_request or pull_request_review): synth, changes, plan legs, gate. */
  pullRequestRun(pull: FakePull, event?: string): Promise<{ synth: JobRun; changes: JobRun; plan: { result: Result; runs: JobRun[] }; gate: JobRun }>;
  /** A push run of `sha` on main (its `before`: the first parent) with `runner` (default: the push workflow); optionally stopped before its applies. */
  pushRun(sha: string, options?: { interrupt?: boolean; runner?: WorkflowRunner }): Promise<{ synth: JobRun; runs: JobRun[] }>;
  s3(): S3Client;
  connectUsers(): string[];
  /** What every job of both workflows printed. */
  transcript(job?: string): string;
  /** Job results as expected, or a failure that shows what every step printed. */
  expectResults(actual: Record<string, Result>, expected: Record<string, Result>): void;
  stop(): Promise<void>;
}

/** PATH with the npm shim first: npm run of a script runs this test run's bundle of it when the checkout's sources are the bundle's (support/script-bundles.ts). */
const shimmedPath = (root: string): string => [npmShim(path.join(root, "npm-shim")), process.env.PATH].filter(Boolean).join(path.delimiter);

/** A runner of `workflowFile` on the rehearsal's origin, sandbox and GitHub fake. */
export function rehearsalRunner(
  workflowFile: string,
  root: string,
  origin: string,
  setup: TerraformSetup,
  sandbox: Sandbox,
  github: GitHubFake,
): WorkflowRunner {
  return new WorkflowRunner({
    workflowFile,
    origin,
    root,
    nodeModules: path.join(REPO, "node_modules"),
    vars: {
      PLAN_ROLE_ARN_REHEARSAL: "arn:aws:iam::111122223333:role/connect-sso-rehearsal-plan",
      APPLY_ROLE_ARN: "arn:aws:iam::111122223333:role/connect-sso-rehearsal-apply",
    },
    skipRun: [
      { run: /^npm ci --ignore-scripts$/, reason: "node_modules is linked from the project (same lockfile)" },
      { run: /^npm test$/, reason: "this suite is npm test" },
      { run: /^pip install/, reason: "moto is on this machine" },
    ],
    env: {
      PATH: shimmedPath(root),
      HOME: process.env.HOME,
      TF_CLI_CONFIG_FILE: setup.cliConfigFile,
      CHECKPOINT_DISABLE: "1",
      // configure-aws-credentials' stand-in: moto's credentials and every endpoint on loopback.
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: path.join(root, "no-aws-config"),
      AWS_SHARED_CREDENTIALS_FILE: path.join(root, "no-aws-credentials"),
      AWS_ENDPOINT_URL_S3: sandbox.moto.url,
      AWS_ENDPOINT_URL_IAM: sandbox.moto.url,
      AWS_ENDPOINT_URL_STS: sandbox.moto.url,
      AWS_ENDPOINT_URL_IDENTITYSTORE: sandbox.moto.url,
      AWS_ENDPOINT_URL_CONNECT: sandbox.fake.url,
      AWS_ENDPOINT_URL_SSO_ADMIN: sandbox.fake.url,
      // moto answers S3 on its own host, not on bucket host names.
      TF_CLI_ARGS_init: "-backend-config=use_path_style=true",
      GITHUB_API_URL: github.url,
      NO_PROXY: "127.0.0.1,localhost",
    },
  });
}

/** Starts a rehearsal: the origin with the project and no environment, the sandbox seeded with ALICE, DANA and ERIN, the state bucket, the GitHub fake. */
export async function startRehearsal(name: string): Promise<Rehearsal> {
  const root = makeTempDir(name);
  const setup = terraformSetup(`${name}-tf`);
  const origin = path.join(root, "origin");
  const git = (args: string[], cwd = origin) => {
    const result = spawnSync("git", ["-c", "user.name=Pat Author", "-c", "user.email=pat@example.com", ...args], { cwd, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
    return result.stdout.trim();
  };
  fs.mkdirSync(path.join(origin, "environments", "metadata"), { recursive: true });
  for (const entry of PROJECT) fs.cpSync(path.join(REPO, entry), path.join(origin, entry), { recursive: true });
  fs.writeFileSync(path.join(origin, ".gitignore"), "node_modules\ncdktf.out/\n.terraform/\n*.tfplan\nplans/\nbase-out/\nhead-out/\n");
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(origin, "node_modules"), "dir");
  fs.writeFileSync(path.join(origin, "environments", ".keep"), "");
  git(["init", "-q", "-b", "main"]);
  // Every job fetches from this origin: objects stored and sent unpacked (zlib level 0, no delta search) cost no CPU to pack.
  for (const [key, value] of Object.entries({ "core.compression": "0", "pack.window": "0" })) git(["config", key, value]);
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "The project, no environment yet"]);

  // The sandbox seeds the instance and the profiles every user of the rehearsal names.
  const metadata = await makeMetadata({ id: "UmVoZWFyc2FsLWlkcA" });
  const seedDir = makeTempDir(`${name}-seed`);
  fs.mkdirSync(path.join(seedDir, "metadata"));
  fs.writeFileSync(path.join(seedDir, "metadata", "rehearsal.xml"), metadata);
  fs.writeFileSync(path.join(seedDir, "rehearsal.yaml"), environmentYaml([ALICE, DANA, ERIN]));
  const loaded = loadEnvironments({ dir: seedDir, now: new Date() });
  removeTempDir(seedDir);
  if (loaded.problems.length) throw new Error(JSON.stringify(loaded.problems));
  const env: Environment = loaded.environments[0];
  const sandbox = await startSandbox(env, { setup });
  await createStateBucket(sandbox.moto, { bucket: BUCKET, region: "us-west-2" });
  const github = await startGitHubFake(REPOSITORY);
  github.branches.set("main", git(["rev-parse", "main"]));
  const pr = rehearsalRunner(PR_WORKFLOW, root, origin, setup, sandbox, github);
  const main = rehearsalRunner(MAIN_WORKFLOW, root, origin, setup, sandbox, github);
  let nextPull = 1;

  const githubContext = (event: string, sha: string, pull?: FakePull, before?: string) => ({
    event_name: event,
    repository: REPOSITORY,
    sha,
    ref: pull ? `refs/pull/${pull.number}/merge` : "refs/heads/main",
    token: "rehearsal-token",
    event: pull
      ? {
          pull_request: {
            number: pull.number,
            base: { sha: pull.baseSha, repo: { full_name: REPOSITORY } },
            head: { sha: pull.headSha, repo: { full_name: REPOSITORY } },
          },
        }
      : { before },
  });

  /** Every leg of a matrix job; the job's result is success only when every leg succeeded. */
  const legs = async (runner: WorkflowRunner, job: string, commit: string, context: Record<string, unknown>, key: string) => {
    const runs: JobRun[] = [];
    for (const value of runner.matrix(job, key, context)) runs.push(await runner.runJob(job, commit, { ...context, matrix: { [key]: value } }));
    return { result: (runs.every((r) => r.result === "success") ? "success" : "failure") as Result, runs };
  };
  const transcript = (job?: string) => [pr.transcript(job), main.transcript(job)].filter(Boolean).join("\n");

  return {
    root,
    sandbox,
    github,
    pr,
    main,
    metadata,
    git,
    runnerOf: (workflowFile) => rehearsalRunner(workflowFile, root, origin, setup, sandbox, github),
    openPull(files, message, options = {}) {
      const base = git(["rev-parse", "main"]);
      git(["checkout", "-q", "-B", `change-${nextPull}`, "main"]);
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(origin, file)), { recursive: true });
        fs.writeFileSync(path.join(origin, file), text);
      }
      const synth = spawnSync("npm", ["run", "synth"], { cwd: origin, encoding: "utf8", env: { ...process.env, PATH: shimmedPath(root), CI: "" } });
      git(["add", "-A"]);
      git(["commit", "-q", "-m", message]);
      const head = git(["rev-parse", "HEAD"]);
      git(["checkout", "-q", "main"]);
      if (synth.status !== 0 && !options.localSynthMayFail) throw new Error(`local synth failed:\n${synth.stdout}\n${synth.stderr}`);
      const pull: FakePull = { number: nextPull++, author: AUTHOR, headSha: head, baseSha: base, commits: [head], reviews: [] };
      github.pulls.set(pull.number, pull);
      return pull;
    },
    merge(pull) {
      git(["reset", "-q", "--hard", "main"]);
      git(["merge", "-q", "--no-ff", "-m", `Merge pull request #${pull.number}`, pull.headSha]);
      pull.mergeCommitSha = git(["rev-parse", "HEAD"]);
      github.branches.set("main", pull.mergeCommitSha);
      return pull.mergeCommitSha;
    },
    async pullRequestRun(pull, event = "pull_request") {
      const context = { github: githubContext(event, pull.headSha, pull) };
      const synth = await pr.runJob("synth", pull.headSha, { ...context, needs: { test: { result: "success", outputs: {} } } });
      const needs: Record<string, { result: Result; outputs: Record<string, string> }> = { synth: { result: synth.result, outputs: synth.outputs } };
      let changes: JobRun = { result: "skipped", outputs: {}, assumedRoles: [] };
      if (pr.jobRuns("changes", { ...context, needs }, needs)) changes = await pr.runJob("changes", pull.headSha, { ...context, needs });
      needs.changes = { result: changes.result, outputs: changes.outputs };
      let plan: { result: Result; runs: JobRun[] } = { result: "skipped", runs: [] };
      if (pr.jobRuns("plan", { ...context, needs }, { changes: needs.changes })) plan = await legs(pr, "plan", pull.headSha, { ...context, needs }, "stack");
      needs.plan = { result: plan.result, outputs: {} };
      if (!pr.jobRuns("gate", { ...context, needs }, needs)) throw new Error("the gate job did not run: a required check must never be skipped");
      const gate = await pr.runJob("gate", pull.headSha, { ...context, needs });
      return { synth, changes, plan, gate };
    },
    async pushRun(sha, options = {}) {
      const runner = options.runner ?? main;
      const context = { github: githubContext("push", sha, undefined, git(["rev-parse", `${sha}^1`])) };
      const synth = await runner.runJob("synth", sha, { ...context, needs: { test: { result: "success", outputs: {} } } });
      const needs = { synth: { result: synth.result, outputs: synth.outputs } };
      if (!runner.jobRuns("apply", { ...context, needs }, needs)) return { synth, runs: [] };
      const runs: JobRun[] = [];
      for (const environment of runner.matrix("apply", "environment", { ...context, needs })) {
        runs.push(
          await runner.runJob(
            "apply",
            sha,
            { ...context, needs, matrix: { environment } },
            options.interrupt ? (step) => Boolean(step.name?.startsWith("Plan, gate and apply")) : undefined,
          ),
        );
      }
      return { synth, runs };
    },
    s3: () =>
      new S3Client({ region: "us-west-2", endpoint: sandbox.moto.url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } }),
    connectUsers: () =>
      sandbox.fake
        .users(sandbox.instanceId!)
        .map((u) => u.Username)
        .sort(),
    transcript,
    expectResults(actual, expected) {
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        throw new Error(`jobs ended ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}:\n${transcript()}`);
    },
    async stop() {
      await Promise.all([sandbox.stop(), github.stop()]);
      removeTempDir(setup.root);
      removeTempDir(root);
    },
  };
}
