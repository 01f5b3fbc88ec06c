/**
 * Smoke test of scripts/bench.ts's helpers (no timing here: `npm run bench` measures).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { loadEnvironments } from "../lib/config/load";
import { connectCallsPerPlan } from "../lib/tools/plan-cost";
import {
  appTypeChecks,
  benchUsername,
  countSynthesizedUsers,
  environmentYaml,
  formatPlanCostTable,
  formatTable,
  median,
  parseArgs,
  parsePreloadOutput,
  parseTimeOutput,
  planCostRow,
  readSynthesizedStacks,
  toRow,
  writeEnvironmentDir,
} from "../scripts/bench";
import { environmentStacks } from "../stacks";
import { TEST_NOW, testApp } from "./support/environments";

/** The generated environment (with optional users stacks) loaded and synthesized in-process: stack name → Terraform JSON. */
function synthGenerated(users: number, stacks?: number): Record<string, unknown> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
  try {
    writeEnvironmentDir(dir, users, undefined, stacks === undefined ? undefined : { stacks, usersPerStack: 1000 });
    const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    const app = testApp();
    return Object.fromEntries(environmentStacks(app, environments[0]).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as unknown]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("bench helpers", () => {
  test("the generated environment loads without problems, with every user", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    try {
      writeEnvironmentDir(dir, 120);
      const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
      expect(problems).toEqual([]);
      expect(environments).toHaveLength(1);
      const users = environments[0].users;
      expect(users).toHaveLength(120);
      expect(users[0].username).toBe("agent00001@example.com");
      expect(users.filter((u) => u.phoneType === "DESK_PHONE").length).toBe(12);
      expect(users.some((u) => /[^\p{ASCII}]/u.test(u.firstName + u.lastName))).toBe(true);
      expect(new Set(users.map((u) => u.routingProfile)).size).toBeGreaterThan(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("user names stay unique and valid up to 99,999", () => {
    expect(benchUsername(20000)).toBe("agent20000@example.com");
    expect(environmentYaml(3)).toContain("agent00003@example.com");
  });

  test("parses GNU time and preload output", () => {
    expect(parseTimeOutput("1.23 204800 2.50 0.30\n")).toEqual({ seconds: 1.23, maxRssKiB: 204800, cpuSeconds: 2.8 });
    expect(parseTimeOutput("Command exited with non-zero status 1\n0.50 1000 0.40 0.10\n")?.maxRssKiB).toBe(1000);
    expect(parseTimeOutput("garbage")).toBeUndefined();
    expect(parsePreloadOutput('{"maxRssKiB":1024,"cpuSeconds":0.5}')).toEqual({ maxRssKiB: 1024, cpuSeconds: 0.5 });
    expect(parsePreloadOutput("")).toBeUndefined();
  });

  test("tells a type-checking app command", () => {
    expect(appTypeChecks("node --import tsx main.ts")).toBe(false);
    expect(appTypeChecks("npx ts-node main.ts")).toBe(true);
    expect(appTypeChecks("npx ts-node --transpile-only main.ts")).toBe(false);
    expect(appTypeChecks("npx tsc && node main.js")).toBe(true);
  });

  test("median, arguments, user count, table", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(parseArgs([])).toEqual({
      runs: 3,
      sizes: [5, 500, 5000, 20000],
      check: false,
      keep: false,
      method: undefined,
      planSizes: [500, 5000, 20000],
      usersPerStack: undefined,
    });
    expect(parseArgs(["--plan-sizes", "100,2000", "--users-per-stack=400"])).toMatchObject({ planSizes: [100, 2000], usersPerStack: 400 });
    expect(parseArgs(["--no-plan-cost"]).planSizes).toEqual([]);
    expect(() => parseArgs(["--users-per-stack", "0"])).toThrow(/--users-per-stack/);
    expect(() => parseArgs(["--plan-sizes", "x"])).toThrow(/--plan-sizes/);
    expect(parseArgs(["--runs", "5", "--sizes=5,5000", "--check", "--method", "preload"])).toMatchObject({
      runs: 5,
      sizes: [5, 5000],
      check: true,
      method: "preload",
    });
    expect(() => parseArgs(["--runs", "0"])).toThrow(/--runs/);
    expect(() => parseArgs(["--bogus"])).toThrow(/unknown argument/);
    expect(countSynthesizedUsers({ resource: { aws_connect_user: { connect_users: { for_each: { a: {}, b: {} } } } } })).toBe(2);
    expect(countSynthesizedUsers({ resource: {} })).toBeUndefined();

    const baseline = { seconds: [0.3, 0.4, 0.5], cpuSeconds: [0.3, 0.3, 0.3], rssKiB: [64 * 1024, 64 * 1024, 64 * 1024] };
    const row = toRow(5000, { seconds: [5, 3, 4], cpuSeconds: [4, 4, 4], rssKiB: [200 * 1024, 210 * 1024, 205 * 1024] }, baseline, 2_300_000);
    expect(row).toMatchObject({ seconds: 4, ratio: 10, rssMiB: 205, ratioMet: true, rssMet: true });
    const table = formatTable([row]);
    expect(table).toContain("5,000");
    expect(table).toContain("10.0x");
  });

  test("the generated environment with users stacks loads with that sharding", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    try {
      writeEnvironmentDir(dir, 30, undefined, { stacks: 3, usersPerStack: 500 });
      const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
      expect(problems).toEqual([]);
      expect(environments[0].sharding).toEqual({ stacks: 3, usersPerStack: 500 });
      expect(environmentYaml(3)).not.toContain("sharding");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("plan-cost rows from synthesized stacks: every stack priced, the PR plan is the largest users stack's", () => {
    const single = planCostRow(120, 0, synthGenerated(120));
    const split = planCostRow(120, 2, synthGenerated(120, 2));
    // One stack: 120 user reads + instance check (8) + 4 security and 5 routing profile look-ups (3 each).
    expect(single).toMatchObject({
      users: 120,
      usersStacks: 0,
      connect: 155,
      largestStack: "main",
      largestUsers: 120,
      largestCalls: 155,
      prSecondsNoRefresh: 15,
      otherCalls: 9,
    });
    expect(single.minutes).toBeCloseTo(150 / 2 / 60, 10);
    expect(split.connect).toBe(8 + 2 * 35 + 120);
    expect(split.largestStack).toMatch(/^users-[12]$/);
    expect(split.prMinutes).toBe(split.largestMinutes);
    expect(split.otherCalls).toBe(9 + 2);
    expect(() => planCostRow(121, 0, synthGenerated(120))).toThrow(/hold 120 users, expected 121/);
    const table = formatPlanCostTable([single, split]);
    expect(table).toContain("main + 2 users stacks");
    expect(table).toContain("| 1 stack ");
  });

  test("reads every synthesized stack of the bench environment, users stacks in number order", () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
    try {
      for (const name of ["connect-sso-bench-users-10", "connect-sso-bench", "connect-sso-bench-users-2", "connect-sso-other"]) {
        fs.mkdirSync(path.join(out, "stacks", name), { recursive: true });
        fs.writeFileSync(
          path.join(out, "stacks", name, "cdk.tf.json"),
          JSON.stringify({ data: { aws_connect_instance: { connect_instance: { instance_id: "x" } } } }),
        );
      }
      const stacks = readSynthesizedStacks(out);
      expect(Object.keys(stacks)).toEqual(["connect-sso-bench", "connect-sso-bench-users-2", "connect-sso-bench-users-10"]);
      expect(connectCallsPerPlan(stacks["connect-sso-bench"])).toBe(8);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
