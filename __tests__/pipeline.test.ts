/**
 * The pipeline's own commands (`npm run pipeline`, lib/tools/pipeline/): where state lives and whether a
 * pipeline may use it, the applied record's key, which stacks are an environment's, and the
 * command's answers to bad input (exit 2, one clear line, never a stack trace). The happy path,
 * with terraform, S3 on moto and the fakes, is rehearsal.test.ts.
 */
import { isPipelineRun } from "../lib/rules/pipeline-run";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { appliedRecordKey, persistenceProblem, stateLocation } from "../lib/tools/pipeline/state";
import { commentBody, COMMENT_LIMIT } from "../lib/tools/pipeline/comment";
import { changedStacks, stacksOfEnvironment } from "../lib/synth/stack-manifest";
import { REPO } from "./support/environments";
import { startGitHubFake } from "./support/github-fake";
import { makeTempDir, removeTempDir } from "./support/terraform";

const run = promisify(execFile);
const HASH = "a".repeat(64);

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

test("GIVEN a review longer than GitHub takes WHEN made a comment THEN it is cut with a pointer to the job summary", () => {
  expect(commentBody("short")).toBe("short");
  const long = commentBody("x".repeat(COMMENT_LIMIT + 10));
  expect(long.length).toBeLessThanOrEqual(COMMENT_LIMIT);
  expect(long).toMatch(/job summary/);
});

describe("npm run pipeline on bad input", () => {
  let work: string;
  const pipeline = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    try {
      const { stdout, stderr } = await run(path.join(REPO, "node_modules", ".bin", "tsx"), [path.join(REPO, "scripts", "pipeline.ts"), ...args], {
        cwd: work,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, CI: "", ...env },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const stack = (name: string, backend: Record<string, unknown>) => {
    fs.mkdirSync(path.join(work, "cdktf.out", "stacks", name), { recursive: true });
    fs.writeFileSync(path.join(work, "cdktf.out", "stacks", name, "cdk.tf.json"), JSON.stringify({ terraform: { backend } }));
  };

  beforeAll(() => {
    work = makeTempDir("pipeline-cli");
    stack("connect-sso-dev", { local: { path: "../../../terraform.connect-sso-dev.tfstate" } });
    stack("connect-sso-prod", { s3: { bucket: "b", key: "connect-sso/prod/terraform.tfstate", region: "us-west-2" } });
    stack("connect-sso-prod-bootstrap", { local: { path: "x" } });
    fs.writeFileSync(
      path.join(work, "cdktf.out", "stack-hashes.json"),
      JSON.stringify({ "connect-sso-dev": HASH, "connect-sso-prod": HASH, "connect-sso-prod-bootstrap": HASH }),
    );
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
      /connect-sso-qa was not synthesized into cdktf\.out\/stacks\/connect-sso-qa: run npm run synth first/,
    ],
    ["a bootstrap stack", ["apply", "connect-sso-prod-bootstrap"], /is a bootstrap stack: an administrator applies it/],
    ["an apply without a saved plan", ["apply", "connect-sso-prod"], /connect-sso-prod has no saved plan .*never applies without a plan file/],
    ["pending of an unknown environment", ["pending", "qa"], /no environment "qa": connect-sso-qa is not in cdktf\.out\/stack-hashes\.json/],
    ["a comment without --repo", ["comment", "7", "review.md"], /comment needs a pull request number, one file and --repo/],
    ["a comment of a missing file", ["comment", "7", "missing.md", "--repo", "acme/app"], /cannot read missing\.md: ENOENT/],
  ])(
    "GIVEN %s WHEN run THEN it exits 2 with one clear line and no stack trace",
    async (_, args, message) => {
      const result = await pipeline(args as string[]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    60_000,
  );

  test("GIVEN CI is set WHEN a stack with local state is planned THEN it is refused before terraform runs", async () => {
    const result = await pipeline(["plan", "connect-sso-dev", "--no-lock"], { CI: "true" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /connect-sso-dev keeps its Terraform state in a local file: in a pipeline that state is lost with the runner.*environments\/dev\.yaml/,
    );
  }, 60_000);

  test("GIVEN a review file WHEN commented THEN it is posted to the pull request through GitHub's API", async () => {
    const github = await startGitHubFake("acme/app");
    try {
      fs.writeFileSync(path.join(work, "review.md"), "# Plan review\n");
      const result = await pipeline(["comment", "7", "review.md", "--repo", "acme/app"], { GITHUB_API_URL: github.url, GITHUB_TOKEN: "t" });
      expect(result).toMatchObject({ code: 0 });
      expect(github.comments.get(7)).toEqual(["# Plan review\n"]);
    } finally {
      await github.stop();
    }
  }, 60_000);
});
