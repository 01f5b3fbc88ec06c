/**
 * The bulk path's cost model (lib/devtools/plan-cost/bulk.ts) and the bench's fast-path table, on
 * synthesized stacks (no tools): the figures `npm run bench` prints for 500, 5,000 and 20,000
 * users and the target. The calls themselves are proven on the fake by
 * __tests__/integration/plan-cost.test.ts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing } from "cdktf";
import { loadEnvironments } from "../lib/config/load";
import { writeEnvironmentDir } from "../lib/devtools/bench/environments";
import { fastPathRow, formatFastPathSection } from "../lib/devtools/bench/report";
import { bulkReadCalls, FAST_PATH_TARGET_CALLS, fastDriftCost, fastRefreshCost, secondaryEmailUsers } from "../lib/devtools/plan-cost/bulk";
import { planCost } from "../lib/devtools/plan-cost/model";
import { environmentStacks } from "../stacks";
import { exampleEnvironment, TEST_NOW, testApp } from "./support/environments";

type Tf = Record<string, any>;

const MAIN = "connect-sso-bench";

/** The bench's generated environment of `users` users, synthesized in-process: stack name → Terraform JSON. */
function synthGenerated(users: number): Record<string, Tf> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-cost-bulk-"));
  try {
    writeEnvironmentDir(dir, users);
    const { environments, problems } = loadEnvironments({ dir, now: TEST_NOW, cwd: dir });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    return Object.fromEntries(environmentStacks(testApp(), environments[0]).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Tf]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const generated500 = synthGenerated(500);

/**
 * The 500-user bench stack with its users repeated to `users` (user i is user ((i - 1) mod 500) + 1
 * under its own name): the same profiles and, since 500 is a multiple of 25, the generator's one
 * secondary email in 25. Synthesizing 20,000 users takes minutes; the price depends only on these.
 */
function scaled(users: number): Record<string, Tf> {
  const stack = structuredClone(generated500[MAIN]);
  const source = Object.values(stack.locals.connect_users as Record<string, unknown>);
  stack.locals.connect_users = Object.fromEntries(
    Array.from({ length: users }, (_, i) => [`agent${String(i + 1).padStart(5, "0")}@example.com`, source[i % source.length]]),
  );
  return { ...generated500, [MAIN]: stack };
}

describe("the bulk path's cost model", () => {
  test("GIVEN users on the instance WHEN the bulk read is priced THEN SearchUsers pages by 100 (or the page size given), ListUsers pages by 1,000 only when a user is missing", () => {
    expect(bulkReadCalls({ usersOnInstance: 0, secondaryEmails: 0 })).toEqual({ SearchUsers: 1, ListUsers: 0, DescribeUser: 0 });
    expect(bulkReadCalls({ usersOnInstance: 20_000, secondaryEmails: 800 })).toEqual({ SearchUsers: 200, ListUsers: 0, DescribeUser: 800 });
    expect(bulkReadCalls({ usersOnInstance: 20_001, secondaryEmails: 0, pageSize: 500, missingUsers: 2 })).toEqual({
      SearchUsers: 41,
      ListUsers: 21,
      DescribeUser: 0,
    });
    expect(() => bulkReadCalls({ usersOnInstance: 10, secondaryEmails: 0, pageSize: 501 })).toThrow(/pageSize 501: allowed: a whole number 1\.\.500/);
    expect(() => bulkReadCalls({ usersOnInstance: 10, secondaryEmails: 0, pageSize: 0 })).toThrow(/pageSize 0: allowed: a whole number 1\.\.500/);
    expect(() => bulkReadCalls({ usersOnInstance: 10, secondaryEmails: 11 })).toThrow(/secondaryEmails 11: allowed: a whole number 0\.\.10/);
    expect(() => bulkReadCalls({ usersOnInstance: -1, secondaryEmails: 0 })).toThrow(/usersOnInstance -1/);
  });

  test("GIVEN the generated users WHEN secondary emails are counted THEN one in 25 sets one; a for_each without secondary_email is refused", () => {
    expect(secondaryEmailUsers(generated500[MAIN])).toBe(20);
    expect(secondaryEmailUsers({ resource: {} })).toBe(0);
    const broken = structuredClone(generated500[MAIN]);
    broken.locals.connect_users = { "a@example.com": { first_name: "A" } };
    expect(() => secondaryEmailUsers(broken)).toThrow(/cannot tell which users of aws_connect_user\.connect_users set a secondary email/);
  });

  test("GIVEN -target WHEN priced THEN only the targets and what they reference are read", () => {
    const dev = Testing.synth(environmentStacks(testApp(), exampleEnvironment("dev")).find((s) => s.node.id === "connect-sso-dev")!);
    // The role pulls in the SAML provider it trusts, and no Connect look-up.
    expect(planCost(dev, { targets: { "aws_iam_role.federation_role": "all" } }).byOperation).toEqual({
      "sts:GetCallerIdentity": 1,
      "iam:GetRole": 1,
      "iam:ListRolePolicies": 1,
      "iam:GetRolePolicy": 1,
      "iam:ListAttachedRolePolicies": 1,
      "iam:GetSAMLProvider": 1,
    });
    // One user of two: its DescribeUser, the instance check and every profile look-up it references.
    const oneUser = planCost(dev, { targets: { "aws_connect_user.connect_users": 1 } });
    expect(oneUser.connect).toBe(planCost(dev).connect - 1);
    expect(oneUser.byOperation["connect:DescribeUser"]).toBe(1);
    expect(oneUser.byApi.iam).toBe(0);
    expect(() => planCost(dev, { targets: { "aws_connect_user.connect_users": 3 } })).toThrow(/3 instances targeted, but the block has 2/);
    expect(() => planCost(dev, { targets: { "aws_connect_queue.q": "all" } })).toThrow(/-target=aws_connect_queue\.q: this stack has no such resource block/);
    expect(() => planCost(dev, { targets: { "data.aws_connect_instance.connect_instance": "all" } })).toThrow(/no such resource block/);
    const withImport = { ...JSON.parse(dev), import: [{ to: "aws_iam_role.federation_role", id: "x" }] };
    expect(() => planCost(withImport, { targets: { "aws_iam_role.federation_role": "all" } })).toThrow(
      /targeted plan of a stack with import blocks is not modelled/,
    );
  });

  test("GIVEN 500 users WHEN fast drift and fast refresh are priced THEN each step is listed and a changed user adds its look-ups once", () => {
    const drift = fastDriftCost(generated500);
    expect(drift.bulkRead).toEqual({ SearchUsers: 5, ListUsers: 0, DescribeUser: 20 });
    expect(drift.terraform.map((t) => [t.stack, t.command.split(" -target")[0], t.cost.connect])).toEqual([[MAIN, "plan -refresh-only", 0]]);
    const refresh = (changedUsers: number) => fastRefreshCost(MAIN, generated500[MAIN], { changedUsers });
    expect(refresh(0).terraform.map((t) => [t.command.split(" -target")[0], t.cost.connect])).toEqual([
      ["apply -refresh-only", 0],
      ["plan -refresh=false", 35],
    ]);
    expect([refresh(0).connect, refresh(1).connect, refresh(2).connect]).toEqual([60, 96, 97]);
    expect(() => refresh(501)).toThrow(/changedUsers 501: allowed: a whole number 0\.\.500/);
    expect(fastDriftCost(generated500, { usersOnInstance: 1000, missingUsers: 1 }).bulkRead).toEqual({ SearchUsers: 10, ListUsers: 1, DescribeUser: 20 });
  });
});

describe("the bench's fast-path table", () => {
  const rows = [500, 5000, 20_000].map((users) => fastPathRow(users, users === 500 ? generated500 : scaled(users)));

  test("GIVEN 500, 5,000 and 20,000 users in one stack WHEN priced THEN a full refresh costs a call per user and the bulk path users / 100 plus the secondary emails", () => {
    expect(rows).toEqual([
      { users: 500, fullCalls: 535, driftCalls: 25, refreshCalls: 60, unavoidable: 20, maxChangedUsers: 500 },
      { users: 5000, fullCalls: 5035, driftCalls: 250, refreshCalls: 285, unavoidable: 200, maxChangedUsers: 480 },
      { users: 20_000, fullCalls: 20_035, driftCalls: 1000, refreshCalls: 1035, unavoidable: 800, maxChangedUsers: 330 },
    ]);
  });

  test("GIVEN 20,000 users WHEN the target is checked THEN both fast figures are within 600 calls plus the unavoidable DescribeUser calls, and 330 changed users still fit", () => {
    const big = rows[2];
    expect(big.driftCalls - big.unavoidable).toBeLessThanOrEqual(FAST_PATH_TARGET_CALLS);
    // 200 SearchUsers + 35 look-ups of the plan + 35 of the targeted apply + 330 DescribeUser = 600.
    expect(fastRefreshCost(MAIN, scaled(20_000)[MAIN], { changedUsers: big.maxChangedUsers }).connect - big.unavoidable).toBe(FAST_PATH_TARGET_CALLS);
    const section = formatFastPathSection(rows).join("\n");
    expect(section).toContain(
      "target for 20,000 users: at most 600 Connect calls plus the unavoidable DescribeUser calls: fast drift 1,000 = 200 + 800 DescribeUser (met); " +
        "fast-refresh plan 1,035 = 235 + 800 DescribeUser (met), and still within it with up to 330 users changed outside Terraform",
    );
    const table = section.split("\n").filter((l) => l.startsWith("|"));
    expect(table).toHaveLength(2 + 3);
    expect(new Set(table.map((l) => l.length)).size).toBe(1);
    expect(table[4]).toMatch(/^\| +20,000 \| +20,035 \| +166\.9 \| +1,000 \| +8\.3 \| +1,035 \| +8\.6 \| +800 \| +330 \|$/);
  });

  test("GIVEN a fast figure over the target WHEN judged THEN the verdict says MISSED", () => {
    const missed = formatFastPathSection([{ users: 100, fullCalls: 135, driftCalls: 700, refreshCalls: 735, unavoidable: 0, maxChangedUsers: 0 }]).join("\n");
    expect(missed).toContain("fast drift 700 = 700 + 0 DescribeUser (MISSED)");
    expect(formatFastPathSection([])).toEqual([]);
  });
});
