/**
 * A team's own project, as a new user makes it: a copy of this project (its committed files, the
 * installed packages linked), `npm run new-env` for the team's environment, then the README's
 * commands in it. `npm test` passes there unchanged (the tests read only examples/environments/),
 * and `npm run synth` synthesizes exactly the team's environment. Runs in the scale lane
 * (`npm run test:scale`, nightly): it is a whole `npm test` inside this one.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { makeTempDir, removeTempDir } from "../support/terraform";
import { REPO } from "../support/tools";

const INSTANCE = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";

let project: string | undefined;
afterAll(() => removeTempDir(project));

/** The variables of a new shell: none of this run's (its test cache, provider broker, scale lane), but whether tools are required. */
const variables = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("CONNECT_SSO_") || key === "CONNECT_SSO_REQUIRE_TOOLS"));

/** A command in the copy, with its output for failure messages. */
function run(command: string, args: string[], timeoutMs: number) {
  const result = spawnSync(command, args, {
    cwd: project,
    encoding: "utf8",
    timeout: timeoutMs,
    env: variables,
  });
  return { status: result.status, out: `${result.stdout}\n${result.stderr}` };
}

test("GIVEN a copy of the project with the team's own environment WHEN a new user runs npm test and npm run synth THEN the tests pass unchanged and only the team's stacks are synthesized", () => {
  project = makeTempDir("team-project");
  const files = spawnSync("git", ["ls-files", "-z"], { cwd: REPO, encoding: "utf8" }).stdout.split("\0").filter(Boolean);
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
    fs.copyFileSync(path.join(REPO, file), path.join(project, file));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(project, "node_modules"));
  spawnSync("git", ["init", "-q"], { cwd: project });

  const created = run(
    process.execPath,
    ["--import", "tsx", "scripts/new-env.ts", "acme-prod", "--account", "123456789012", "--region", "eu-west-2", "--instance", INSTANCE],
    60_000,
  );
  expect({ status: created.status, out: created.out }).toEqual({ status: 0, out: expect.stringContaining("wrote environments/acme-prod.yaml") });

  const tested = run("npm", ["test"], 900_000);
  if (tested.status !== 0) throw new Error(`npm test failed in the team's project:\n${tested.out.slice(-4000)}`);

  const synthesized = run("npm", ["run", "-s", "synth"], 120_000);
  expect(synthesized.status).toBe(0);
  expect(fs.readdirSync(path.join(project, "cdktf.out", "stacks")).sort()).toEqual(["connect-sso-acme-prod"]);
}, 1_000_000);
