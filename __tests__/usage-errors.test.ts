/**
 * One command-line contract, for a user's mistakes: an unknown flag, a missing argument and an
 * environment no file defines each get one line naming the mistake on stderr (the usage may follow),
 * nothing on stdout, no stack trace, and exit 2 (drift: 1, as terraform plan -detailed-exitcode,
 * whose 2 means changes; docs/reference/commands.md). The commands run in this process
 * where their logic lives in lib/tools; those whose logic is their script run as a process.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { runDoctor } from "../lib/tools/doctor/cli";
import { runDrift } from "../lib/tools/drift";
import { runNewEnv } from "../lib/tools/new-env/cli";
import { runChangedStacks } from "../lib/tools/pipeline/changed-stacks-cli";
import { runPipeline } from "../lib/tools/pipeline/cli";
import { runConsents } from "../lib/tools/pipeline/consents-cli";
import { runReview } from "../lib/tools/review/cli";
import { runVerifySignin } from "../lib/tools/signin/cli";
import { runUsers } from "../lib/tools/users-csv/cli";
import { EXAMPLES_DIR, REPO, TEST_NOW } from "./support/environments";
import { scriptCommand } from "./support/script-bundles";
import { makeTempDir, removeTempDir } from "./support/terraform";

let work: string;
beforeAll(() => (work = makeTempDir("usage-errors")));
afterAll(() => removeTempDir(work));

interface Outcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Environment variables of a run: the examples as the environments, synth output in the work folder. */
const variables = (): NodeJS.ProcessEnv => ({ ...process.env, CI: "", CONNECT_SSO_ENVIRONMENTS: EXAMPLES_DIR, CDKTF_OUTDIR: path.join(work, "cdktf.out") });

/** Each command in this process, collecting what it writes. */
const COMMANDS: Record<string, (argv: string[]) => Promise<Outcome>> = {
  async drift(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDrift(argv, variables(), { log: (l) => err.push(l), report: (t) => out.push(t) });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async doctor(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runDoctor(argv, variables(), { out: (t) => out.push(t), err: (l) => err.push(l) }, { cwd: work });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async "changed-stacks"(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runChangedStacks(argv, { log: (l) => err.push(l), out: (t) => out.push(t) });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async pipeline(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runPipeline(argv, variables(), { log: (l) => err.push(l), out: (t) => out.push(t) });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async consents(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runConsents(
      argv,
      variables(),
      (t) => out.push(t),
      (l) => err.push(l),
    );
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async review(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runReview(
      argv,
      (t) => out.push(t),
      (l) => err.push(l),
      TEST_NOW,
    );
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async "verify-signin"(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runVerifySignin(argv, variables(), { out: (l) => out.push(l), err: (l) => err.push(l) }, { now: TEST_NOW, cwd: REPO });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async users(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = runUsers(argv, variables(), { out: (t) => out.push(t), err: (l) => err.push(l) }, { cwd: REPO, now: TEST_NOW });
    return { code, out: out.join(""), err: err.join("\n") };
  },
  async "new-env"(argv) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runNewEnv(argv, { out: (t) => out.push(t), err: (l) => err.push(l) }, { cwd: work, now: TEST_NOW });
    return { code, out: out.join(""), err: err.join("\n") };
  },
};

/** Each case: the command, its arguments, the exit code, and the first line it must print. */
const MISTAKES: ReadonlyArray<readonly [string, string, string[], number, RegExp]> = [
  ["drift", "an unknown flag", ["dev", "--bogus"], 1, /^drift: Unknown option '--bogus'$/],
  ["drift", "no environment", [], 1, /^drift: no environment given$/],
  [
    "drift",
    "an environment no file defines (refused before synth)",
    ["nope"],
    1,
    /^drift: unknown environment "nope": .*examples\/environments has dev, prod, staging$/,
  ],
  ["doctor", "an unknown flag", ["github", "acme/app", "--bogus"], 2, /^doctor: Unknown option '--bogus'$/],
  ["doctor", "no check", [], 2, /^doctor: no check given; allowed: github$/],
  ["doctor", "no repository", ["github"], 2, /^doctor: github: no repository given$/],
  ["changed-stacks", "an unknown flag", ["--bogus"], 2, /^changed-stacks: Unknown option '--bogus'$/],
  ["changed-stacks", "no head file", ["base.json"], 2, /^changed-stacks: no head stack-hashes\.json given$/],
  ["pipeline", "an unknown flag", ["plan", "connect-sso-dev", "--bogus"], 2, /^pipeline: Unknown option '--bogus'$/],
  ["pipeline", "apply without a stack", ["apply"], 2, /^pipeline: apply: no stack given$/],
  ["pipeline", "an unknown command", ["deploy", "connect-sso-dev"], 2, /^pipeline: unknown command "deploy"; allowed: plan, apply, pending, comment$/],
  ["consents", "an unknown flag", ["--bogus"], 2, /^consents: Unknown option '--bogus'$/],
  ["consents", "no repository", ["--pr", "7"], 2, /^consents: --repo is required$/],
  ["review", "an unknown flag", ["--bogus"], 2, /^review: Unknown option '--bogus'$/],
  ["review", "no plan", [], 2, /^review: no plan file given$/],
  ["verify-signin", "an unknown flag", ["dev", "--bogus"], 2, /^verify-signin: Unknown option '--bogus'$/],
  ["verify-signin", "an environment no file defines", ["nope"], 2, /^verify-signin: unknown environment "nope": .* has dev, prod, staging$/],
  ["users", "an unknown flag", ["export", "dev", "--bogus"], 2, /^users: Unknown option '--bogus'$/],
  ["users", "export without an environment", ["export"], 2, /^users: export takes <env> \[file\.csv\]; given 0 argument\(s\)$/],
  ["users", "an environment no file defines", ["export", "nope"], 2, /^users: unknown environment "nope": .*examples\/environments has dev, prod, staging$/],
  ["users", "a CSV file that is not there", ["import", "missing.csv", "dev"], 2, /^users: missing\.csv: no such file$/],
  ["new-env", "an unknown flag", ["qa", "--bogus"], 2, /^new-env: Unknown option '--bogus'$/],
  ["new-env", "no name", [], 2, /^new-env: no environment name given$/],
];

test.each(MISTAKES)(
  "GIVEN %s and %s (%j) WHEN run THEN one line names the mistake, nothing goes to stdout, no stack trace, exit %i",
  async (command, _mistake, argv, code, line) => {
    const outcome = await COMMANDS[command](argv);
    expect({ code: outcome.code, out: outcome.out }).toEqual({ code, out: "" });
    expect(outcome.err.split("\n")[0]).toMatch(line);
    expect(outcome.err).not.toMatch(/\n\s+at /);
  },
);

/** A script run as `npm run` runs it, in the work folder; main.ts as cdktf runs it. */
function spawn(file: string, argv: string[]) {
  const command =
    file === "main"
      ? { args: ["--import", pathToFileURL(path.join(REPO, "node_modules", "tsx", "dist", "loader.mjs")).href, path.join(REPO, "main.ts")], env: {} }
      : scriptCommand(file);
  const result = spawnSync(process.execPath, [...command.args, ...argv], {
    cwd: work,
    encoding: "utf8",
    env: { ...variables(), ...command.env },
    timeout: 60_000,
  });
  return { code: result.status, out: result.stdout, err: result.stderr.replace(/.*(NodeDeprecation|trace-warnings).*\n?/g, "") };
}

test.each<readonly [string, string[], RegExp]>([
  ["main", ["--bogus"], /^synth: takes no arguments; given "--bogus"\nusage: npm run synth/],
  ["checks", ["--bogus"], /^checks: takes no arguments; given "--bogus"\nusage: npm run checks/],
  ["reference", ["--bogus"], /^reference: cannot read "--bogus"; the only option is --check\nusage: npm run reference/],
  ["make-metadata", ["--examples", "extra"], /^make-metadata: --examples takes nothing more; given "extra"\nusage:/],
])("GIVEN %s WHEN given an argument it does not take THEN it exits 2 with one line and the usage on stderr, and writes nothing", (file, argv, message) => {
  const before = fs.readdirSync(work);
  const result = spawn(file, argv);
  expect({ code: result.code, out: result.out }).toEqual({ code: 2, out: "" });
  expect(result.err).toMatch(message);
  expect(result.err).not.toMatch(/\n\s+at /);
  expect(fs.readdirSync(work)).toEqual(before);
});

test("GIVEN the app (npm run synth, main.ts) WHEN asked for --help THEN it prints its usage and synthesizes nothing", () => {
  const result = spawn("main", ["--help"]);
  expect({ code: result.code, err: result.err }).toEqual({ code: 0, err: "" });
  expect(result.out).toMatch(/^usage: npm run synth/);
  expect(fs.existsSync(path.join(work, "cdktf.out"))).toBe(false);
});

test("GIVEN package.json WHEN its commands are listed THEN docs/reference/commands.md, the one exit-code table, has a row for each", () => {
  const table = fs.readFileSync(path.join(REPO, "docs", "reference", "commands.md"), "utf8");
  const rows = table.split("\n").filter((l) => l.startsWith("| `npm "));
  const commands = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>);
  const missing = commands.filter((c) => !rows.some((row) => row.includes(c === "test" ? "`npm test`" : `\`npm run ${c}`)));
  expect(missing).toEqual([]);
});

test("GIVEN the product's npm scripts WHEN read THEN each is the one shape: runScript with its command's ToolMain", () => {
  const dev = new Set(["checks", "make-metadata", "reference", "bench"]);
  const shapes = fs
    .readdirSync(path.join(REPO, "scripts"))
    .filter((file) => file.endsWith(".ts") && !dev.has(file.replace(/\.ts$/, "")))
    .map((file) => {
      const code = fs.readFileSync(path.join(REPO, "scripts", file), "utf8").replace(/^\/\*\*.*?\*\/\n/s, "");
      return [
        file,
        /^import \{ runScript \} from "\.\.\/lib\/tools\/io";\nimport \{ \w+Main \} from "[^"]+";\n\nrunScript\("[\w-]+", \w+Main\);\n$/.test(code),
      ];
    });
  expect(shapes.length).toBeGreaterThan(9);
  expect(shapes.filter(([, ok]) => !ok)).toEqual([]);
});

test("GIVEN a command whose entry throws WHEN run as a script THEN one line names the command and the failure, no stack trace, exit 1", () => {
  const script = `require("./lib/tools/io").runScript("demo", () => { throw new Error("boom"); });`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: REPO, encoding: "utf8", timeout: 60_000 });
  expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
    status: 1,
    stderr: "demo: unexpected failure: boom\n",
    stdout: "",
  });
});
