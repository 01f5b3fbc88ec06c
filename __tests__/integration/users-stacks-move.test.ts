/**
 * A change of the number of users stacks, for real: users applied in the main stack move to two
 * users stacks. The plans forget them in the old stack and import them in the new ones, nothing is
 * deleted (the gate passes without consent: each forget is a move), every Connect user keeps its ID, and after
 * the move (and after previousStacks is removed) every stack plans no changes.
 */
import type { Environment } from "../../lib/config/environment";
import type { PlanJson } from "../../lib/tools/plan/format";
import { reviewPlan } from "../../lib/tools/review/classify";
import { gate } from "../../lib/tools/review/gate";
import { stackOf, usersStackName } from "../../lib/rules/sharding";
import { environmentStacks } from "../../stacks";
import { exampleEnvironment, testApp } from "../support/environments";
import { startSandbox, type Sandbox, type Workspace } from "../support/sandbox";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const base = exampleEnvironment("dev");
const NAMES = Array.from({ length: 8 }, (_, i) => `agent${i}@example.com`);
const unsharded: Environment = {
  ...base,
  users: NAMES.map((username, i) => ({ ...base.users[i % 2], username })),
  sharding: { stacks: 0, usersPerStack: 500 },
};
const moving: Environment = { ...unsharded, sharding: { stacks: 2, previousStacks: 0, usersPerStack: 500 } };
const settled: Environment = { ...unsharded, sharding: { stacks: 2, usersPerStack: 500 } };

/** Synthesized JSON of every stack of an environment, by stack name. */
function stacksOf(env: Environment): Record<string, string> {
  return Object.fromEntries(environmentStacks(testApp(), env).map((s) => [s.node.id, JSON.stringify(s.toTerraform())]));
}

/** Actions planned for each Connect user, by user name. */
function userActions(plan: PlanJson): Record<string, string> {
  return Object.fromEntries(
    (plan.resource_changes ?? [])
      .filter((rc) => rc.type === "aws_connect_user" && rc.mode === "managed")
      .map((rc) => [String(rc.index), rc.change.importing ? "import" : rc.change.actions.join(",")]),
  );
}

describeIfTools("moving users between stacks on the fake (real terraform)", missingSandboxTools(), () => {
  let sandbox: Sandbox | undefined;
  let main: Workspace;
  let ids: Record<string, string>;
  const users1 = NAMES.filter((n) => stackOf(n, 2) === 1).sort();
  const users2 = NAMES.filter((n) => stackOf(n, 2) === 2).sort();

  beforeAll(async () => {
    sandbox = await startSandbox(unsharded);
    main = await sandbox.workspace("main", stacksOf(unsharded)["connect-sso-dev"]);
    await main.apply();
    ids = Object.fromEntries(sandbox.fake.users(sandbox.instanceId!).map((u) => [u.Username, u.Id]));
  }, 180_000);
  afterAll(() => sandbox?.stop(), 60_000);

  test("GIVEN 8 users in the main stack WHEN they are split over 2 users stacks THEN both stacks get some", () => {
    expect(Object.keys(ids).sort()).toEqual([...NAMES].sort());
    expect(users1.length).toBeGreaterThan(0);
    expect(users2.length).toBeGreaterThan(0);
  });

  test("GIVEN the move WHEN every stack is planned and applied THEN the main stack forgets, users stacks import, nothing is deleted, IDs stay", async () => {
    const stacks = stacksOf(moving);
    const mainMove = await sandbox!.workspace("main-move", stacks["connect-sso-dev"], { stateFrom: main });
    const one = await sandbox!.workspace("users-1", stacks[usersStackName("dev", 1)]);
    const two = await sandbox!.workspace("users-2", stacks[usersStackName("dev", 2)]);

    const [mainPlan, plan1, plan2] = await Promise.all([mainMove.plan(), one.plan(), two.plan()]);
    expect(userActions(mainPlan.json)).toEqual(Object.fromEntries(NAMES.map((n) => [n, "forget"])));
    expect(userActions(plan1.json)).toEqual(Object.fromEntries(users1.map((n) => [n, "import"])));
    expect(userActions(plan2.json)).toEqual(Object.fromEntries(users2.map((n) => [n, "import"])));
    for (const plan of [mainPlan, plan1, plan2]) {
      expect((plan.json.resource_changes ?? []).filter((rc) => rc.change.actions.includes("delete"))).toEqual([]);
    }
    const result = gate(
      [
        { stack: "connect-sso-dev", review: reviewPlan(mainPlan.json) },
        { stack: usersStackName("dev", 1), review: reviewPlan(plan1.json) },
        { stack: usersStackName("dev", 2), review: reviewPlan(plan2.json) },
      ],
      [],
      [],
    );
    expect(result.gated).toEqual([]);
    expect(result.moves.map((m) => `${m.user} → ${m.to}`).sort()).toEqual(NAMES.map((n) => `${n} → ${usersStackName("dev", stackOf(n, 2))}`).sort());

    // Receiving stacks first (the users are still in the main stack's state), then the main stack.
    await one.apply(plan1);
    await two.apply(plan2);
    await mainMove.apply(mainPlan);
    expect(Object.fromEntries(sandbox!.fake.users(sandbox!.instanceId!).map((u) => [u.Username, u.Id]))).toEqual(ids);

    for (const ws of [mainMove, one, two]) expect((await ws.plan()).exitCode).toBe(0);

    // previousStacks removed: the same state plans no changes (no look-ups, no blocks left).
    const after = stacksOf(settled);
    for (const [ws, name] of [
      [mainMove, "connect-sso-dev"],
      [one, usersStackName("dev", 1)],
      [two, usersStackName("dev", 2)],
    ] as const) {
      const settledWs = await sandbox!.workspace(`${name}-settled`, after[name], { stateFrom: ws });
      expect((await settledWs.plan()).exitCode).toBe(0);
    }
  }, 420_000);
});
