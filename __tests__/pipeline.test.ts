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
import { ConnectReadError, type ConnectUserFields } from "../lib/tools/connect-users/bulk-reader";
import type { InstanceRequest } from "../lib/tools/drift/read-users";
import { runPipeline } from "../lib/tools/pipeline/cli";
import { decideRefresh, fastRefresh, TARGETS_PER_REFRESH, type TerraformRun } from "../lib/tools/pipeline/fast-refresh";
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
    ["an unknown command", ["destroy", "connect-sso-dev"], /unknown command "destroy"; allowed: plan, apply, pending, comment/],
    ["an unknown flag", ["plan", "connect-sso-dev", "--auto-approve"], /Unknown option '--auto-approve'/],
    ["a name that is no stack", ["plan", "prod"], /"prod" is not a stack name; allowed: connect-sso-<env>\[-users-<n>\]/],
    [
      "a stack that was not synthesized",
      ["plan", "connect-sso-qa"],
      /connect-sso-qa was not synthesized into .*cdktf\.out\/stacks\/connect-sso-qa: run npm run synth first/,
    ],
    ["a bootstrap stack", ["apply", "connect-sso-prod-bootstrap"], /is a bootstrap stack: an administrator applies it/],
    [
      "a fast refresh without the lock",
      ["plan", "connect-sso-prod", "--fast-refresh", "--no-lock"],
      /--fast-refresh writes the refreshed state .* drop --no-lock/,
    ],
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
    [
      "no files",
      [],
      /^changed-stacks: no base stack-hashes\.json given\nusage: npm run changed-stacks -- <base stack-hashes\.json> <head stack-hashes\.json>$/,
    ],
    ["three files", ["a.json", "b.json", "c.json"], /^changed-stacks: two files, not 3\nusage: npm run changed-stacks/],
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
    ["two environments", ["dev", "prod"], /^drift: one environment, not 2\nusage: npm run drift -- <env>/],
  ])("GIVEN %s WHEN drift runs THEN it exits 1 with the usage, before any synth", async (_, args, message) => {
    const { io, stdout, stderr } = recorder();
    const report: string[] = [];
    await expect(runDrift(args, { CDKTF_OUTDIR: path.join(work, "never-written") }, { log: io.log, report: (t) => report.push(t) })).resolves.toBe(1);
    expect(stderr()).toMatch(message);
    expect({ stdout: stdout(), report, synthesized: fs.existsSync(path.join(work, "never-written")) }).toEqual({ stdout: "", report: [], synthesized: false });
  });
});

describe("the fast refresh before a merge-time plan (pipeline plan --fast-refresh)", () => {
  const INSTANCE = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
  const STACK_JSON = { provider: { aws: [{ region: "us-west-2" }] } };
  const OTHERS = ["aws_iam_role.federation_role", "aws_iam_saml_provider.saml_provider"];
  const address = (name: string) => `aws_connect_user.connect_users[${JSON.stringify(name)}]`;
  /** An applied user's state values, as the aws provider 5.x writes them (default tag Project). */
  const userValues = (name: string) => ({
    name,
    instance_id: INSTANCE,
    identity_info: [{ email: "", first_name: "First", last_name: "Last", secondary_email: "" }],
    phone_config: [{ after_contact_work_time_limit: 0, auto_accept: false, desk_phone_number: "", phone_type: "SOFT_PHONE" }],
    routing_profile_id: "rp-basic",
    security_profile_ids: ["sp-agent"],
    hierarchy_group_id: "",
    tags: null,
    tags_all: { Project: "contact-center" },
  });
  /** `terraform show -json` of a state with these users and the other managed resources. */
  const shownState = (names: ReadonlyArray<string>, others: ReadonlyArray<string> = OTHERS) => ({
    format_version: "1.0",
    values: {
      root_module: {
        resources: [
          ...names.map((name) => ({
            address: address(name),
            mode: "managed",
            type: "aws_connect_user",
            name: "connect_users",
            index: name,
            values: userValues(name),
          })),
          ...others.map((a) => ({ address: a, mode: "managed", type: a.split(".")[0], name: a.split(".")[1], values: {} })),
        ],
      },
    },
  });
  /** A user as SearchUsers answers it, equal to its state unless `over` says otherwise. */
  const fields = (name: string, over: Partial<ConnectUserFields> = {}): ConnectUserFields => ({
    id: `id-${name}`,
    arn: `arn:aws:connect:us-west-2:111122223333:instance/${INSTANCE}/agent/id-${name}`,
    username: name,
    firstName: "First",
    lastName: "Last",
    secondaryEmail: { read: false },
    phoneType: "SOFT_PHONE",
    autoAccept: false,
    afterContactWorkTimeLimit: 0,
    securityProfileIds: ["sp-agent"],
    routingProfileId: "rp-basic",
    tags: { Project: "contact-center" },
    readBy: "SearchUsers",
    ...over,
  });
  /** A bulk reader answering from `connect` (user name → fields or "missing"; absent: unchanged), recording its requests. */
  const reader = (connect: Record<string, ConnectUserFields | "missing"> = {}) => {
    const requests: InstanceRequest[] = [];
    const read = async (given: ReadonlyArray<InstanceRequest>) => {
      requests.push(...given);
      return given.map((r) => ({
        instanceId: r.instanceId,
        region: r.region,
        users: r.usernames.map((n) => [n, connect[n] ?? fields(n)] as const),
        calls: { SearchUsers: 1, ListUsers: 0, DescribeUser: 0 },
      }));
    };
    return { read, requests };
  };
  /** A terraform that answers `show -json` with `state` and records every other call (exit `applyStatus`). */
  const fakeTerraform = (state: unknown, applyStatus = 0) => {
    const calls: string[][] = [];
    const run: TerraformRun = (args) => {
      if (args[0] === "show") return { status: 0, stdout: typeof state === "string" ? state : JSON.stringify(state) };
      calls.push(args);
      return { status: applyStatus, stdout: "" };
    };
    return { run, calls };
  };
  const refresh = async (state: unknown, read: ReturnType<typeof reader>["read"], stackJson: unknown = STACK_JSON, applyStatus = 0) => {
    const terraform = fakeTerraform(state, applyStatus);
    const log: string[] = [];
    const result = await fastRefresh("connect-sso-dev", stackJson, terraform.run, (l) => log.push(l), read);
    return { result, applies: terraform.calls, log: log.join("\n") };
  };
  const targets = (apply: ReadonlyArray<string>) => apply.filter((a) => a.startsWith("-target=")).map((a) => a.slice("-target=".length));

  test("GIVEN no user differs from Connect WHEN the fast refresh runs THEN only the non-user resources are refreshed, in one targeted apply -refresh-only, and the plan gets -refresh=false", async () => {
    const { read, requests } = reader();
    const { result, applies, log } = await refresh(shownState(["a@example.com", "b@example.com"]), read);
    expect(result).toEqual(["-refresh=false"]);
    expect(applies).toEqual([["apply", "-refresh-only", "-auto-approve", "-input=false", ...OTHERS.map((a) => `-target=${a}`)]]);
    expect(requests).toEqual([{ instanceId: INSTANCE, region: "us-west-2", usernames: ["a@example.com", "b@example.com"], describe: [] }]);
    expect(log).toMatch(
      /fast refresh: 2 Connect user\(s\) compared in bulk \(Connect calls: .*SearchUsers 1.*\), 0 changed or missing; refreshing 2 resource\(s\)/,
    );
  });

  test("GIVEN a changed name, a deleted user and a default tag removed by hand WHEN decided THEN exactly those users are refreshed with the other resources", async () => {
    const { read } = reader({
      "renamed@example.com": fields("renamed@example.com", { firstName: "Other" }),
      "gone@example.com": "missing",
      // Only tags_all differs: drift shows no field, but a refresh writes it and the plan puts the tag back.
      "untagged@example.com": fields("untagged@example.com", { tags: {} }),
    });
    const names = ["renamed@example.com", "same@example.com", "gone@example.com", "untagged@example.com"];
    const decision = await decideRefresh(STACK_JSON, shownState(names), read);
    expect(decision).toMatchObject({
      kind: "fast",
      changedUsers: [address("renamed@example.com"), address("gone@example.com"), address("untagged@example.com")],
      targets: [address("renamed@example.com"), address("gone@example.com"), address("untagged@example.com"), ...OTHERS],
      comparedUsers: 4,
    });
  });

  test("GIVEN more changed users than one command line takes WHEN refreshed THEN the targets are split into applies of at most TARGETS_PER_REFRESH", async () => {
    const names = Array.from({ length: 2 * TARGETS_PER_REFRESH + 1 }, (_, i) => `u${i}@example.com`);
    const { read } = reader(Object.fromEntries(names.map((n) => [n, "missing" as const])));
    const { result, applies } = await refresh(shownState(names), read);
    expect(result).toEqual(["-refresh=false"]);
    expect(applies.map((a) => targets(a).length)).toEqual([TARGETS_PER_REFRESH, TARGETS_PER_REFRESH, 1 + OTHERS.length]);
    expect(new Set(applies.flatMap(targets)).size).toBe(names.length + OTHERS.length);
  });

  test("GIVEN moved blocks whose from the state does not hold (a user's other users block) WHEN refreshed THEN they are inert and the fast path is taken", async () => {
    const { read } = reader();
    const stackJson = { ...STACK_JSON, moved: [{ from: 'aws_connect_user.connect_users_console_group["a@example.com"]', to: address("a@example.com") }] };
    expect((await refresh(shownState(["a@example.com"]), read, stackJson)).result).toEqual(["-refresh=false"]);
  });

  test("GIVEN a state with nothing in it (a first apply) WHEN refreshed THEN nothing is applied and the plan gets -refresh=false", async () => {
    const { read, requests } = reader();
    expect(await refresh({ format_version: "1.0" }, read)).toMatchObject({ result: ["-refresh=false"], applies: [] });
    expect(requests).toEqual([]);
  });

  test.each([
    ["the bulk read fails", shownState(["a@example.com"]), STACK_JSON, /the bulk read of the Connect users failed: SearchUsers .* ThrottlingException/],
    ["the state is a plan", { format_version: "1.2", resource_changes: [] }, STACK_JSON, /the state could not be read: terraform show -json gave a plan/],
    ["show -json is not JSON", "not json", STACK_JSON, /terraform show -json gave no JSON/],
    ["the stack imports resources", shownState(["a@example.com"]), { ...STACK_JSON, import: [{ to: "x", id: "y" }] }, /has import blocks/],
    [
      "the stack forgets users",
      shownState(["a@example.com"]),
      { ...STACK_JSON, moved: [{ from: address("a@example.com"), to: 'aws_connect_user.connect_users_forgotten["a@example.com"]' }], removed: [{}] },
      /has removed blocks/,
    ],
    [
      "the stack moves a user of the state to the other users block",
      shownState(["a@example.com"]),
      { ...STACK_JSON, moved: [{ from: address("a@example.com"), to: 'aws_connect_user.connect_users_console_group["a@example.com"]' }] },
      /moves 1 resource\(s\) of the state \(aws_connect_user\.connect_users\["a@example\.com"\]/,
    ],
    [
      "a moved block has no from",
      shownState(["a@example.com"]),
      { ...STACK_JSON, moved: [{ to: "x" }] },
      /the state could not be read: a moved block has no from address/,
    ],
  ])(
    "GIVEN %s WHEN the fast refresh runs THEN it falls back to a full refreshing plan, says why, and refreshes nothing itself",
    async (_, state, stackJson, reason) => {
      const read = async () => {
        throw new ConnectReadError("SearchUsers on Connect instance i failed (the SDK gave up after 3 attempts): ThrottlingException: Rate exceeded");
      };
      const { result, applies, log } = await refresh(state, read, stackJson);
      expect({ result, applies }).toEqual({ result: [], applies: [] });
      expect(log).toMatch(/^pipeline: connect-sso-dev: fast refresh not used: /);
      expect(log).toMatch(reason);
      expect(log).toMatch(/planning with a full refresh$/);
    },
  );

  test("GIVEN terraform apply -refresh-only fails WHEN refreshed THEN the plan step is not reached (1) and the log names the step", async () => {
    const { read } = reader();
    const { result, log } = await refresh(shownState(["a@example.com"]), read, STACK_JSON, 1);
    expect(result).toBe(1);
    expect(log).toMatch(/terraform apply -refresh-only failed \(exit 1\)/);
  });
});
