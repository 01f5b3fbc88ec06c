/**
 * `pipeline apply` proves its own gate, never applies the past, and runs only data-only stacks:
 * run in this process against a terraform stand-in that answers `show -json` with a saved plan
 * and records every other call, a throwaway git history and the GitHub API fake. The whole path
 * with real terraform, S3 on moto and the workflow's own steps is rehearsal.test.ts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { AppliedRecord } from "../lib/tools/pipeline/applied";
import { applyStacks, contextFromVariables } from "../lib/tools/pipeline/commands";
import { configurationProblems } from "../lib/tools/pipeline/configuration";
import { PipelineInputError } from "../lib/tools/pipeline/errors";
import { refuseThePast } from "../lib/tools/pipeline/not-past";
import { consentFromFlag } from "../lib/tools/review/consent";
import { startGitHubFake, type GitHubFake } from "./support/github-fake";
import { makeTempDir, removeTempDir } from "./support/terraform";

const STACK = "connect-sso-prod";
const BOB = "bob.martin@example.com";
const DELETE_BOB = {
  format_version: "1.2",
  applyable: true,
  complete: true,
  errored: false,
  resource_changes: [
    {
      address: `aws_connect_user.connect_users["${BOB}"]`,
      mode: "managed",
      type: "aws_connect_user",
      name: "connect_users",
      index: BOB,
      change: { actions: ["delete"], before: { id: "i:u" }, after: null },
    },
  ],
};

const git = (cwd: string, ...args: string[]) => {
  const result = spawnSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
};

describe("pipeline apply gates the saved plan files itself", () => {
  let work: string;
  let outdir: string;
  let calls: string;
  let terraform: string;
  let lines: string[];
  const run = (names: string[], consents: string[] = [], variables: NodeJS.ProcessEnv = {}, since?: string) => {
    lines = [];
    const ctx = {
      ...contextFromVariables({ CDKTF_OUTDIR: outdir, CI: "", GITHUB_SHA: "a".repeat(40), ...variables }, { log: (l) => lines.push(l), out: () => undefined }),
      terraform,
    };
    return applyStacks(ctx, names, { consents: consents.map(consentFromFlag), since, reviewFile: path.join(work, "summary.md") });
  };

  beforeAll(() => {
    work = makeTempDir("apply-gate");
    outdir = path.join(work, "cdktf.out");
    calls = path.join(work, "calls.log");
    const dir = path.join(outdir, "stacks", STACK);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "cdk.tf.json"),
      JSON.stringify({ terraform: { backend: { s3: { bucket: "b", key: "connect-sso/prod/terraform.tfstate", region: "us-west-2" } } } }),
    );
    fs.writeFileSync(path.join(dir, "plan.tfplan"), "a saved plan");
    fs.writeFileSync(path.join(outdir, "stack-hashes.json"), JSON.stringify({ [STACK]: "c".repeat(64) }));
    fs.writeFileSync(path.join(work, "plan.json"), JSON.stringify(DELETE_BOB));
    // The stand-in: `show -json` prints the plan; anything else is recorded (and would be an apply).
    terraform = path.join(work, "terraform");
    fs.writeFileSync(
      terraform,
      `#!/usr/bin/env bash\nif [ "$1" = show ]; then cat ${JSON.stringify(path.join(work, "plan.json"))}; exit 0; fi\necho "$*" >> ${JSON.stringify(calls)}\n`,
      { mode: 0o755 },
    );
  });
  afterAll(() => removeTempDir(work));
  beforeEach(() => fs.rmSync(calls, { force: true }));

  test("GIVEN a saved plan that deletes a user and no consent WHEN applied THEN the gate refuses it in the command itself and terraform apply never runs", async () => {
    expect(await run([STACK])).toBe(1);
    expect(lines.join("\n")).toMatch(
      /the gate refused the saved plans: 1 gated change\(s\) lack consent, so nothing is applied:\n {2}consent: connect-sso-prod bob\.martin@example\.com/,
    );
    expect(fs.existsSync(calls)).toBe(false);
    expect(fs.readFileSync(path.join(work, "summary.md"), "utf8")).toMatch(/⛔ Needs consent/);
  });

  test("GIVEN the consent WHEN applied THEN the gate passes and the command goes on to what was applied (here S3 is unreachable, so it stops before terraform)", async () => {
    const code = await run([STACK], [`${STACK}:${BOB}`], {
      AWS_ENDPOINT_URL_S3: "http://127.0.0.1:9",
      AWS_ACCESS_KEY_ID: "x",
      AWS_SECRET_ACCESS_KEY: "x",
      AWS_MAX_ATTEMPTS: "1",
    }).catch((error: Error) => error);
    expect(lines.join("\n")).toMatch(/the gate passed the saved plans of connect-sso-prod/);
    expect(code).toBeInstanceOf(PipelineInputError);
    expect(fs.existsSync(calls)).toBe(false);
  });

  test("GIVEN a pipeline run without --since WHEN applied THEN it is refused: a change to the gate's own files would go unjudged", async () => {
    await expect(run([STACK], [], { CI: "true" })).rejects.toThrow(/apply in a pipeline needs --since <commit>/);
  });

  test("GIVEN --since a commit this clone does not have WHEN applied THEN it is refused, never judged as no change", async () => {
    await expect(run([STACK], [`${STACK}:${BOB}`], {}, "0".repeat(40))).rejects.toThrow(/cannot compare 000000000000 with aaaaaaaaaaaa.*fetch-depth: 0/);
  });
});

describe("never apply the past", () => {
  let repo: string;
  let github: GitHubFake;
  let older: string;
  let newer: string;
  const record = (commit: string): AppliedRecord => ({ stack: STACK, hash: "c".repeat(64), commit, appliedAt: "2026-12-01T00:00:00.000Z" });
  const actions = () => ({ GITHUB_ACTIONS: "true", GITHUB_REPOSITORY: "acme/cc", GITHUB_API_URL: github.url, GITHUB_TOKEN: "t" });

  beforeAll(async () => {
    repo = makeTempDir("not-past");
    git(repo, "init", "-q", "-b", "main");
    git(repo, "commit", "-q", "--allow-empty", "-m", "older");
    older = git(repo, "rev-parse", "HEAD");
    git(repo, "commit", "-q", "--allow-empty", "-m", "newer");
    newer = git(repo, "rev-parse", "HEAD");
    github = await startGitHubFake("acme/cc");
    github.branches.set("main", newer);
  });
  afterAll(async () => {
    await github.stop();
    removeTempDir(repo);
  });

  test("GIVEN a stack applied from the newer commit WHEN a re-run of the older commit's run applies THEN it is refused, saying why", async () => {
    await expect(refuseThePast(older, [record(newer)], {}, repo)).rejects.toThrow(
      new RegExp(
        `connect-sso-prod was applied from ${newer.slice(0, 12)} .*which ${older.slice(0, 12)} does not contain: this run is older than what was applied`,
      ),
    );
  });

  test("GIVEN the newer commit, which contains every applied commit, WHEN it applies THEN it may", async () => {
    await expect(refuseThePast(newer, [record(older), undefined], {}, repo)).resolves.toBeUndefined();
  });

  test("GIVEN GitHub Actions WHEN the commit is not the tip of the default branch THEN it is refused; the tip passes; an unreadable tip refuses", async () => {
    github.branches.set("main", newer);
    await expect(refuseThePast(older, [], actions(), repo)).rejects.toThrow(/is not the tip of main .*applies nothing/);
    await expect(refuseThePast(newer, [], actions(), repo)).resolves.toBeUndefined();
    github.branches.delete("main");
    await expect(refuseThePast(newer, [], actions(), repo)).rejects.toThrow(
      /cannot read the tip of the default branch.*nothing is applied while it is unknown/,
    );
    github.branches.set("main", newer);
  });

  test("GIVEN an applied commit this clone lacks WHEN checked THEN it refuses rather than guess", async () => {
    await expect(refuseThePast(newer, [record("f".repeat(40))], {}, repo)).rejects.toThrow(/cannot tell whether .*\(fetch-depth: 0\)/);
  });
});

describe("only data-only stacks run", () => {
  const aws = { terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } }, backend: { s3: {} } }, provider: { aws: [{}] } };

  test("GIVEN a stack as synth writes it THEN there is no problem", () => {
    expect(configurationProblems({ ...aws, resource: { aws_iam_role: { r: { name: "x" } } }, data: { aws_connect_instance: { i: {} } }, output: {} })).toEqual(
      [],
    );
  });

  test.each([
    [
      "a provisioner",
      { ...aws, resource: { aws_iam_role: { r: { provisioner: [{ "local-exec": { command: "curl" } }] } } } },
      /gives resource\.aws_iam_role\.r a provisioner/,
    ],
    ["the external provider", { ...aws, data: { external: { x: { program: ["sh"] } } } }, /has data type external; only aws_ types run/],
    [
      "another provider",
      { ...aws, terraform: { ...aws.terraform, required_providers: { ...aws.terraform.required_providers, http: { source: "hashicorp/http" } } } },
      /requires the provider http/,
    ],
    ["a module", { ...aws, module: { m: { source: "git::https://example.invalid/m" } } }, /top-level block "module"/],
    ["a removed block with a provisioner", { ...aws, removed: [{ from: "aws_iam_role.r", provisioner: {} }] }, /removed block a provisioner/],
    ["another backend", { ...aws, terraform: { ...aws.terraform, backend: { http: {} } } }, /backend http/],
  ])("GIVEN %s THEN the stack is refused before terraform runs", (_, json, message) => {
    expect(configurationProblems(json)).toEqual(expect.arrayContaining([expect.stringMatching(message)]));
  });
});
