/**
 * The app as cdktf runs it (`node --import tsx main.ts`): good input writes stacks and console
 * sheets; bad input is refused with every problem, exit 1, no stack trace, and nothing written.
 * One test starts the real process (exit code, stderr, no stack trace); the others call what
 * main.ts calls, in this process (a child process costs seconds of TypeScript loading each).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { environmentsFolder } from "../lib/config/environments-dir";
import { optionsFromVariables, synthesize } from "../lib/synth/synth";
import { runChangedStacks } from "../lib/tools/pipeline/changed-stacks-cli";
import { EXAMPLES_DIR, REPO } from "./support/environments";

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-cli-"));
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

/** The variables of a run; CI is set explicitly (empty: a local run) because CI services set it for the tests too. */
const variables = (environmentsDir: string, outdir: string, env: Record<string, string>) => ({
  ...process.env,
  CI: "",
  CONNECT_SSO_ALLOW_IDENTITY_CHANGE: "",
  CONNECT_SSO_ENVIRONMENTS: environmentsDir,
  CDKTF_OUTDIR: outdir,
  ...env,
});

/** The app as cdktf runs it, in a child process. */
function spawnApp(environmentsDir: string, outdir: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "main.ts"], { cwd: REPO, encoding: "utf8", env: variables(environmentsDir, outdir, env) });
  return { code: result.status, stderr: result.stderr, stdout: result.stdout };
}

/** What main.ts does, in this process: the exit code and the lines it would print on stderr. */
function runApp(environmentsDir: string, outdir: string, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const code = synthesize({ ...optionsFromVariables(variables(environmentsDir, outdir, env), (line) => lines.push(line)), cwd: REPO });
  return { code, stderr: lines.join("\n") + "\n", stdout: "" };
}

/** A copy of the examples, with `edit` applied to each file's text. */
function examplesWith(edits: Record<string, (text: string) => string> = {}, extra: Record<string, string> = {}): string {
  const dir = path.join(work, "environments");
  fs.cpSync(EXAMPLES_DIR, dir, { recursive: true });
  for (const [file, edit] of Object.entries(edits)) {
    const full = path.join(dir, file);
    fs.writeFileSync(full, edit(fs.readFileSync(full, "utf8")));
  }
  for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
  return dir;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split("\n").findIndex((line) => line.includes(needle));
  if (index < 0) throw new Error(`no line contains ${JSON.stringify(needle)}`);
  return index + 1;
}

/** Every file under a folder with its content, to prove nothing changed. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      out[path.relative(dir, full)] = fs.readFileSync(full, "utf8");
    }
  }
  return out;
}

test("GIVEN the example environments WHEN the app runs THEN it writes every stack and its console sheet", () => {
  const outdir = path.join(work, "out");
  const { code, stderr } = runApp(EXAMPLES_DIR, outdir);
  expect(stderr).toMatch(/synthesized 6 stack\(s\)/);
  expect(code).toBe(0);
  for (const env of ["dev", "staging", "prod"]) {
    expect(fs.existsSync(path.join(outdir, "stacks", `connect-sso-${env}`, "cdk.tf.json"))).toBe(true);
  }
  const sheet = fs.readFileSync(path.join(outdir, "stacks", "connect-sso-dev", "console-settings.md"), "utf8");
  expect(sheet).toContain("`https://us-west-2.console.aws.amazon.com/connect/federate/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90?destination=%2Fagent-app-v2`");
  expect(sheet).toContain("`arn:aws:iam::111122223333:role/AmazonConnectSSO-dev,arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev`");
  expect(sheet).toContain("| Session duration | 10 hours |");
  expect(sheet).toContain("| Application ACS URL | `https://signin.aws.amazon.com/saml` |");
  expect(sheet).toContain("| `https://aws.amazon.com/SAML/Attributes/RoleSessionName` | `${user:email}` | unspecified |");
  const staging = fs.readFileSync(path.join(outdir, "stacks", "connect-sso-staging", "console-settings.md"), "utf8");
  expect(staging).toMatch(/Relay state \| `\(known after apply/);
  expect(staging).toContain("| Session duration | 8 hours |");
});

test("GIVEN bad input in two files WHEN the app runs THEN every problem is listed, it exits 1 without a stack trace, and the previous output is untouched", () => {
  const outdir = path.join(work, "out");
  expect(runApp(EXAMPLES_DIR, outdir).code).toBe(0);
  fs.writeFileSync(path.join(outdir, "sentinel.txt"), "from the previous synth");
  const before = tree(outdir);

  const dir = examplesWith({
    "dev.yaml": (t) => t.replace("instanceId:", "instanceID:").replace("username: dev.lead@example.com", "username: dev lead"),
    "prod.yaml": (t) => t.replace('account: "444455556666"', "account: 444455556666"),
  });
  const { code, stderr } = spawnApp(dir, outdir);

  expect(code).toBe(1);
  expect(stderr).not.toMatch(/^\s+at /m);
  const devFile = path.join(dir, "dev.yaml");
  // Lines as found in the examples, which other sections may move.
  const devText = fs.readFileSync(devFile, "utf8");
  expect(stderr).toContain(`error: ${devFile}:${lineOf(devText, "instanceID:")}: connect.instanceID: unknown key; did you mean "instanceId"?`);
  expect(stderr).toContain(`error: ${devFile}:${lineOf(devText, "username: dev lead")}: users[1].username: allowed: 2..64 characters`);
  const prodFile = path.join(dir, "prod.yaml");
  expect(stderr).toContain(`error: ${prodFile}:${lineOf(fs.readFileSync(prodFile, "utf8"), "account: 444455556666")}: account: must be 12 digits in quotes`);
  expect(stderr).toMatch(/synth stopped: 3 error\(s\) in 2 file\(s\); nothing was written/);
  expect(tree(outdir)).toEqual(before);
});

test("GIVEN two environments claiming one role and one instance WHEN the app runs THEN both files are named", () => {
  const copy = fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8");
  const dir = examplesWith({}, { "qa.yaml": copy.concat("iam:\n  samlProviderName: AmazonConnectSSO-qa\n  roleName: AmazonConnectSSO-dev\n") });
  const { code, stderr } = runApp(dir, path.join(work, "out"));
  expect(code).toBe(1);
  expect(stderr).toContain(
    `${path.join(dir, "qa.yaml")}: iam.roleName: IAM role AmazonConnectSSO-dev in account 111122223333 is also claimed by ${path.join(dir, "dev.yaml")}`,
  );
  expect(stderr).toContain(
    `${path.join(dir, "qa.yaml")}: connect.instanceId: Connect instance 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90 in 111122223333/us-west-2 is also claimed by`,
  );
  expect(fs.existsSync(path.join(work, "out"))).toBe(false);
});

test("GIVEN a missing environments folder WHEN the app runs THEN it says which folder and how to set it", () => {
  const { code, stderr } = runApp(path.join(work, "nowhere"), path.join(work, "out"));
  expect(code).toBe(1);
  expect(stderr).toMatch(/nowhere: environment folder not found \(set CONNECT_SSO_ENVIRONMENTS/);
});

describe("the identity lock", () => {
  const renameRole = (t: string) =>
    t.replace(
      "iam:\n  samlProviderName: AmazonConnectSSO-prod\n  roleName: AmazonConnectSSO-prod",
      "iam:\n  samlProviderName: AmazonConnectSSO-prod\n  roleName: ConnectAgents-prod",
    );
  const lockOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, "identity.lock.json"), "utf8"));

  test("GIVEN prod's role renamed in its file WHEN the app runs THEN it refuses, naming the recorded and the new name", () => {
    const dir = examplesWith({ "prod.yaml": renameRole });
    const lockBefore = lockOf(dir);
    const { code, stderr } = runApp(dir, path.join(work, "out"));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${path.join(dir, "prod.yaml")}: iam.roleName: roleName "AmazonConnectSSO-prod" → "ConnectAgents-prod" differs from ${path.join(dir, "identity.lock.json")}`,
    );
    expect(stderr).toContain("CONNECT_SSO_ALLOW_IDENTITY_CHANGE=prod");
    expect(lockOf(dir)).toEqual(lockBefore);
  });

  test("GIVEN the rename is allowed for prod WHEN the app runs THEN it synthesizes and records the new name", () => {
    const dir = examplesWith({ "prod.yaml": renameRole });
    const { code, stderr } = runApp(dir, path.join(work, "out"), { CONNECT_SSO_ALLOW_IDENTITY_CHANGE: "prod" });
    expect(code).toBe(0);
    expect(stderr).toContain(`recorded in ${path.join(dir, "identity.lock.json")} (prod: identity change allowed): commit it with the environment files`);
    expect(lockOf(dir).prod.roleName).toBe("ConnectAgents-prod");
  });

  test("GIVEN a new environment WHEN the app runs THEN its identity is recorded without asking", () => {
    const dir = examplesWith(
      {},
      {
        "qa.yaml": fs
          .readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8")
          .replace('"111122223333"', '"555566667777"')
          .replace(/state-dev/g, "state-qa"),
      },
    );
    expect(runApp(dir, path.join(work, "out")).code).toBe(0);
    expect(lockOf(dir).qa).toEqual({
      account: "555566667777",
      roleName: "AmazonConnectSSO-qa",
      samlProviderName: "AmazonConnectSSO-qa",
      entityId: lockOf(dir).dev.entityId,
      signingCertificates: lockOf(dir).dev.signingCertificates,
    });
  });

  test("GIVEN CI=true (the pipeline) and a folder outside git WHEN the app runs THEN it refuses: the lock cannot be proved committed", () => {
    const dir = examplesWith();
    const lockBefore = lockOf(dir);
    const { code, stderr } = runApp(dir, path.join(work, "out"), { CI: "true" });
    expect(code).toBe(1);
    expect(stderr).toContain(`error: ${path.join(dir, "identity.lock.json")}: is not in a git checkout`);
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(lockOf(dir)).toEqual(lockBefore);
    expect(fs.existsSync(path.join(work, "out"))).toBe(false);
  });

  test("GIVEN CI=false WHEN the app runs THEN it is a local run", () => {
    expect(runApp(examplesWith(), path.join(work, "out"), { CI: "false" }).code).toBe(0);
  });

  test("GIVEN a corrupted lock WHEN the app runs THEN it says to restore it", () => {
    const dir = examplesWith({ "identity.lock.json": () => "{ not json" });
    const { code, stderr } = runApp(dir, path.join(work, "out"));
    expect(code).toBe(1);
    expect(stderr).toMatch(/identity\.lock\.json: is not valid JSON .*restore it from version control/);
  });
});

describe("the stack manifest", () => {
  /** `npm run changed-stacks` in this process; the spawned entry point is checked once below. */
  const changedStacks = (base: string, head: string) => {
    let stdout = "";
    let stderr = "";
    const status = runChangedStacks([base, head], { out: (t) => (stdout += `${t}\n`), log: (l) => (stderr += `${l}\n`) });
    return { status, stdout, stderr };
  };

  test("GIVEN one user changed in dev WHEN both versions are synthesized THEN only dev's hash moves and changed-stacks names only it", () => {
    const before = path.join(work, "before");
    const after = path.join(work, "after");
    expect(runApp(examplesWith(), before).code).toBe(0);
    const dir = examplesWith({ "dev.yaml": (t) => t.replace("firstName: Dana", "firstName: Danielle") });
    expect(runApp(dir, after).code).toBe(0);

    const hashes = (out: string) => JSON.parse(fs.readFileSync(path.join(out, "stack-hashes.json"), "utf8"));
    expect(Object.keys(hashes(after))).toEqual(["dev", "prod", "staging"].flatMap((e) => [`connect-sso-${e}`, `connect-sso-${e}-bootstrap`]));
    const result = changedStacks(path.join(before, "stack-hashes.json"), path.join(after, "stack-hashes.json"));
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ changed: ["connect-sso-dev"], removed: [], bootstrap: [] });
  });

  test("GIVEN no base manifest (a first run) WHEN compared THEN every stack is to be planned", () => {
    const out = path.join(work, "out");
    expect(runApp(EXAMPLES_DIR, out).code).toBe(0);
    const result = changedStacks(path.join(work, "none.json"), path.join(out, "stack-hashes.json"));
    expect(JSON.parse(result.stdout).changed).toHaveLength(3);
  });

  test("GIVEN a head file that is not a manifest WHEN the entry point compares THEN it says which file and what it expects", () => {
    fs.writeFileSync(path.join(work, "bad.json"), '{"x": 1}');
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/changed-stacks.ts", path.join(work, "none.json"), path.join(work, "bad.json")], {
      cwd: REPO,
      encoding: "utf8",
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/bad\.json: is not a stack manifest; expected \{ "<stack>": "<sha256>" \}/);
  });
});

describe("whose environments: the team's environments/, the examples only while it holds none", () => {
  /** A project folder: the examples, and `environments/` with `team` files (none: empty). */
  const project = (team: Record<string, string>, examples = true) => {
    if (examples) fs.cpSync(EXAMPLES_DIR, path.join(work, "examples", "environments"), { recursive: true });
    fs.mkdirSync(path.join(work, "environments", "metadata"), { recursive: true });
    for (const [file, text] of Object.entries(team)) fs.writeFileSync(path.join(work, "environments", file), text);
    if (!fs.existsSync(path.join(work, "node_modules"))) fs.symlinkSync(path.join(REPO, "node_modules"), path.join(work, "node_modules"), "dir");
    return work;
  };
  const acme = () => ({
    "acme-prod.yaml": fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8").replace("Amazon Connect (dev)", "Amazon Connect (acme)"),
    "metadata/dev.xml": fs.readFileSync(path.join(EXAMPLES_DIR, "metadata", "dev.xml"), "utf8"),
  });
  const app = (cwd: string, env: Record<string, string>) => {
    const result = spawnSync(process.execPath, ["--import", "tsx", path.join(REPO, "main.ts")], {
      cwd,
      encoding: "utf8",
      env: { ...process.env, CI: "", CONNECT_SSO_ENVIRONMENTS: "", CONNECT_SSO_ALLOW_IDENTITY_CHANGE: "", CDKTF_OUTDIR: "out", ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  test("GIVEN no environment of the team's WHEN a person synthesizes THEN the examples stand in, said on stdout (the cdktf CLI shows stderr as errors); a pipeline synthesizes nothing", () => {
    const cwd = project({});
    const person = app(cwd, {});
    expect(person).toMatchObject({ code: 0, stderr: "" });
    expect(person.stdout).toMatch(/^note: environments\/ holds no environment of yours yet: using the examples in examples\/environments\//);
    expect(person.stdout).toMatch(/synthesized 6 stack\(s\) into out: connect-sso-dev/);
    fs.rmSync(path.join(cwd, "out"), { recursive: true });
    const pipeline = app(cwd, { CI: "true" });
    expect(pipeline).toMatchObject({ code: 0, stderr: "" });
    expect(pipeline.stdout).toBe("synthesized 0 stack(s) into out\n");
    expect(JSON.parse(fs.readFileSync(path.join(cwd, "out", "stack-hashes.json"), "utf8"))).toEqual({});
  });

  test("GIVEN a team's own environment, with the examples or without them WHEN the folder is chosen THEN it is environments/, never the examples", () => {
    expect(environmentsFolder({}, project(acme()))).toEqual({ dir: "environments" });
    fs.rmSync(path.join(work, "examples"), { recursive: true });
    expect(environmentsFolder({}, work)).toEqual({ dir: "environments" });
    expect(environmentsFolder({ CONNECT_SSO_ENVIRONMENTS: "elsewhere" }, work)).toEqual({ dir: "elsewhere" });
    expect(environmentsFolder({ CI: "true" }, work)).toEqual({ dir: "environments" });
  });

  test("GIVEN a team's own environment and the examples WHEN synthesized THEN only the team's stacks are written", () => {
    const result = app(project(acme()), {});
    expect(result).toMatchObject({ code: 0, stderr: expect.not.stringMatching(/error/) });
    expect(result.stdout).toMatch(/synthesized 2 stack\(s\) into out: connect-sso-acme-prod, connect-sso-acme-prod-bootstrap\n/);
    expect(fs.existsSync(path.join(work, "environments", "identity.lock.json"))).toBe(true);
    expect(fs.existsSync(path.join(work, "examples", "environments", "identity.lock.json"))).toBe(true);
  });
});
