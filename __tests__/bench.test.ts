/**
 * The bench (lib/devtools/bench) without timing (`npm run bench` measures): its arguments, generated
 * environments, measuring, report, and the plan-cost table it prices with.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { loadEnvironments } from "../lib/config/load";
import { parseBenchArgs, USAGE } from "../lib/devtools/bench/args";
import { writeEnvironmentDir } from "../lib/devtools/bench/environments";
import { appTypeChecks, countSynthesizedUsers, Meter, readSynthesizedStacks } from "../lib/devtools/bench/measure";
import { formatPlanCostSection, formatTable, median, planCostRow, targetVerdict, toRow } from "../lib/devtools/bench/report";
import { runBench } from "../lib/devtools/bench/run";
import { costTableMarkdown } from "../lib/devtools/plan-cost/markdown";
import { connectCallsPerPlan, recommendedUsersPerStack } from "../lib/devtools/plan-cost/model";
import { COST_TABLE, readCostTable } from "../lib/devtools/plan-cost/table";
import { environmentStacks } from "../stacks";
import { TEST_NOW, testApp } from "./support/environments";
import { describeIfTools } from "./support/tools";

function withTempDir<T>(body: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-test-"));
  try {
    return body(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The generated environment (with optional users stacks) loaded and synthesized in-process: stack name → Terraform JSON. */
function synthGenerated(users: number, stacks?: number): Record<string, unknown> {
  return withTempDir((dir) => {
    writeEnvironmentDir(dir, users, stacks === undefined ? undefined : { stacks, usersPerStack: 1000 });
    const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    const app = testApp();
    return Object.fromEntries(environmentStacks(app, environments[0]).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as unknown]));
  });
}

/** Every line of a padded table has the same length: the columns line up. */
function expectAligned(table: string): void {
  const lengths = new Set(table.split("\n").map((line) => line.length));
  expect({ table, distinctLineLengths: lengths.size }).toEqual({ table, distinctLineLengths: 1 });
}

describe("bench arguments", () => {
  test("GIVEN no arguments WHEN parsed THEN the documented defaults apply", () => {
    expect(parseBenchArgs([])).toEqual({ runs: 3, sizes: [5, 500, 5000, 20000], check: false, keep: false, planSizes: [500, 5000, 20000] });
  });

  test("GIVEN every flag, with values inline or separate WHEN parsed THEN each lands in its field", () => {
    expect(
      parseBenchArgs(["--runs", "5", "--sizes=5,5000", "--check", "--keep", "--method", "preload", "--plan-sizes", "100,2000", "--users-per-stack=400"]),
    ).toEqual({
      runs: 5,
      sizes: [5, 5000],
      check: true,
      keep: true,
      method: "preload",
      planSizes: [100, 2000],
      usersPerStack: 400,
    });
  });

  test("GIVEN --no-plan-cost and --plan-sizes WHEN parsed THEN the later one wins", () => {
    expect(parseBenchArgs(["--plan-sizes", "100", "--no-plan-cost"])).toMatchObject({ planSizes: [] });
    expect(parseBenchArgs(["--no-plan-cost", "--plan-sizes", "100"])).toMatchObject({ planSizes: [100] });
  });

  test("GIVEN --help or -h WHEN parsed THEN it asks for the usage", () => {
    expect(parseBenchArgs(["--help"])).toBe("help");
    expect(parseBenchArgs(["--runs", "2", "-h"])).toBe("help");
  });

  test.each([
    [["--runs", "0"], '--runs "0": allowed: a whole number >= 1'],
    [["--runs", "1.5"], '--runs "1.5": allowed: a whole number >= 1'],
    [["--runs"], "--runs needs a value"],
    [["--sizes", "5,x"], '--sizes "5,x": allowed: comma-separated whole numbers 1..99999'],
    [["--plan-sizes", "100000"], '--plan-sizes "100000": allowed: comma-separated whole numbers 1..99999'],
    [["--users-per-stack", "0"], '--users-per-stack "0": allowed: a whole number 1..99999'],
    [["--method", "perf"], '--method "perf": allowed: time | preload'],
    [["--check=yes"], "--check takes no value"],
    [["--bogus"], 'unknown argument "--bogus"'],
    [["--toString"], 'unknown argument "--toString"'],
    [["5000"], 'unknown argument "5000"'],
    [["--", "--runs", "1"], 'unknown argument "--"'],
    [["--check", "--sizes", "5,500"], "--check needs 5000 among --sizes"],
  ])("GIVEN %j WHEN parsed THEN it is refused: %s", (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  test("GIVEN bad arguments WHEN the bench runs THEN it exits 2 with the problem and the usage on stderr, nothing else, no trace", () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(runBench(["--runs", "zero"], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([`bench: --runs "zero": allowed: a whole number >= 1\n${USAGE}`]);
  });

  test("GIVEN --help WHEN the bench runs THEN it prints the usage and exits 0 without running anything", () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(runBench(["--help"], { out: (l) => out.push(l), err: (l) => err.push(l) })).toBe(0);
    expect(out).toEqual([USAGE]);
    expect(err).toEqual([]);
  });
});

describe("bench environments", () => {
  test("GIVEN 120 users WHEN the generated environment loads THEN it has no problems and every user, with desk phones, non-ASCII names and several profiles", () => {
    withTempDir((dir) => {
      writeEnvironmentDir(dir, 120);
      const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
      expect(problems).toEqual([]);
      expect(environments.map((e) => e.name)).toEqual(["bench"]);
      const users = environments[0].users;
      expect(users.map((u) => u.username)).toEqual(Array.from({ length: 120 }, (_, i) => `agent${String(i + 1).padStart(5, "0")}@example.com`));
      expect(users.filter((u) => u.phoneType === "DESK_PHONE").length).toBe(12);
      expect(users.some((u) => /[^\p{ASCII}]/u.test(u.firstName + u.lastName))).toBe(true);
      expect(new Set(users.map((u) => u.routingProfile)).size).toBeGreaterThan(1);
      expect(environments[0].sharding.stacks).toBe(0);
    });
  });

  test("GIVEN sharding WHEN the generated environment loads THEN it has that sharding", () => {
    withTempDir((dir) => {
      writeEnvironmentDir(dir, 30, { stacks: 3, usersPerStack: 500 });
      const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
      expect(problems).toEqual([]);
      expect(environments[0].sharding).toEqual({ stacks: 3, usersPerStack: 500 });
    });
  });
});

describe("bench measuring", () => {
  // A child that touches 64 MiB, then fails: its usage must still be recorded, and its exit status kept.
  const ALLOCATE_AND_FAIL = `node -e "Buffer.alloc(64 * 1024 * 1024, 1); process.exit(3)"`;

  const expectMeasured = (meter: Meter) => {
    const m = meter.run(ALLOCATE_AND_FAIL);
    expect({ status: m.status, stderr: m.stderr }).toEqual({ status: 3, stderr: "" });
    expect(m.maxRssKiB).toBeGreaterThanOrEqual(64 * 1024);
    expect(m.cpuSeconds).toBeGreaterThan(0);
    expect(m.seconds).toBeGreaterThan(0);
  };

  test("GIVEN the preload method WHEN a child allocates and fails THEN its peak RSS, CPU time and exit status are recorded", () => {
    withTempDir((dir) => {
      const meter = Meter.create("preload", dir);
      expect(meter.method).toBe("preload");
      expectMeasured(meter);
    });
  });

  const gnuTime = withTempDir((dir) => Meter.gnuTimeWorks(dir));
  describeIfTools("with GNU time", [gnuTime ? undefined : "GNU /usr/bin/time with -f and -o is not available"], () => {
    test("GIVEN no method WHEN GNU time works THEN it is chosen, and a child that allocates and fails is measured through it", () => {
      withTempDir((dir) => {
        const meter = Meter.create(undefined, dir);
        expect(meter.method).toBe("time");
        expectMeasured(meter);
      });
    });
  });

  test("GIVEN app commands WHEN asked whether they type-check THEN tsc and plain ts-node do, tsx and transpile-only do not", () => {
    expect(appTypeChecks("node --import tsx main.ts")).toBe(false);
    expect(appTypeChecks("npx ts-node main.ts")).toBe(true);
    expect(appTypeChecks("npx ts-node --transpile-only main.ts")).toBe(false);
    expect(appTypeChecks("npx tsc && node main.js")).toBe(true);
  });

  test("GIVEN synthesized Terraform JSON WHEN users are counted THEN the keys of connect_users' for_each count, and none without it", () => {
    expect(countSynthesizedUsers({ resource: { aws_connect_user: { connect_users: { for_each: { a: {}, b: {} } } } } })).toBe(2);
    // As the stacks write it: the map in a local.
    expect(
      countSynthesizedUsers({
        locals: { connect_users: { a: {} } },
        resource: { aws_connect_user: { connect_users: { for_each: "${local.connect_users}" } } },
      }),
    ).toBe(1);
    expect(countSynthesizedUsers({ resource: {} })).toBeUndefined();
  });

  test("GIVEN an output folder WHEN its stacks are read THEN only the bench environment's come back, main first, users stacks in number order", () => {
    withTempDir((out) => {
      for (const name of ["connect-sso-bench-users-10", "connect-sso-bench", "connect-sso-bench-users-2", "connect-sso-other", "connect-sso-bench-bootstrap"]) {
        fs.mkdirSync(path.join(out, "stacks", name), { recursive: true });
        fs.writeFileSync(
          path.join(out, "stacks", name, "cdk.tf.json"),
          JSON.stringify({ data: { aws_connect_instance: { connect_instance: { instance_id: "x" } } } }),
        );
      }
      const stacks = readSynthesizedStacks(out);
      expect(Object.keys(stacks)).toEqual(["connect-sso-bench", "connect-sso-bench-users-2", "connect-sso-bench-users-10"]);
      expect(connectCallsPerPlan(stacks["connect-sso-bench"])).toBe(8);
    });
  });
});

describe("bench report", () => {
  test("GIVEN runs WHEN medians are taken THEN odd and even counts work and nothing is refused", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(() => median([])).toThrow(/median of nothing/);
  });

  test("GIVEN 5,000-user runs at 10x the baseline and 205 MiB WHEN reported THEN the targets are met and the table lines up", () => {
    const baseline = { seconds: [0.3, 0.4, 0.5], cpuSeconds: [0.3, 0.3, 0.3], rssKiB: [64 * 1024, 64 * 1024, 64 * 1024] };
    const row = toRow(5000, { seconds: [5, 3, 4], cpuSeconds: [4, 4, 4], rssKiB: [200 * 1024, 210 * 1024, 205 * 1024] }, baseline, 2_300_000);
    expect(row).toMatchObject({ seconds: 4, ratio: 10, rssMiB: 205, ratioMet: true, rssMet: true, bestRatio: 10 });
    const small = toRow(5, { seconds: [0.6, 0.6, 0.6], cpuSeconds: [0.5, 0.5, 0.5], rssKiB: [90 * 1024, 90 * 1024, 90 * 1024] }, baseline, 900);
    const table = formatTable([small, row]);
    expect(table).toContain("| 5,000 |");
    expect(table).toContain("10.0x");
    expect(table).toContain("2.19 MiB");
    expect(table).toContain("yes (no target)");
    expectAligned(table);
    expect(targetVerdict([small, row], 3, true)).toEqual({
      line: expect.stringMatching(/^targets for 5,000 users: synth 10\.0x .*met.*205 MiB/),
      failed: false,
    });
  });

  test("GIVEN a missed target WHEN judged THEN only --check fails the run, and without a 5,000-user row nothing is judged", () => {
    const baseline = { seconds: [1], cpuSeconds: [1], rssKiB: [64 * 1024] };
    const slow = toRow(5000, { seconds: [11], cpuSeconds: [10], rssKiB: [100 * 1024] }, baseline, 1);
    expect(targetVerdict([slow], 1, false)).toEqual({ line: expect.stringContaining("MISSED"), failed: false });
    expect(targetVerdict([slow], 1, true)).toEqual({ line: expect.stringContaining("--check: failing"), failed: true });
    expect(targetVerdict([], 1, true)).toEqual({ line: "(no 5000-user run: targets not evaluated)", failed: false });
  });

  test("GIVEN 120 users in one stack and in two users stacks WHEN priced THEN every stack counts and the PR plan is the largest users stack's", () => {
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

    const advice = recommendedUsersPerStack({ fixedCalls: 35 });
    const section = formatPlanCostSection([single, split], { size: 500, given: false, advice, fixedCalls: 35 });
    const table = section.find((block) => block.includes(" layout "));
    expect(table).toContain("main + 2 users stacks");
    expect(table).toContain("| 1 stack ");
    expectAligned(table!);
    expect(section).toContain(costTableMarkdown());
    expect(section.join("\n")).toContain("500 + 3 sqrt(500) + 35 = 603 <= 605");
    // 120 users fit one users stack of 500, so all 120 arrive there, each listing the 120-user instance (2 pages) and describing one user.
    expect(section.join("\n")).toContain("3 Connect calls per moving user per plan with 120 users");
    expect(section.join("\n")).toContain("120 users from 1 stack to 1: about 120 arrivals per users stack = 360 extra calls");
    expect(formatPlanCostSection([single], { size: 50, given: true, advice, fixedCalls: 35 }).join("\n")).toContain(
      "users stack size: 50 (--users-per-stack; the model recommends 500)",
    );
  });
});

describe("plan-cost table (lib/devtools/plan-cost/hashicorp-aws-5.100.0.json)", () => {
  const good = () => ({
    provider: "hashicorp/aws 5.100.0",
    description: "",
    pageSizes: { connect: 60, connectInstances: 10 },
    rows: [
      { block: "data", type: "aws_connect_instance", selectedBy: "instance_id", api: "connect", calls: { DescribeInstance: 1 } },
      { block: "data", type: "aws_connect_instance", api: "connect", calls: { ListInstances: { pages: "instances", pageSize: "connectInstances" } } },
    ],
  });

  test("GIVEN the shipped table WHEN loaded THEN every row has calls, and page sizes are resolved to numbers", () => {
    expect(COST_TABLE.length).toBeGreaterThan(10);
    expect(COST_TABLE.every((r) => Object.keys(r.calls).length > 0)).toBe(true);
    expect(COST_TABLE.find((r) => r.block === "data" && r.type === "aws_connect_user")?.calls).toEqual({
      ListUsers: { pages: "users", pageSize: 60 },
      DescribeUser: 1,
    });
    expect(readCostTable(good(), "t.json").rows[1]).toMatchObject({ when: "every plan", calls: { ListInstances: { pages: "instances", pageSize: 10 } } });
  });

  test.each([
    ["an unknown API", (t: any) => (t.rows[0].api = "connect-v2"), /t\.json is not a cost table.*\n {2}rows\.0\.api: /],
    ["an unknown inventory count", (t: any) => (t.rows[1].calls.ListInstances.pages = "queues"), /rows\.1\.calls\.ListInstances: allowed: /],
    ["an unknown key", (t: any) => (t.rows[0].perPlan = true), /rows\.0: .*perPlan/],
    ["a row without operations", (t: any) => (t.rows[0].calls = {}), /rows\.0\.calls: no operations/],
    [
      "a row behind one that takes every such block",
      (t: any) => t.rows.reverse(),
      /rows\.1: unreachable: row 0 already prices every data aws_connect_instance$/m,
    ],
  ])("GIVEN a table with %s WHEN loaded THEN it is refused, naming where", (_what, spoil, message) => {
    const table = good();
    spoil(table);
    expect(() => readCostTable(table, "t.json")).toThrow(message);
  });

  test("GIVEN the table WHEN rendered as Markdown THEN one line per row says how each operation is counted", () => {
    const lines = costTableMarkdown().split("\n");
    expect(lines).toHaveLength(COST_TABLE.length + 2);
    expect(lines).toContain(
      "| data `aws_connect_user` (by name) | connect | every plan | ListUsers x ceil(users on the instance / 60), DescribeUser (every page, even when the name is on the first: the provider lists all, then filters) |",
    );
    expect(lines.find((l) => l.startsWith("| `aws_iam_role` |"))).toContain("GetRolePolicy x aws_iam_role_policy instances");
  });
});
