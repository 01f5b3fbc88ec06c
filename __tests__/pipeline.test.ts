/**
 * The pipeline's own commands (`npm run pipeline`, lib/tools/pipeline/): where state lives and whether a
 * pipeline may use it, the applied record's key, which stacks are an environment's, and the
 * commands' answers to bad input (exit 2, one clear line, never a stack trace), run in this process
 * (runPipeline, runChangedStacks, runDrift) but for one smoke test of the entry point. The happy
 * path, with terraform, S3 on moto and the fakes, is rehearsal.test.ts.
 */
import { isPipelineRun } from "../lib/rules/pipeline-run";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { runDrift } from "../lib/tools/drift";
import { runChangedStacks } from "../lib/tools/pipeline/changed-stacks-cli";
import { runPipeline } from "../lib/tools/pipeline/cli";
import { appliedRecordKey, persistenceProblem, stateLocation } from "../lib/tools/pipeline/state";
import { changedStacks, stacksOfEnvironment } from "../lib/synth/stack-manifest";
import { REPO } from "./support/environments";
import { startGitHubFake } from "./support/github-fake";
import { makeTempDir, removeTempDir } from "./support/terraform";

const run = promisify(execFile);
const HASH = "a".repeat(64);
/** GitHub refuses issue comments longer than this (characters). */
const GITHUB_COMMENT_LIMIT = 65_536;

/** What a command wrote: `out` to stdout, `log` to stderr, each call one element. */
const recorder = () => {
  const out: string[] = [];
  const log: string[] = [];
  return { io: { out: (t: string) => out.push(t), log: (l: string) => log.push(l) }, stdout: () => out.join("\n"), stderr: () => log.join("\n") };
};

describe("state location", () => {
  test("GIVEN a synthesized S3 backend WHEN read THEN bucket, key and region are found and a pipeline may use it", () => {
    const location = stateLocation({
      terraform: { backend: { s3: { bucket: "b", key: "connect-sso/dev/terraform.tfstate", region: "us-west-2", encrypt: true } } },
    });
    expect(location).toEqual({ kind: "s3", bucket: "b", key: "connect-sso/dev/terraform.tfstate", region: "us-west-2" });
    expect(persistenceProblem("connect-sso-dev", location, "environments/dev.yaml")).toBeUndefined();
  });

  test.each([
    ["a local backend", { terraform: { backend: { local: { path: "x.tfstate" } } } }, /keeps its Terraform state in a local file.*environments\/dev\.yaml/],
    ["no backend at all", {}, /local file/],
    ["a backend this tool does not know", { terraform: { backend: { gcs: { bucket: "b" } } } }, /backend this tool does not know \(backend gcs\)/],
    ["an S3 backend without its key", { terraform: { backend: { s3: { bucket: "b", region: "us-west-2" } } } }, /does not know \(backend s3\)/],
  ])("GIVEN %s WHEN a pipeline would use it THEN it is refused, naming the environment file and the fix", (_, json, message) => {
    const problem = persistenceProblem("connect-sso-dev", stateLocation(json), "environments/dev.yaml");
    expect(problem).toMatch(message);
    expect(problem).toMatch(/Add backend: \{ s3:/);
  });

  test.each([
    ["true", true],
    ["1", true],
    ["yes", true],
    ["", false],
    ["false", false],
    ["0", false],
    [undefined, false],
  ])("GIVEN CI=%p WHEN asked THEN it is a pipeline run: %p", (ci, expected) => {
    expect(isPipelineRun(ci === undefined ? {} : { CI: ci })).toBe(expected);
  });

  test("GIVEN a state key WHEN its applied record is named THEN it lies beside the state, under the same prefix the roles allow", () => {
    expect(appliedRecordKey("connect-sso/prod/users-2/terraform.tfstate")).toBe("connect-sso/prod/users-2/terraform.tfstate.applied.json");
  });
});

describe("stacks of a manifest", () => {
  const manifest = Object.fromEntries(
    ["connect-sso-prod-users-10", "connect-sso-prod", "connect-sso-prod-users-2", "connect-sso-prodx", "connect-sso-prod-bootstrap", "connect-sso-dev"].map(
      (s) => [s, HASH],
    ),
  );

  test("GIVEN an environment WHEN its stacks are listed THEN the main stack comes first, users stacks by number, and no bootstrap or other environment's stack", () => {
    expect(stacksOfEnvironment(manifest, "connect-sso-prod")).toEqual(["connect-sso-prod", "connect-sso-prod-users-2", "connect-sso-prod-users-10"]);
  });

  test("GIVEN a change to a bootstrap stack WHEN changed stacks are computed THEN the pipeline does not plan it but lists it apart", () => {
    const head: Record<string, string> = { ...manifest, "connect-sso-prod-bootstrap": "b".repeat(64), "connect-sso-prod": "c".repeat(64) };
    delete head["connect-sso-dev"];
    expect(changedStacks(manifest, head)).toEqual({ changed: ["connect-sso-prod"], removed: ["connect-sso-dev"], bootstrap: ["connect-sso-prod-bootstrap"] });
  });
});

describe("npm run pipeline on bad input", () => {
  // Created while the tests are collected: the tables below name files in it.
  const work = makeTempDir("pipeline-cli");
  const outdir = path.join(work, "cdktf.out");
  /** runPipeline in this process, on the synthesized stacks of `work`, as a person's run (CI unset) unless `env` says otherwise. */
  const pipeline = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const { io, stdout, stderr } = recorder();
    const code = await runPipeline(args, { CDKTF_OUTDIR: outdir, CI: "", ...env }, io);
    return { code, stdout: stdout(), stderr: stderr() };
  };
  const stack = (name: string, backend: Record<string, unknown>) => {
    fs.mkdirSync(path.join(outdir, "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(outdir, "stacks", name, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
  };

  beforeAll(() => {
    stack("connect-sso-dev", { local: { path: "../../../terraform.connect-sso-dev.tfstate" } });
    stack("connect-sso-prod", { s3: { bucket: "b", key: "connect-sso/prod/terraform.tfstate", region: "us-west-2" } });
    stack("connect-sso-prod-bootstrap", { local: { path: "x" } });
    fs.writeFileSync(
      path.join(outdir, "stack-hashes.json"),
      JSON.stringify({ "connect-sso-dev": HASH, "connect-sso-prod": HASH, "connect-sso-prod-bootstrap": HASH }),
    );
    fs.writeFileSync(path.join(work, "review.md"), "# Plan review\n");
  });
  afterAll(() => removeTempDir(work));

  test.each([
    ["no command", [], /no command given/],
    ["an unknown command", ["destroy", "connect-sso-dev"], /cannot read "destroy connect-sso-dev"/],
    ["an unknown flag", ["plan", "connect-sso-dev", "--auto-approve"], /Unknown option '--auto-approve'/],
    ["a name that is no stack", ["plan", "prod"], /"prod" is not a stack name; allowed: connect-sso-<env>\[-users-<n>\]/],
    [
      "a stack that was not synthesized",
      ["plan", "connect-sso-qa"],
      /connect-sso-qa was not synthesized into .*cdktf\.out\/stacks\/connect-sso-qa: run npm run synth first/,
    ],
    ["a bootstrap stack", ["apply", "connect-sso-prod-bootstrap"], /is a bootstrap stack: an administrator applies it/],
    ["an apply without a saved plan", ["apply", "connect-sso-prod"], /connect-sso-prod has no saved plan .*never applies without a plan file/],
    ["pending of an unknown environment", ["pending", "qa"], /no environment "qa": connect-sso-qa is not in .*cdktf\.out\/stack-hashes\.json/],
    ["a comment without --repo", ["comment", "7", "review.md"], /comment needs a pull request number, one file and --repo/],
    ["a comment of a missing file", ["comment", "7", path.join(work, "missing.md"), "--repo", "acme/app"], /cannot read .*missing\.md: ENOENT/],
    ["a GitHub API URL with credentials", ["comment", "7", path.join(work, "review.md"), "--repo", "acme/app"], /GITHUB_API_URL .* is not allowed/],
  ])("GIVEN %s WHEN run THEN it exits 2 with one clear line and no stack trace", async (_, args, message) => {
    // A URL with credentials: only the last case gets that far.
    const result = await pipeline(args as string[], { GITHUB_API_URL: "https://user:secret@api.github.com" });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("GIVEN CI is set WHEN a stack with local state is planned THEN it is refused before terraform runs", async () => {
    const result = await pipeline(["plan", "connect-sso-dev", "--no-lock"], { CI: "true" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /connect-sso-dev keeps its Terraform state in a local file: in a pipeline that state is lost with the runner.*environments\/dev\.yaml/,
    );
  });

  test("GIVEN review files WHEN commented THEN each is posted to the pull request through GitHub's API, one longer than GitHub takes cut with a pointer to the job summary", async () => {
    const github = await startGitHubFake("acme/app");
    try {
      const short = path.join(work, "review.md");
      const long = path.join(work, "long-review.md");
      fs.writeFileSync(long, "x".repeat(GITHUB_COMMENT_LIMIT + 10));
      const env = { GITHUB_API_URL: github.url, GITHUB_TOKEN: "t" };
      for (const file of [short, long]) expect(await pipeline(["comment", "7", file, "--repo", "acme/app"], env)).toEqual({ code: 0, stdout: "", stderr: "" });
      const [posted, cut] = github.comments.get(7) ?? [];
      expect(posted).toBe("# Plan review\n");
      expect(cut.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
      expect(cut).toMatch(/^x{1000}[^]*the rest is in the workflow run's job summary/);
    } finally {
      await github.stop();
    }
  });

  test("GIVEN the entry point (tsx scripts/pipeline.ts, as npm runs it) WHEN a refused command runs THEN its message reaches stderr and its code the exit status", async () => {
    let result: { code: number; stdout: string; stderr: string };
    try {
      await run(path.join(REPO, "node_modules", ".bin", "tsx"), [path.join(REPO, "scripts", "pipeline.ts"), "pending", "qa"], {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "" },
      });
      result = { code: 0, stdout: "", stderr: "" };
    } catch (error) {
      result = error as { code: number; stdout: string; stderr: string };
    }
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^pipeline: no environment "qa": connect-sso-qa is not in cdktf\.out\/stack-hashes\.json\n?$/);
  }, 60_000);
});

describe("npm run changed-stacks and npm run drift on bad arguments", () => {
  const work = makeTempDir("changed-stacks-cli");
  afterAll(() => removeTempDir(work));
  const changed = (args: string[]) => {
    const { io, stdout, stderr } = recorder();
    return { code: runChangedStacks(args, io), stdout: stdout(), stderr: stderr() };
  };

  test.each([
    ["no files", [], /^usage: npm run changed-stacks -- <base stack-hashes\.json> <head stack-hashes\.json>$/],
    ["three files", ["a.json", "b.json", "c.json"], /^usage: npm run changed-stacks/],
    ["a head manifest that does not exist", [path.join(work, "base.json"), path.join(work, "head.json")], /^changed-stacks: .*head\.json: file not found$/],
  ])("GIVEN %s WHEN changed-stacks runs THEN it exits 2 naming what is wrong", (_, args, message) => {
    const result = changed(args);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
  });

  test("GIVEN no base manifest (a first run) WHEN changed-stacks runs THEN every head stack is to be planned, bootstrap stacks apart", () => {
    const head = path.join(work, "head.json");
    fs.writeFileSync(head, JSON.stringify({ "connect-sso-dev": HASH, "connect-sso-dev-bootstrap": HASH }));
    expect(changed([path.join(work, "none.json"), head])).toEqual({
      code: 0,
      stdout: JSON.stringify({ changed: ["connect-sso-dev"], removed: [], bootstrap: ["connect-sso-dev-bootstrap"] }),
      stderr: "",
    });
  });

  test.each([
    ["no environment", [], /^drift: no environment given\nusage: npm run drift -- <env>/],
    ["two environments", ["dev", "prod"], /^drift: cannot read "dev prod"\nusage: npm run drift -- <env>/],
  ])("GIVEN %s WHEN drift runs THEN it exits 1 with the usage, before any synth", async (_, args, message) => {
    const { io, stdout, stderr } = recorder();
    const report: string[] = [];
    await expect(runDrift(args, { CDKTF_OUTDIR: path.join(work, "never-written") }, { log: io.log, report: (t) => report.push(t) })).resolves.toBe(1);
    expect(stderr()).toMatch(message);
    expect({ stdout: stdout(), report, synthesized: fs.existsSync(path.join(work, "never-written")) }).toEqual({ stdout: "", report: [], synthesized: false });
  });
});
