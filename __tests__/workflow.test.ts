/**
 * The GitHub Actions workflow: it parses, runs on the right events, gates applies behind
 * environments, and every command it (or the README) runs exists in package.json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { REPO } from "./support/environments";
import { describeIfTools, missingTool } from "./support/tools";

type Job = { needs?: string | string[]; if?: string; environment?: string; steps: Array<{ run?: string; uses?: string; name?: string }>; strategy?: { matrix: Record<string, string> } };
const workflow = parse(fs.readFileSync(path.join(REPO, ".github", "workflows", "connect-sso.yml"), "utf8")) as { on: Record<string, unknown>; jobs: Record<string, Job> };
const scripts = Object.keys(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>);
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");

/** `npm run x`, `npm run -s x`, `npm test`, `npm ci` commands in a text. */
function npmCommands(text: string): string[] {
  return [...text.matchAll(/npm (?:run(?: -s)? ([\w:-]+)|(test|ci)\b)/g)].map((m) => m[1] ?? m[2]);
}

test("GIVEN the workflow WHEN read THEN it runs on pull requests, on pushes to main, and on a schedule", () => {
  expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["pull_request", "push", "schedule"]));
  expect(workflow.on.push).toEqual({ branches: ["main"] });
});

test("GIVEN a pull request WHEN the jobs run THEN it tests, synthesizes, plans each changed stack and posts the review", () => {
  const { test: testJob, synth, plan, review } = workflow.jobs;
  expect(npmCommands(runs(testJob))).toEqual(["ci", "test"]);
  expect(npmCommands(runs(synth))).toEqual(expect.arrayContaining(["ci", "synth", "changed-stacks"]));
  expect(plan.if).toContain("github.event_name == 'pull_request'");
  expect(plan.strategy!.matrix.stack).toBe("${{ fromJSON(needs.synth.outputs.changed) }}");
  expect(runs(plan)).toMatch(/terraform plan .*-out=plan\.tfplan/);
  expect(runs(plan)).toMatch(/terraform show -json plan\.tfplan/);
  expect(npmCommands(runs(review))).toContain("review");
  expect(runs(review)).toMatch(/gh pr comment/);
});

test("GIVEN a push to main WHEN applying THEN each environment's job is gated by its GitHub environment and applies the main stack before users stacks", () => {
  const apply = workflow.jobs.apply;
  expect(apply.if).toContain("github.event_name == 'push'");
  expect(apply.environment).toBe("${{ matrix.environment }}");
  expect(runs(apply)).toMatch(/sort -V/);
  expect(runs(apply)).toMatch(/terraform -chdir=.* apply -input=false -auto-approve/);
});

test("GIVEN the schedule WHEN it fires THEN every environment gets a drift run", () => {
  expect(workflow.jobs.drift.if).toContain("schedule");
  expect(npmCommands(runs(workflow.jobs.drift))).toContain("drift");
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

test("GIVEN a pull request description with allow-delete lines WHEN the review step reads it THEN each line becomes one --allow-delete value", () => {
  const step = workflow.jobs.review.steps.find((s) => s.name === "Review the plans")!.run!;
  const sed = /sed -nE '([^']+)'/.exec(step)![1];
  const body = 'Moves Bob to sales.\n\nallow-delete: bob.martin@example.com\n  allow-delete: aws_connect_user.connect_users["x@example.com"]  \nnot allow-delete: nope\n';
  const result = spawnSync("sed", ["-nE", sed], { input: body, encoding: "utf8" });
  expect(result.stdout.trim().split("\n")).toEqual(["bob.martin@example.com", 'aws_connect_user.connect_users["x@example.com"]']);
});

describeIfTools("the workflow's jq filters", [missingTool("jq")], () => {
  const synthRun = runs(workflow.jobs.synth);
  const jq = (filter: string, input: string) => spawnSync("jq", ["-c", filter], { input, encoding: "utf8" }).stdout.trim();

  test("GIVEN changed stacks of two environments WHEN the synth job derives environments THEN each appears once", () => {
    const filter = /jq -c '(\[\.changed\[\][^']+)'/.exec(synthRun)![1];
    expect(jq(filter, '{"changed":["connect-sso-prod","connect-sso-prod-users-2","connect-sso-dev-users-1"],"removed":[]}')).toBe('["dev","prod"]');
  });

  test("GIVEN changed stacks WHEN the apply job picks one environment's THEN they come main stack first, users stacks in order", () => {
    const step = runs(workflow.jobs.apply);
    const filter = /jq -r --arg e "[^"]+" '([^']+)'/.exec(step)![1];
    const picked = spawnSync("bash", ["-c", `jq -r --arg e connect-sso-prod '${filter}' | sort -V`], {
      input: '["connect-sso-prod-users-10","connect-sso-dev","connect-sso-prod-users-2","connect-sso-prod","connect-sso-prodx"]',
      encoding: "utf8",
    }).stdout.trim();
    expect(picked.split("\n")).toEqual(["connect-sso-prod", "connect-sso-prod-users-2", "connect-sso-prod-users-10"]);
  });
});
