/**
 * A rehearsal of the GitOps path on loopback: the workflow's own jobs and `run:` steps
 * (.github/workflows/connect-sso.yml, through support/workflow-runner.ts) on a throwaway git
 * repository, with state in S3 on moto, IAM and STS on moto, Connect on the fake, and GitHub's API
 * on a fake that answers pull requests and reviews.
 *
 * 1. A pull request creates an environment: planned, gated, merged; the push run plans with -out,
 *    gates and applies that plan file; the state is in S3 and the applied record beside it.
 * 2. A pull request removes a user: the plan from the persisted state shows the delete; the gate
 *    refuses it; an approving review by someone else with a consent line lets it through. After the
 *    merge the push run is interrupted before its apply.
 * 3. A pull request swaps the identity provider's metadata for another IdP's: synth refuses, and the
 *    gate fails with it.
 * 4. A pull request opened before that merge shortens the session. Its push run first meets a state
 *    lock held by someone else and stops clearly; the next run applies everything since the last
 *    applied record: the interrupted removal (with the consent of its own pull request) and the
 *    shorter session. A run after that finds nothing pending.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { Environment } from "../../lib/config/environment";
import { loadEnvironments } from "../../lib/config/load";
import { readApplied } from "../../lib/tools/pipeline/applied";
import { makeMetadata } from "../../scripts/make-metadata";
import { REPO } from "../support/environments";
import { startGitHubFake, type FakePull, type FakeUser, type GitHubFake } from "../support/github-fake";
import { startSandbox, type Sandbox } from "../support/sandbox";
import { npmShim } from "../support/script-bundles";
import { createStateBucket, holdLock, readState, releaseLock } from "../support/s3-state";
import { makeTempDir, removeTempDir, terraformSetup, type TerraformSetup } from "../support/terraform";
import { describeIfTools, missingTool, providerMirror, missingSandboxTools } from "../support/tools";
import { WorkflowRunner, type JobRun, type Result } from "../support/workflow-runner";

const REPOSITORY = "acme/contact-center";
const BUCKET = "rehearsal-connect-sso-state";
const STACK = "connect-sso-rehearsal";
const STATE_KEY = "connect-sso/rehearsal/terraform.tfstate";
const AUTHOR: FakeUser = { login: "pat-author", id: 1 };
const REVIEWER: FakeUser = { login: "sam-reviewer", id: 2 };

const user = (username: string, firstName: string) => ({
  username,
  firstName,
  lastName: "Rehearsal",
  securityProfiles: ["Agent"],
  routingProfile: "Basic Routing Profile",
});
const ALICE = user("alice.nguyen@example.com", "Alice");
const DANA = user("dana.okafor@example.com", "Dana");
const ERIN = user("erin.lee@example.com", "Erin");

function environmentYaml(users: ReadonlyArray<ReturnType<typeof user>>, sessionDurationHours = 10): string {
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
      `    lastName: ${u.lastName}`,
      "    securityProfiles: [Agent]",
      "    routingProfile: Basic Routing Profile",
    ]),
    "",
  ].join("\n");
}

/** Project files a runner checks out (no environments: the first pull request adds one). */
const PROJECT = ["package.json", "package-lock.json", "cdktf.json", "tsconfig.json", "main.ts", "lib", "stacks", "modules", "scripts", ".github"];

describeIfTools(
  "the GitOps path rehearsed on loopback",
  [...missingSandboxTools(), missingTool("jq"), missingTool("git"), providerMirror() ? undefined : "no offline hashicorp/aws 5.100.0 mirror"],
  () => {
    let root: string;
    let setup: TerraformSetup;
    let sandbox: Sandbox;
    let github: GitHubFake;
    let runner: WorkflowRunner;
    let origin: string;
    let nextPull = 1;
    let shorterSession: FakePull;

    const git = (args: string[], cwd = origin) => {
      const result = spawnSync("git", ["-c", "user.name=Pat Author", "-c", "user.email=pat@example.com", ...args], { cwd, encoding: "utf8" });
      if (result.status !== 0) throw new Error(`git ${args.join(" ")}: ${result.stderr}`);
      return result.stdout.trim();
    };

    /** The author's branch: files written, `npm run synth` run locally (it records the identity lock), committed. */
    const branch = (files: Record<string, string>, message: string): { head: string; base: string } => {
      const base = git(["rev-parse", "main"]);
      git(["checkout", "-q", "-B", `change-${nextPull}`, "main"]);
      for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(origin, file)), { recursive: true });
        fs.writeFileSync(path.join(origin, file), text);
      }
      const synth = spawnSync("npm", ["run", "synth"], { cwd: origin, encoding: "utf8", env: { ...process.env, CI: "" } });
      git(["add", "-A", "environments"]);
      git(["commit", "-q", "-m", message]);
      const head = git(["rev-parse", "HEAD"]);
      git(["checkout", "-q", "main"]);
      if (synth.status !== 0 && !message.includes("another identity provider")) throw new Error(`local synth failed:\n${synth.stdout}\n${synth.stderr}`);
      return { head, base };
    };

    const openPull = (files: Record<string, string>, message: string): FakePull => {
      const { head, base } = branch(files, message);
      const pull: FakePull = { number: nextPull++, author: AUTHOR, headSha: head, baseSha: base, commits: [head], reviews: [] };
      github.pulls.set(pull.number, pull);
      return pull;
    };

    const merge = (pull: FakePull): string => {
      git(["merge", "-q", "--no-ff", "-m", `Merge pull request #${pull.number}`, pull.headSha]);
      pull.mergeCommitSha = git(["rev-parse", "HEAD"]);
      return pull.mergeCommitSha;
    };

    const githubContext = (event: string, sha: string, pull?: FakePull) => ({
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
        : {},
    });

    /** Every leg of a matrix job; the job's result is success only when every leg succeeded. */
    const legs = async (job: string, commit: string, context: Record<string, unknown>, key: string): Promise<{ result: Result; runs: JobRun[] }> => {
      const runs: JobRun[] = [];
      for (const value of runner.matrix(job, key, context)) runs.push(await runner.runJob(job, commit, { ...context, matrix: { [key]: value } }));
      return { result: runs.every((r) => r.result === "success") ? "success" : "failure", runs };
    };

    /** A pull request run (pull_request or pull_request_review): synth, plan legs, gate. */
    const pullRequestRun = async (pull: FakePull, event = "pull_request") => {
      const context = { github: githubContext(event, pull.headSha, pull) };
      const synth = await runner.runJob("synth", pull.headSha, { ...context, needs: { test: { result: "success", outputs: {} } } });
      const needs: Record<string, { result: Result; outputs: Record<string, string> }> = { synth: { result: synth.result, outputs: synth.outputs } };
      let plan: { result: Result; runs: JobRun[] } = { result: "skipped", runs: [] };
      if (runner.jobRuns("plan", { ...context, needs }, needs)) plan = await legs("plan", pull.headSha, { ...context, needs }, "stack");
      needs.plan = { result: plan.result, outputs: {} };
      expect(runner.jobRuns("gate", { ...context, needs }, needs)).toBe(true);
      const gate = await runner.runJob("gate", pull.headSha, { ...context, needs });
      return { synth, plan, gate };
    };

    /** A push run on main: synth, then each environment's apply job (optionally stopped before its applies). */
    const pushRun = async (sha: string, interrupt = false) => {
      const context = { github: githubContext("push", sha) };
      const synth = await runner.runJob("synth", sha, { ...context, needs: { test: { result: "success", outputs: {} } } });
      const needs = { synth: { result: synth.result, outputs: synth.outputs } };
      expect(runner.jobRuns("apply", { ...context, needs }, needs)).toBe(true);
      const environments = runner.matrix("apply", "environment", { ...context, needs });
      const runs: JobRun[] = [];
      for (const environment of environments) {
        runs.push(
          await runner.runJob(
            "apply",
            sha,
            { ...context, needs, matrix: { environment } },
            interrupt ? (step) => Boolean(step.name?.startsWith("Plan, gate and apply")) : undefined,
          ),
        );
      }
      return { synth, runs };
    };

    const s3 = () =>
      new S3Client({ region: "us-west-2", endpoint: sandbox.moto.url, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const connectUsers = () =>
      sandbox.fake
        .users(sandbox.instanceId!)
        .map((u) => u.Username)
        .sort();
    /** Job results as expected, or a failure that shows what every step printed. */
    const expectResults = (actual: Record<string, Result>, expected: Record<string, Result>) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        throw new Error(`jobs ended ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}:\n${runner.transcript()}`);
    };

    beforeAll(async () => {
      root = makeTempDir("rehearsal");
      setup = terraformSetup("rehearsal-tf");
      origin = path.join(root, "origin");
      fs.mkdirSync(path.join(origin, "environments", "metadata"), { recursive: true });
      for (const entry of PROJECT) fs.cpSync(path.join(REPO, entry), path.join(origin, entry), { recursive: true });
      fs.writeFileSync(path.join(origin, ".gitignore"), "node_modules\ncdktf.out/\n.terraform/\n*.tfplan\nplans/\nbase/\n");
      fs.symlinkSync(path.join(REPO, "node_modules"), path.join(origin, "node_modules"), "dir");
      fs.writeFileSync(path.join(origin, "environments", ".keep"), "");
      git(["init", "-q", "-b", "main"]);
      git(["add", "-A"]);
      git(["commit", "-q", "-m", "The project, no environment yet"]);

      // The sandbox seeds the instance and the profiles every user of the rehearsal names.
      const seedDir = makeTempDir("rehearsal-seed");
      fs.mkdirSync(path.join(seedDir, "metadata"));
      fs.writeFileSync(path.join(seedDir, "metadata", "rehearsal.xml"), await makeMetadata({ id: "UmVoZWFyc2FsLWlkcA" }));
      fs.writeFileSync(path.join(seedDir, "rehearsal.yaml"), environmentYaml([ALICE, DANA, ERIN]));
      const loaded = loadEnvironments({ dir: seedDir, now: new Date() });
      if (loaded.problems.length) throw new Error(JSON.stringify(loaded.problems));
      const env: Environment = loaded.environments[0];
      fs.copyFileSync(path.join(seedDir, "metadata", "rehearsal.xml"), path.join(root, "rehearsal.xml"));
      removeTempDir(seedDir);
      sandbox = await startSandbox(env, { setup });
      await createStateBucket(sandbox.moto, { bucket: BUCKET, region: "us-west-2" });
      github = await startGitHubFake(REPOSITORY);

      runner = new WorkflowRunner({
        workflowFile: path.join(REPO, ".github", "workflows", "connect-sso.yml"),
        origin,
        root,
        nodeModules: path.join(REPO, "node_modules"),
        vars: {
          PLAN_ROLE_ARN_REHEARSAL: "arn:aws:iam::111122223333:role/connect-sso-rehearsal-plan",
          APPLY_ROLE_ARN: "arn:aws:iam::111122223333:role/connect-sso-rehearsal-apply",
        },
        skipRun: [
          { run: /^npm ci$/, reason: "node_modules is linked from the project (same lockfile)" },
          { run: /^npm test$/, reason: "this suite is npm test" },
          { run: /^pip install/, reason: "moto is on this machine" },
        ],
        env: {
          // npm run of a script runs this test run's bundle of it (support/script-bundles.ts).
          PATH: [npmShim(path.join(root, "npm-shim")), process.env.PATH].filter(Boolean).join(path.delimiter),
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
    }, 120_000);

    afterAll(async () => {
      await Promise.all([sandbox?.stop(), github?.stop()]);
      removeTempDir(setup?.root);
      removeTempDir(root);
    });

    test("GIVEN a pull request that adds an environment WHEN it runs, is merged and pushed THEN the saved plan is gated and applied and the state is in S3", async () => {
      const metadata = fs.readFileSync(path.join(root, "rehearsal.xml"), "utf8");
      const pull = openPull(
        { "environments/rehearsal.yaml": environmentYaml([ALICE, DANA]), "environments/metadata/rehearsal.xml": metadata },
        "Add the rehearsal environment",
      );
      const pr = await pullRequestRun(pull);
      expectResults({ synth: pr.synth.result, plan: pr.plan.result, gate: pr.gate.result }, { synth: "success", plan: "success", gate: "success" });
      expect(pr.synth.outputs.changed).toBe(JSON.stringify([STACK]));
      expect(pr.plan.runs[0].assumedRoles).toEqual(["arn:aws:iam::111122223333:role/connect-sso-rehearsal-plan"]);
      expect(github.comments.get(pull.number)?.[0]).toMatch(/connect-sso-rehearsal/);

      const sha = merge(pull);
      const push = await pushRun(sha);
      expectResults({ apply: push.runs[0].result }, { apply: "success" });
      expect(push.runs[0].environment).toBe("rehearsal");
      expect(push.runs[0].assumedRoles).toEqual(["arn:aws:iam::111122223333:role/connect-sso-rehearsal-apply"]);
      expect(connectUsers()).toEqual([ALICE.username, DANA.username]);
      const state = await readState(sandbox.moto, BUCKET, STATE_KEY);
      expect(state.resources.find((r) => r.type === "aws_connect_user")?.instances.length).toBe(2);
      const record = await readApplied(s3(), { bucket: BUCKET, key: STATE_KEY, region: "us-west-2" });
      expect(record).toMatchObject({ stack: STACK, commit: sha });
    }, 600_000);

    test("GIVEN a pull request that removes a user WHEN planned from the persisted state THEN the gate refuses the delete until a reviewer consents, and the interrupted apply leaves the user", async () => {
      const pull = openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE]) }, "Remove Dana");
      const refused = await pullRequestRun(pull);
      expectResults({ plan: refused.plan.result, gate: refused.gate.result }, { plan: "success", gate: "failure" });
      expect(github.comments.get(pull.number)?.at(-1)).toContain(`consent: ${STACK} ${DANA.username}`);

      pull.reviews.push({ user: AUTHOR, state: "APPROVED", body: `consent: ${STACK} ${DANA.username}`, commitId: pull.headSha, authorAssociation: "OWNER" });
      pull.reviews.push({ user: REVIEWER, state: "APPROVED", body: `Dana left.\n\nconsent: ${STACK} ${DANA.username}\n`, commitId: pull.headSha });
      const consented = await pullRequestRun(pull, "pull_request_review");
      expectResults({ gate: consented.gate.result }, { gate: "success" });
      expect(github.comments.get(pull.number)?.at(-1)).toContain(REVIEWER.login);

      // Opened before #2 is merged: its plan shows only its own change.
      shorterSession = openPull({ "environments/rehearsal.yaml": environmentYaml([ALICE, DANA], 8) }, "Shorter sessions");
      const shorter = await pullRequestRun(shorterSession);
      expectResults({ gate: shorter.gate.result }, { gate: "success" });

      const sha = merge(pull);
      const interrupted = await pushRun(sha, true);
      expectResults({ apply: interrupted.runs[0].result }, { apply: "success" });
      expect(connectUsers()).toEqual([ALICE.username, DANA.username]);
    }, 600_000);

    test("GIVEN a pull request that swaps the metadata for another identity provider's WHEN it runs THEN synth refuses it and the gate fails", async () => {
      const other = await makeMetadata({ id: "QW5vdGhlci1pZHAtZW50aXR5" });
      const pull = openPull({ "environments/metadata/rehearsal.xml": other }, "Use another identity provider");
      const run = await pullRequestRun(pull);
      expectResults({ synth: run.synth.result, plan: run.plan.result, gate: run.gate.result }, { synth: "failure", plan: "skipped", gate: "failure" });
      expect(runner.transcript("synth")).toMatch(/entityI[Dd]/);
    }, 600_000);

    test("GIVEN the interrupted run WHEN the next merged pull request's push runs meet a held lock and then a free one THEN the first stops clearly and the second applies everything since the last applied record, with each pull request's own consents", async () => {
      git(["reset", "-q", "--hard", "main"]);
      const sha = merge(shorterSession);
      // Someone else holds the state lock (S3-native locking): the run stops clearly, applies nothing, records nothing.
      await holdLock(sandbox.moto, BUCKET, STATE_KEY, "a person at a terminal");
      const locked = await pushRun(sha);
      await releaseLock(sandbox.moto, BUCKET, STATE_KEY);
      expectResults({ apply: locked.runs[0].result }, { apply: "failure" });
      expect(runner.transcript("apply")).toMatch(/Error acquiring the state lock[\s\S]*a person at a terminal/);
      expect(connectUsers()).toEqual([ALICE.username, DANA.username]);

      const push = await pushRun(sha);
      expectResults({ apply: push.runs[0].result }, { apply: "success" });
      expect(connectUsers()).toEqual([ALICE.username]);
      const role = await sandbox.iam({ Action: "GetRole", RoleName: "AmazonConnectSSO-rehearsal" });
      expect(role.GetRoleResponse.GetRoleResult.Role.MaxSessionDuration).toBe("28800");
      expect(runner.transcript("apply")).toContain(REVIEWER.login);
      // The merge-time plan read the applied users in bulk and refreshed only what changed.
      const applied = runner.log.filter((l) => l.job === "apply" && l.step.startsWith("Plan, gate and apply")).at(-1)?.output;
      expect(applied).toMatch(/fast refresh: \d+ Connect user\(s\) compared in bulk/);
      expect(applied).not.toMatch(/fast refresh not used/);

      const again = await pushRun(sha);
      expectResults({ apply: again.runs[0].result }, { apply: "success" });
      expect(runner.log.filter((l) => l.job === "apply" && l.step === "Stacks not yet applied").at(-1)?.output).toMatch(/"stacks":\[\]/);
      expect(github.unknown).toEqual([]);
    }, 600_000);
  },
);
