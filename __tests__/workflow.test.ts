/**
 * The GitHub Actions workflows (connect-sso-pr.yml for pull requests, connect-sso.yml for pushes,
 * the schedule and runs by hand): GitHub's own parser accepts them; they run on the right events;
 * the required `gate` check cannot be skipped into passing; every `run:` step has pipefail; what
 * judges a change runs the code of the commit before it; applies are saved plans that `pipeline
 * apply` gates itself, behind environments; `${{ }}` never reaches a shell script; every command
 * they (or the README and docs/) run exists in package.json. The rehearsals run their steps for real.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { parse, stringify } from "yaml";
import { docPages } from "./support/docs";
import { REPO } from "./support/environments";
import { makeTempDir, removeTempDir } from "./support/terraform";
import { describeIfTools, missingTool } from "./support/tools";
import { evaluate, readWorkflow, shellCommand, type Job, type Workflow } from "./support/workflow-runner";

type Read = Workflow & { on: Record<string, unknown>; concurrency: { group: string; "cancel-in-progress": string | boolean } };
const FILES = { pr: path.join(REPO, ".github", "workflows", "connect-sso-pr.yml"), main: path.join(REPO, ".github", "workflows", "connect-sso.yml") };
const pr = readWorkflow(FILES.pr) as Read;
const main = readWorkflow(FILES.main) as Read;
const BOTH = { pr, main };
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>);
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const step = (workflow: Workflow, job: string, name: string) => {
  const found = workflow.jobs[job].steps.find((s) => s.name === name);
  if (!found) throw new Error(`job ${job} has no step named ${JSON.stringify(name)}`);
  return found;
};
const stepDir = makeTempDir("workflow-steps");
afterAll(() => removeTempDir(stepDir));
/** A step's script run as GitHub runs it in this workflow (support/workflow-runner.ts's shellCommand). */
const runStep = (workflow: Workflow, job: string, script: string, env: Record<string, string>) => {
  const file = path.join(fs.mkdtempSync(path.join(stepDir, "step-")), "step.sh");
  fs.writeFileSync(file, script);
  const [command, ...args] = shellCommand(workflow.jobs[job].defaults?.run?.shell ?? workflow.defaults?.run?.shell, file);
  return spawnSync(command, args, { env: { PATH: process.env.PATH, ...env }, encoding: "utf8" });
};

/** `npm run x`, `npm run -s x`, `npm test`, `npm ci` commands in a text. */
function npmCommands(source: string): string[] {
  return [...source.matchAll(/npm (?:run(?: -s)? ([\w:-]+)|(test|ci)\b)/g)].map((m) => m[1] ?? m[2]);
}

/** Every `run:` step that GitHub would run without pipefail: `bash -e {0}` when no shell is named anywhere, or a shell other than bash. */
export function stepsWithoutPipefail(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([id, job]) =>
    job.steps
      .filter((s) => s.run !== undefined && (s.shell ?? job.defaults?.run?.shell ?? workflow.defaults?.run?.shell) !== "bash")
      .map((s) => `${id}: ${s.name ?? s.run}`),
  );
}

/** The commands that judge a change: they must run from the code before it. */
const GATE_COMMANDS = ["changed-stacks", "pipeline", "review", "consents"];

describe.each(Object.entries(FILES))("the %s workflow", (_, file) => {
  const text = fs.readFileSync(file, "utf8");
  const workflow = readWorkflow(file);

  test("GIVEN it WHEN GitHub's own parser reads it THEN it reports no error", async () => {
    const parsed = parseWorkflow({ name: path.basename(file), content: text }, new NoOperationTraceWriter());
    expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
    const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
    expect(template.errors ?? []).toEqual([]);
  });

  test("GIVEN every run: step WHEN its shell is resolved as GitHub does THEN each has pipefail", () => {
    expect(workflow.defaults?.run?.shell).toBe("bash");
    expect(stepsWithoutPipefail(workflow)).toEqual([]);
  });

  test("GIVEN every run: script WHEN read THEN no ${{ }} expression is in it: values reach shell only through env", () => {
    const offenders = Object.entries(workflow.jobs).flatMap(([id, job]) =>
      job.steps.filter((s) => s.run?.includes("${{")).map((s) => `${id}: ${s.name ?? s.run}`),
    );
    expect(offenders).toEqual([]);
  });

  test("GIVEN every action it uses WHEN read THEN it is pinned by full commit SHA, with its version in a comment", () => {
    const lines = text.split("\n").filter((l) => /^\s*- uses: /.test(l));
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.filter((l) => !/^\s*- uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/.test(l))).toEqual([]);
  });

  test("GIVEN every checkout and install WHEN read THEN no token stays in .git/config and no dependency's install script runs", () => {
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const checkouts = steps.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.length).toBeGreaterThan(0);
    expect(checkouts.filter((s) => s.with?.["persist-credentials"] !== false)).toEqual([]);
    const installs = steps.filter((s) => /\bnpm (ci|install)\b/.test(s.run ?? ""));
    expect(installs.filter((s) => !/^npm ci --ignore-scripts$/.test(s.run ?? ""))).toEqual([]);
  });

  test("GIVEN each job WHEN its permissions are read THEN the workflow grants contents: read alone, and only jobs that need more name exactly what they need", () => {
    expect((workflow as Workflow & { permissions?: unknown }).permissions).toEqual({ contents: "read" });
    const needs: Record<string, Record<string, string>> = {
      plan: { contents: "read", "id-token": "write" },
      gate: { contents: "read", "pull-requests": "write" },
      apply: { contents: "read", "id-token": "write", "pull-requests": "read" },
      drift: { contents: "read", "id-token": "write" },
      sync: { contents: "read", "id-token": "write" },
    };
    for (const [id, job] of Object.entries(workflow.jobs)) expect([id, (job as Job & { permissions?: unknown }).permissions]).toEqual([id, needs[id]]);
  });
});

test("GIVEN the credentialed jobs WHEN their AWS sessions are read THEN pull requests get one hour, and only main's apply and drift the six hours a full refresh of a large environment takes", () => {
  const duration = (workflow: Workflow, job: string) =>
    workflow.jobs[job].steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["role-duration-seconds"];
  expect(duration(pr, "plan")).toBe(3600);
  expect([duration(main, "apply"), duration(main, "drift")]).toEqual([21600, 21600]);
});

test("GIVEN every setup-node WHEN read THEN it takes the version from .nvmrc, the one file that names it (with engines' lower bound and .ci/run)", () => {
  const setups = Object.values(BOTH).flatMap((w) => Object.values(w.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/setup-node@"))));
  expect(setups.length).toBeGreaterThan(3);
  expect(setups.filter((s) => s.with?.["node-version-file"] !== ".nvmrc" || s.with?.["node-version"] !== undefined)).toEqual([]);
  const major = fs.readFileSync(path.join(REPO, ".nvmrc"), "utf8").trim();
  // From the CI version up to the newest major docs/reference/toolchain.md supports.
  expect(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).engines).toEqual({ node: `>=${major} <25` });
  expect(fs.readFileSync(path.join(REPO, ".ci", "run"), "utf8")).toContain("want=$(cat .nvmrc)");
});

test("GIVEN the Dependabot configuration WHEN read THEN it keeps the actions and the npm packages current", () => {
  const config = parse(fs.readFileSync(path.join(REPO, ".github", "dependabot.yml"), "utf8")) as {
    version: number;
    updates: Array<{ "package-ecosystem": string; directory: string }>;
  };
  expect(config.version).toBe(2);
  expect(config.updates.map((u) => [u["package-ecosystem"], u.directory]).sort()).toEqual([
    ["github-actions", "/"],
    ["npm", "/"],
  ]);
});

test("GIVEN a workflow with a mistake WHEN GitHub's parser reads it THEN it reports it (the parser check can fail)", () => {
  const broken = fs.readFileSync(FILES.main, "utf8").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon");
  const parsed = parseWorkflow({ name: "broken.yml", content: broken }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().length).toBeGreaterThan(0);
});

test("GIVEN a workflow without the shell default, or a step with shell: sh WHEN checked THEN those steps are named (the pipefail check can fail)", () => {
  const withoutDefault = parse(stringify(main)) as Workflow & { defaults?: unknown };
  delete withoutDefault.defaults;
  expect(stepsWithoutPipefail(withoutDefault)).toEqual(expect.arrayContaining([expect.stringMatching(/^apply: Plan, gate and apply/)]));
  const sh = parse(stringify(pr)) as Workflow;
  (sh.jobs.gate.steps[0] as { shell?: string }).shell = "sh";
  expect(stepsWithoutPipefail(sh)).toEqual(["gate: Every plan leg succeeded"]);
  // What the check guards against: without pipefail a failing command piped into tee passes.
  const script = "false | tee /dev/null\necho after";
  expect(runStep({ jobs: { j: { steps: [] } } }, "j", script, {}).status).toBe(0);
  expect(runStep(main, "apply", script, {}).status).toBe(1);
});

test("GIVEN the two workflows WHEN their events are read THEN pull requests and their reviews start only the pull-request workflow, which no other event starts, and only it has a gate job", () => {
  expect(Object.keys(pr.on).sort()).toEqual(["pull_request", "pull_request_review"]);
  expect(Object.keys(main.on).sort()).toEqual(["push", "schedule", "workflow_dispatch"]);
  expect(main.on.push).toEqual({ branches: ["main"] });
  expect(Object.keys(pr.jobs).sort()).toEqual(["changes", "gate", "plan", "synth", "test"]);
  expect(Object.keys(main.jobs).sort()).toEqual(["apply", "drift", "sync", "synth", "test"]);
});

test("GIVEN the jobs that judge a change WHEN read THEN each checks out the commit before the change: the pull request's base, or the push's before", () => {
  const judging = (workflow: Workflow) => Object.entries(workflow.jobs).filter(([, job]) => npmCommands(runs(job)).some((c) => GATE_COMMANDS.includes(c)));
  const checkoutRef = (job: Job) => job.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.ref;
  expect(judging(pr).map(([id]) => id)).toEqual(["changes", "plan", "gate"]);
  for (const [id, job] of judging(pr)) expect([id, checkoutRef(job)]).toEqual([id, "${{ github.event.pull_request.base.sha }}"]);
  expect(judging(main).map(([id]) => id)).toEqual(["synth", "apply"]);
  expect(checkoutRef(main.jobs.apply)).toBe("${{ github.event.before }}");
  // The push's synth only lists environments from its own output (data); the apply job judges.
  expect(npmCommands(runs(main.jobs.synth)).filter((c) => GATE_COMMANDS.includes(c))).toEqual(["changed-stacks"]);
  // The change's own code only tests and synthesizes, with no credentials.
  for (const id of ["test", "synth"]) expect((pr.jobs[id] as Job & { permissions?: unknown }).permissions).toBeUndefined();
  expect((pr as Read & { permissions?: unknown }).permissions).toEqual({ contents: "read" });
});

test("GIVEN a pull request WHEN the jobs run THEN it tests, synthesizes, plans each changed stack into a saved plan, and gates the plans with the gate files the change brings", () => {
  const { test: testJob, synth, changes, plan, gate } = pr.jobs;
  expect(npmCommands(runs(testJob))).toEqual(["ci", "test"]);
  expect(npmCommands(runs(synth))).toEqual(["ci", "synth"]);
  expect(npmCommands(runs(changes))).toEqual(["ci", "synth", "changed-stacks"]);
  expect(plan.strategy!.matrix.stack).toBe("${{ fromJSON(needs.changes.outputs.changed) }}");
  expect(runs(plan)).toMatch(/npm run -s pipeline -- plan "\$STACK" --no-lock/);
  expect(npmCommands(runs(gate))).toEqual(expect.arrayContaining(["consents", "review", "pipeline"]));
  expect(runs(gate)).toMatch(/args=\(--consents consents\.json --since "\$BASE_SHA" --head "\$HEAD_SHA"\)/);
  expect(gate.steps.find((s) => s.uses?.startsWith("actions/checkout@"))?.with?.["fetch-depth"]).toBe(0);
  expect(fs.readFileSync(FILES.pr, "utf8")).not.toMatch(/allow-delete|pull_request\.body/);
});

test("GIVEN the gate job WHEN its condition is evaluated THEN it runs whatever happened before it, and fails when a leg failed or was skipped", () => {
  const gate = pr.jobs.gate;
  expect(gate.needs).toEqual(["synth", "changes", "plan"]);
  for (const [synth, changes, plan] of [
    ["failure", "skipped", "skipped"],
    ["success", "success", "failure"],
    ["success", "skipped", "skipped"],
    ["cancelled", "cancelled", "cancelled"],
  ]) {
    const context = { github: { event_name: "pull_request" }, needs: { synth: { result: synth }, changes: { result: changes }, plan: { result: plan } } };
    expect(evaluate(gate.if!, context, { failed: true })).toBeTruthy();
  }
  const legs = step(pr, "gate", "Every plan leg succeeded").run!;
  const check = (synth: string, changes: string, plan: string, changed: string) =>
    runStep(pr, "gate", legs, { SYNTH: synth, CHANGES: changes, PLAN: plan, CHANGED: changed }).status;
  expect(check("success", "success", "success", '["connect-sso-dev"]')).toBe(0);
  expect(check("success", "success", "skipped", "[]")).toBe(0);
  expect(check("success", "success", "skipped", '["connect-sso-dev"]')).toBe(1);
  expect(check("success", "success", "failure", '["connect-sso-dev"]')).toBe(1);
  expect(check("success", "failure", "skipped", "")).toBe(1);
  expect(check("failure", "skipped", "skipped", "")).toBe(1);
  // The verdict step keeps the review's exit code; the last step enforces it, and fails on none.
  const verdict = step(pr, "gate", "The gate");
  expect(verdict.if).toBe("always()");
  expect(runStep(pr, "gate", verdict.run!, { CODE: "0" }).status).toBe(0);
  expect(runStep(pr, "gate", verdict.run!, { CODE: "1" }).status).toBe(1);
  expect(runStep(pr, "gate", verdict.run!, { CODE: "" }).status).toBe(1);
});

test("GIVEN a pull request from a fork WHEN synth starts THEN it fails with a message saying why, not a silent skip", () => {
  const fork = step(pr, "synth", "Pull requests from forks are not planned").run!;
  const result = runStep(pr, "synth", fork, { HEAD_REPO: "someone/contact-center", BASE_REPO: "acme/contact-center" });
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/fork someone\/contact-center.*no AWS credentials/);
  expect(runStep(pr, "synth", fork, { HEAD_REPO: "acme/contact-center", BASE_REPO: "acme/contact-center" }).status).toBe(0);
});

test("GIVEN a push to main WHEN applying THEN each environment's job is behind its GitHub environment, never cancelled, and pipeline apply gates the saved plans itself", () => {
  const apply = main.jobs.apply as Job & { concurrency: { group: string; "cancel-in-progress": boolean } };
  expect(apply.if).toContain("github.event_name == 'push'");
  expect(apply.environment).toBe("${{ matrix.environment }}");
  expect(apply.concurrency["cancel-in-progress"]).toBe(false);
  expect(apply.env?.BEFORE).toBe("${{ github.event.before }}");
  const script = runs(apply);
  expect(script).not.toMatch(/auto-approve|terraform apply|npm run -s review/);
  const loop = step(main, "apply", "Plan, gate and apply the pending stacks, main stack first").run!;
  const plan = loop.indexOf('pipeline -- plan "$stack" --fast-refresh');
  const applyAt = loop.indexOf('pipeline -- apply "${stacks[@]}" --consents consents.json --since "$BEFORE" --review "$GITHUB_STEP_SUMMARY"');
  expect(plan).toBeGreaterThan(0);
  expect(applyAt).toBeGreaterThan(plan);
  expect(script).toMatch(/pipeline -- pending "\$ENVIRONMENT"/);
  expect(script).not.toMatch(/--fast-refresh.*--no-lock|--no-lock.*--fast-refresh/);
  expect(script).toMatch(/consents -- --repo "\$REPOSITORY" "\$\{args\[@\]\}"/);
  // A push that creates the branch has no commit before it: no judged code, so nothing is applied.
  const before = step(main, "apply", "The commit before this push").run!;
  expect(runStep(main, "apply", before, { BEFORE: "0".repeat(40) }).status).toBe(1);
  expect(runStep(main, "apply", before, { BEFORE: "a".repeat(40) }).status).toBe(0);
});

test("GIVEN the concurrency groups WHEN evaluated THEN a pull request replaces its own runs and runs on main are never cancelled", () => {
  const group = pr.concurrency.group.replace(/^.*\$\{\{\s*(.*?)\s*\}\}$/, "$1");
  expect(evaluate(group, { github: { event: { pull_request: { number: 7 } } } })).toBe(7);
  expect(pr.concurrency["cancel-in-progress"]).toBe(true);
  expect(main.concurrency).toEqual({ group: "connect-sso-main", "cancel-in-progress": false });
});

test("GIVEN the schedule WHEN it fires THEN every environment gets a drift run, the fast one; a run by hand is the full one", () => {
  expect(main.jobs.drift.if).toContain("schedule");
  const drift = runs(main.jobs.drift);
  expect(npmCommands(drift)).toContain("drift");
  expect(drift).toMatch(/if \[ "\$EVENT" = schedule \]; then mode=--fast; else mode=; fi/);
  expect(drift).toContain('npm run -s drift -- "$ENVIRONMENT" $mode');
});

test("GIVEN the schedule WHEN it fires THEN each environment that names syncGroups syncs with its plan role and one pull request, through a token of its own", () => {
  const sync = main.jobs.sync as Job & { concurrency: { group: string; "cancel-in-progress": boolean } };
  expect(sync.if).toBe("(github.event_name == 'schedule' || github.event_name == 'workflow_dispatch') && needs.synth.outputs.sync != '[]'");
  expect(sync.strategy!.matrix.environment).toBe("${{ fromJSON(needs.synth.outputs.sync) }}");
  expect((main.jobs.synth as Job & { outputs: Record<string, string> }).outputs.sync).toBe("${{ steps.sync.outputs.environments }}");
  expect(step(main, "synth", "Environments that follow Identity Center groups").run).toContain("npm run -s users -- sync --list");
  expect(sync.concurrency).toEqual({ group: "connect-sso-sync-${{ matrix.environment }}", "cancel-in-progress": false });
  expect(npmCommands(runs(sync))).toEqual(["ci", "users", "sync-pr"]);
  const read = step(main, "sync", "Identity Center group members into the environment file");
  expect(read.run).toContain('npm run -s users -- sync "$ENVIRONMENT" --summary "$RUNNER_TEMP/sync-summary.md"');
  expect(read.run).not.toContain("--remove-departed");
  // The plan role reads; only the pull-request step holds the GitHub token, and it is the sync's own.
  const credentials = sync.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
  expect(credentials.with?.["role-to-assume"]).toBe("${{ vars[steps.role.outputs.var] }}");
  const pr = step(main, "sync", "Open or update the pull request");
  expect(pr.env?.GITHUB_TOKEN).toBe("${{ secrets.CONNECT_SSO_SYNC_TOKEN }}");
  expect(sync.steps.filter((s) => JSON.stringify(s).includes("secrets."))).toEqual([pr]);
  const refused = runStep(main, "sync", pr.run!, { ENVIRONMENT: "dev", GITHUB_TOKEN: "" });
  expect({ code: refused.status, out: refused.stdout.trim() }).toEqual({
    code: 1,
    out: "::error::the secret CONNECT_SSO_SYNC_TOKEN is not set: a token that may write contents and pull requests (docs/users-sync.md)",
  });
});

test("GIVEN every npm command in the workflows, the README and docs/ WHEN looked up THEN package.json has it", () => {
  const pages = docPages().map((page) => fs.readFileSync(path.join(REPO, page), "utf8"));
  const used = new Set([...Object.values(BOTH).flatMap((w) => Object.values(w.jobs).flatMap((j) => npmCommands(runs(j)))), ...pages.flatMap(npmCommands)]);
  expect([...used].filter((c) => c !== "ci" && !scripts.includes(c))).toEqual([]);
});

describeIfTools("the workflow's jq filters", [missingTool("jq")], () => {
  const jq = (filter: string, input: string) => spawnSync("jq", ["-c", filter], { input, encoding: "utf8" }).stdout.trim();

  test("GIVEN changed stacks of two environments and a bootstrap stack WHEN the synth job derives environments THEN each appears once and bootstrap stacks are no environment's apply", () => {
    const filter = /jq -c '(\[\.changed\[\][^']+)'/.exec(runs(main.jobs.synth))![1];
    expect(jq(filter, '{"changed":["connect-sso-prod","connect-sso-prod-users-2","connect-sso-dev-users-1","connect-sso-qa-bootstrap"],"removed":[]}')).toBe(
      '["dev","prod"]',
    );
  });
});
