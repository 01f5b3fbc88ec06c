/**
 * The GitHub Actions workflow: GitHub's own parser accepts it; it runs on the right events; the
 * gate cannot be skipped into passing; applies are saved plans behind environments; `${{ }}` never
 * reaches a shell script; every command it (or the README) runs exists in package.json. The
 * rehearsal (rehearsal.test.ts) runs its steps for real.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from "@actions/workflow-parser";
import { REPO } from "./support/environments";
import { describeIfTools, missingTool } from "./support/tools";
import { evaluate, readWorkflow, type Job } from "./support/workflow-runner";

const WORKFLOW_FILE = path.join(REPO, ".github", "workflows", "connect-sso.yml");
const text = fs.readFileSync(WORKFLOW_FILE, "utf8");
const workflow = readWorkflow(WORKFLOW_FILE) as ReturnType<typeof readWorkflow> & {
  on: Record<string, unknown>;
  concurrency: { group: string; "cancel-in-progress": string };
};
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>);
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const step = (job: string, name: string) => {
  const found = workflow.jobs[job].steps.find((s) => s.name === name);
  if (!found) throw new Error(`job ${job} has no step named ${JSON.stringify(name)}`);
  return found;
};

/** `npm run x`, `npm run -s x`, `npm test`, `npm ci` commands in a text. */
function npmCommands(source: string): string[] {
  return [...source.matchAll(/npm (?:run(?: -s)? ([\w:-]+)|(test|ci)\b)/g)].map((m) => m[1] ?? m[2]);
}

test("GIVEN the workflow WHEN GitHub's own parser reads it THEN it reports no error and finds every job", async () => {
  const parsed = parseWorkflow({ name: "connect-sso.yml", content: text }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().map((e) => e.message)).toEqual([]);
  const template = await convertWorkflowTemplate(parsed.context, parsed.value!);
  expect(template.errors ?? []).toEqual([]);
  expect(template.jobs.map((j) => j.id.value).sort()).toEqual(["apply", "drift", "gate", "plan", "synth", "test"]);
});

test("GIVEN a workflow with a mistake WHEN GitHub's parser reads it THEN it reports it (the check above can fail)", () => {
  const broken = text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon");
  const parsed = parseWorkflow({ name: "broken.yml", content: broken }, new NoOperationTraceWriter());
  expect(parsed.context.errors.getErrors().length).toBeGreaterThan(0);
});

test("GIVEN the workflow WHEN read THEN it runs on pull requests, their reviews, pushes to main, and a schedule", () => {
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["pull_request", "pull_request_review", "push", "schedule"]));
  expect(workflow.on.push).toEqual({ branches: ["main"] });
});

test("GIVEN every run: script WHEN read THEN no ${{ }} expression is in it: values reach shell only through env", () => {
  const offenders = Object.entries(workflow.jobs).flatMap(([id, job]) =>
    job.steps.filter((s) => s.run?.includes("${{")).map((s) => `${id}: ${s.name ?? s.run}`),
  );
  expect(offenders).toEqual([]);
});

test("GIVEN a pull request WHEN the jobs run THEN it tests, synthesizes, plans each changed stack into a saved plan, and gates the plans", () => {
  const { test: testJob, synth, plan, gate } = workflow.jobs;
  expect(npmCommands(runs(testJob))).toEqual(["ci", "test"]);
  expect(npmCommands(runs(synth))).toEqual(expect.arrayContaining(["ci", "synth", "changed-stacks"]));
  expect(plan.strategy!.matrix.stack).toBe("${{ fromJSON(needs.synth.outputs.changed) }}");
  expect(runs(plan)).toMatch(/npm run -s pipeline -- plan "\$STACK" --no-lock/);
  expect(npmCommands(runs(gate))).toEqual(expect.arrayContaining(["consents", "review", "pipeline"]));
  expect(runs(gate)).toMatch(/--consents consents\.json/);
  expect(text).not.toMatch(/allow-delete|pull_request\.body/);
});

test("GIVEN the gate job WHEN its condition is evaluated THEN it runs whatever happened before it, and fails when a leg failed or was skipped", () => {
  const gate = workflow.jobs.gate;
  expect(gate.needs).toEqual(["synth", "plan"]);
  const context = (synth: string, plan: string, changed: string) => ({
    github: { event_name: "pull_request", event: { pull_request: { number: 7 } } },
    needs: { synth: { result: synth, outputs: { changed } }, plan: { result: plan } },
  });
  const condition = gate.if!;
  for (const [synth, plan] of [
    ["failure", "skipped"],
    ["success", "failure"],
    ["success", "skipped"],
    ["cancelled", "cancelled"],
  ]) {
    expect(evaluate(condition, context(synth, plan, '["connect-sso-dev"]'), { failed: true })).toBeTruthy();
  }
  expect(evaluate(condition, { github: { event_name: "push", event: {} }, needs: {} }, { failed: false })).toBeFalsy();
  const legs = step("gate", "Every plan leg succeeded").run!;
  const check = (synth: string, plan: string, changed: string) =>
    spawnSync("bash", ["-eo", "pipefail", "-c", legs], { env: { PATH: process.env.PATH, SYNTH: synth, PLAN: plan, CHANGED: changed }, encoding: "utf8" })
      .status;
  expect(check("success", "success", '["connect-sso-dev"]')).toBe(0);
  expect(check("success", "skipped", "[]")).toBe(0);
  expect(check("success", "skipped", '["connect-sso-dev"]')).toBe(1);
  expect(check("success", "failure", '["connect-sso-dev"]')).toBe(1);
  expect(check("failure", "skipped", "")).toBe(1);
});

test("GIVEN a pull request from a fork WHEN synth starts THEN it fails with a message saying why, not a silent skip", () => {
  const fork = step("synth", "Pull requests from forks are not planned");
  const result = spawnSync("bash", ["-eo", "pipefail", "-c", fork.run!], {
    env: { PATH: process.env.PATH, HEAD_REPO: "someone/contact-center", BASE_REPO: "acme/contact-center" },
    encoding: "utf8",
  });
  expect(result.status).toBe(1);
  expect(result.stdout).toMatch(/fork someone\/contact-center.*no AWS credentials/);
  const same = spawnSync("bash", ["-eo", "pipefail", "-c", fork.run!], {
    env: { PATH: process.env.PATH, HEAD_REPO: "acme/contact-center", BASE_REPO: "acme/contact-center" },
    encoding: "utf8",
  });
  expect(same.status).toBe(0);
});

test("GIVEN a push to main WHEN applying THEN each environment's job is gated by its GitHub environment, never cancelled, and applies only saved plans that passed the gate", () => {
  const apply = workflow.jobs.apply as Job & { concurrency: { group: string; "cancel-in-progress": boolean } };
  expect(apply.if).toContain("github.event_name == 'push'");
  expect(apply.environment).toBe("${{ matrix.environment }}");
  expect(apply.concurrency["cancel-in-progress"]).toBe(false);
  const script = runs(apply);
  expect(script).not.toMatch(/auto-approve|terraform apply/);
  const loop = step("apply", "Plan, gate and apply the pending stacks, main stack first").run!;
  const order = ["pipeline -- plan", 'review -- --consents consents.json "${plans[@]}"', "pipeline -- apply"].map((c) => loop.indexOf(c));
  expect(order.every((i) => i >= 0)).toBe(true);
  expect([...order].sort((a, b) => a - b)).toEqual(order);
  expect(script).toMatch(/pipeline -- pending "\$ENVIRONMENT"/);
  // The merge-time plan refreshes through the bulk reader; it holds the lock (never --no-lock), because apply -refresh-only writes state.
  expect(loop).toMatch(/pipeline -- plan "\$stack" --fast-refresh\n/);
  expect(script).not.toMatch(/--fast-refresh.*--no-lock|--no-lock.*--fast-refresh/);
  expect(script).toMatch(/consents -- --repo "\$REPOSITORY" "\$\{args\[@\]\}"/);
});

test("GIVEN runs on main WHEN the workflow's concurrency is evaluated THEN pull requests replace their own runs and runs on main are never cancelled", () => {
  const group = (pr?: number) =>
    evaluate(workflow.concurrency.group.replace(/^.*\$\{\{\s*(.*?)\s*\}\}$/, "$1"), { github: { event: pr ? { pull_request: { number: pr } } : {} } });
  const cancel = (pr?: number) =>
    evaluate(workflow.concurrency["cancel-in-progress"].replace(/^\$\{\{\s*(.*?)\s*\}\}$/, "$1"), {
      github: { event: pr ? { pull_request: { number: pr } } : {} },
    });
  expect(group(7)).toBe(7);
  expect(group()).toBe("main");
  expect(cancel(7)).toBe(true);
  expect(cancel()).toBe(false);
});

test("GIVEN the schedule WHEN it fires THEN every environment gets a drift run, the fast one; a run by hand is the full one", () => {
  expect(workflow.jobs.drift.if).toContain("schedule");
  expect(npmCommands(runs(workflow.jobs.drift))).toContain("drift");
  const drift = runs(workflow.jobs.drift);
  expect(drift).toMatch(/if \[ "\$EVENT" = schedule \]; then mode=--fast; else mode=; fi/);
  expect(drift).toContain('npm run -s drift -- "$ENVIRONMENT" $mode');
});

test("GIVEN every npm command in the workflow and the README WHEN looked up THEN package.json has it", () => {
  const readme = fs.readFileSync(path.join(REPO, "README.md"), "utf8");
  const used = new Set([...Object.values(workflow.jobs).flatMap((j) => npmCommands(runs(j))), ...npmCommands(readme)]);
  const missing = [...used].filter((c) => c !== "ci" && !scripts.includes(c));
  expect(missing).toEqual([]);
});

test("GIVEN every action the workflow uses WHEN read THEN it is pinned to a major version", () => {
  const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => Boolean(u)));
  expect(uses.length).toBeGreaterThan(5);
  for (const u of uses) expect(u).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
});

describeIfTools("the workflow's jq filters", [missingTool("jq")], () => {
  const jq = (filter: string, input: string) => spawnSync("jq", ["-c", filter], { input, encoding: "utf8" }).stdout.trim();

  test("GIVEN changed stacks of two environments and a bootstrap stack WHEN the synth job derives environments THEN each appears once and bootstrap stacks are no environment's apply", () => {
    const filter = /jq -c '(\[\.changed\[\][^']+)'/.exec(runs(workflow.jobs.synth))![1];
    expect(jq(filter, '{"changed":["connect-sso-prod","connect-sso-prod-users-2","connect-sso-dev-users-1","connect-sso-qa-bootstrap"],"removed":[]}')).toBe(
      '["dev","prod"]',
    );
  });
});
