/**
 * Hierarchy groups and per-user tags with real terraform against the loopback fake (issue 10 items 1
 * and 2). The fake holds a tree with "Team A" and "Team B" under Americas/Seattle and a "Team C" under
 * both Europe/Dublin and Americas/Seattle. Each scenario has its own workspace and user names; plans
 * and applies target the users (the IAM part is moto's and is proven elsewhere).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "../support/env-text";
import { writeProviderOverride } from "../support/fake";
import { startSandbox, type Sandbox, type Workspace } from "../support/sandbox";
import { describeIfTools, missingSandboxTools } from "../support/tools";
import type { Environment } from "../../lib/config/environment";
import { reviewPlan } from "../../lib/tools/review/classify";
import { gate } from "../../lib/tools/review/gate";
import { renderRun } from "../../lib/tools/review/markdown";
import { asPlan } from "../../lib/tools/plan/read";
import { refreshDrift } from "../../lib/tools/drift";
import { ignoredFields } from "../../lib/tools/drift/compare";
import type { PlanJson } from "../../lib/tools/plan/format";

const INSTANCE = "3b9d2c41-6e7f-4a8b-9c0d-1e2f3a4b5c6d";
const USERS = ["-target=aws_connect_user.connect_users", "-target=aws_connect_user.connect_users_console_group"];
const STACK = "connect-sso-hierarchy";

interface UserLine {
  readonly username: string;
  readonly hierarchyGroup?: string;
  readonly tags?: Record<string, string>;
}

/** An environment of these users on INSTANCE; `more` adds top-level keys. */
function environment(
  users: UserLine[],
  manageHierarchyGroups: boolean,
  more: Record<string, unknown> = {},
  hierarchyGroupIds?: Record<string, string>,
): Environment {
  const { environment, problems } = parse(
    {
      account: "111122223333",
      region: "us-west-2",
      connect: { instanceId: INSTANCE, manageHierarchyGroups, ...(hierarchyGroupIds ? { hierarchyGroupIds } : {}) },
      ssoApplication: { displayName: "Amazon Connect (hierarchy)", metadataFile: "metadata/hierarchy.xml" },
      users: users.map((u) => ({ firstName: "Test", lastName: "User", securityProfiles: ["Agent"], routingProfile: "Basic Routing Profile", ...u })),
      ...more,
    },
    { name: "hierarchy" },
  );
  const errors = problems.filter((p) => p.severity === "error");
  if (!environment || errors.length > 0) throw new Error(`test environment refused: ${JSON.stringify(errors)}`);
  return environment;
}

describeIfTools("hierarchy groups and user tags on the fake (real terraform, loopback only)", missingSandboxTools(), () => {
  let sandbox: Sandbox;
  const group: Record<string, string> = {};
  const fake = () => sandbox.fake;
  const groupOf = (username: string) => fake().user(INSTANCE, username)?.HierarchyGroupId;

  const applyUsers = (ws: Workspace) => ws.terraform(["apply", "-input=false", "-auto-approve", ...USERS]);
  /** A workspace of `env`, its users applied. */
  const applied = async (name: string, env: Environment): Promise<Workspace> => {
    const ws = await sandbox.workspace(name, env);
    await applyUsers(ws);
    return ws;
  };
  /** A plan of the users (saved as plan.tfplan), its exit code (0: no change) and its JSON. */
  const plan = async (ws: Workspace) => {
    const planned = await ws.terraform(["plan", "-input=false", "-lock=false", "-detailed-exitcode", "-out=plan.tfplan", ...USERS], [0, 2]);
    const shown = await ws.terraform(["show", "-json", "plan.tfplan"]);
    return { exitCode: planned.code, json: asPlan(JSON.parse(shown.stdout), { targeted: true }) };
  };
  /** A plan of `env` against `ws`'s state, in a new workspace of that state. */
  const planFrom = async (ws: Workspace, name: string, env: Environment) => {
    const next = await sandbox.workspace(name, env, { stateFrom: ws });
    return { ws: next, plan: await plan(next) };
  };
  /** A refresh-only plan of the users (what `npm run drift` reads) and what the workspace's stack leaves to the console. */
  const refreshOnly = async (ws: Workspace) => {
    await ws.terraform(["plan", "-refresh-only", "-input=false", "-lock=false", "-out=drift.tfplan", ...USERS]);
    const shown = await ws.terraform(["show", "-json", "drift.tfplan"]);
    const leftAlone = ignoredFields(JSON.parse(fs.readFileSync(path.join(ws.dir, "cdk.tf.json"), "utf8")));
    return { plan: asPlan(JSON.parse(shown.stdout), { targeted: true }), leftAlone };
  };
  const applyPlan = (ws: Workspace) => ws.terraform(["apply", "-input=false", "plan.tfplan"]);
  const review = (plan: PlanJson) => {
    const r = reviewPlan(plan);
    return renderRun([{ stack: STACK, review: r }], [], gate([{ stack: STACK, review: r }], [], []));
  };

  beforeAll(async () => {
    sandbox = await startSandbox(environment([], false));
    const add = (path: string) => {
      const levels = path.split("/");
      const parent = levels.length > 1 ? group[levels.slice(0, -1).join("/")] : undefined;
      group[path] = fake().addHierarchyGroup(INSTANCE, levels[levels.length - 1], parent).id;
    };
    for (const path of ["Europe", "Europe/Dublin", "Europe/Dublin/Team C", "Americas", "Americas/Seattle"]) add(path);
    for (const team of ["Team A", "Team B", "Team C"]) add(`Americas/Seattle/${team}`);
    // A name holding the path's separator (Connect allows it): written "Sales\/Service" in a path.
    group["Americas/Sales\\/Service"] = fake().addHierarchyGroup(INSTANCE, "Sales/Service", group["Americas"]).id;
  }, 60_000);

  afterAll(() => sandbox?.stop());

  test("GIVEN manageHierarchyGroups false and a group set in the console WHEN drift reads a refresh, then planned and applied THEN it is no drift, the plan shows no change and the group stays", async () => {
    const env = environment([{ username: "una@example.com" }], false);
    const ws = await applied("unmanaged", env);
    fake().setUserHierarchyGroup(INSTANCE, "una@example.com", group["Americas/Seattle/Team A"]);
    // The refresh does read the group: only the stack's ignore_changes keeps it out of drift.
    const refreshed = await refreshOnly(ws);
    expect({
      drift: refreshDrift(refreshed.plan, refreshed.leftAlone),
      refreshedFields: refreshDrift(refreshed.plan, new Map()).drifted.flatMap((d) => d.fields.map((f) => f.field)),
    }).toEqual({ drift: { drifted: [], ignored: 1 }, refreshedFields: ["hierarchy_group_id"] });
    const planned = await plan(ws);
    expect({ exitCode: planned.exitCode, changes: planned.json.resource_changes?.filter((c) => !c.change.actions.includes("no-op")) }).toEqual({
      exitCode: 0,
      changes: [],
    });
    await applyUsers(ws);
    expect(groupOf("una@example.com")).toBe(group["Americas/Seattle/Team A"]);
  }, 240_000);

  test("GIVEN manageHierarchyGroups true WHEN a group is declared, changed and removed THEN Connect follows the file and the review names the groups by path", async () => {
    const first = await applied(
      "managed-1",
      environment([{ username: "ana@example.com", hierarchyGroup: "Americas/Seattle/Team A" }, { username: "ben@example.com" }], true),
    );
    expect({ ana: groupOf("ana@example.com"), ben: groupOf("ben@example.com") }).toEqual({ ana: group["Americas/Seattle/Team A"], ben: undefined });

    const changed = environment(
      [
        { username: "ana@example.com", hierarchyGroup: "Americas/Seattle/Team B" },
        { username: "ben@example.com", hierarchyGroup: "Americas/Seattle/Team A" },
      ],
      true,
    );
    const second = await planFrom(first, "managed-2", changed);
    const markdown = review(second.plan.json);
    expect(markdown).toContain("hierarchy group: `Americas/Seattle/Team A` → `Americas/Seattle/Team B`");
    expect(markdown).toContain("hierarchy group: _(none)_ → `Americas/Seattle/Team A`");
    await applyPlan(second.ws);
    expect({ ana: groupOf("ana@example.com"), ben: groupOf("ben@example.com") }).toEqual({
      ana: group["Americas/Seattle/Team B"],
      ben: group["Americas/Seattle/Team A"],
    });

    // ana's group is none: cleared; the group no one names any more shows as its ID.
    const third = await planFrom(
      second.ws,
      "managed-3",
      environment(
        [
          { username: "ana@example.com", hierarchyGroup: "none" },
          { username: "ben@example.com", hierarchyGroup: "Americas/Seattle/Team A" },
        ],
        true,
      ),
    );
    expect(review(third.plan.json)).toContain(`hierarchy group: \`${group["Americas/Seattle/Team B"]}\` → _(none)_`);
    await applyPlan(third.ws);
    expect({ ana: groupOf("ana@example.com"), ben: groupOf("ben@example.com") }).toEqual({ ana: undefined, ben: group["Americas/Seattle/Team A"] });
    expect((await plan(third.ws)).exitCode).toBe(0);
  }, 400_000);

  test("GIVEN manageHierarchyGroups true WHEN only the supervisor names a group THEN the agents keep the groups set in the console, and a user moves between the two blocks without being re-created", async () => {
    const agent = "ali@example.com";
    const supervisor = "sam@example.com";
    const first = await applied("per-user-1", environment([{ username: agent }, { username: supervisor, hierarchyGroup: "Americas/Seattle" }], true));
    fake().setUserHierarchyGroup(INSTANCE, agent, group["Americas/Seattle/Team B"]);
    const agentId = fake().user(INSTANCE, agent)?.Id;
    // The console's group of the agent is neither drift nor a change.
    const refreshed = await refreshOnly(first);
    expect(refreshDrift(refreshed.plan, refreshed.leftAlone).drifted).toEqual([]);
    expect((await plan(first)).exitCode).toBe(0);

    // The agent's group becomes the file's: the state moves block, the user is updated in place.
    const second = await planFrom(
      first,
      "per-user-2",
      environment(
        [
          { username: agent, hierarchyGroup: "Americas/Seattle/Team A" },
          { username: supervisor, hierarchyGroup: "Americas/Seattle" },
        ],
        true,
      ),
    );
    const moved = second.plan.json.resource_changes?.find((c) => c.address === `aws_connect_user.connect_users["${agent}"]`);
    expect({ from: moved?.previous_address, actions: moved?.change.actions }).toEqual({
      from: `aws_connect_user.connect_users_console_group["${agent}"]`,
      actions: ["update"],
    });
    await applyPlan(second.ws);
    expect(groupOf(agent)).toBe(group["Americas/Seattle/Team A"]);

    // And back to the console: no change at all, and the group stays.
    const third = await planFrom(
      second.ws,
      "per-user-3",
      environment([{ username: agent }, { username: supervisor, hierarchyGroup: "Americas/Seattle" }], true),
    );
    const back = third.plan.json.resource_changes?.find((c) => c.address === `aws_connect_user.connect_users_console_group["${agent}"]`);
    expect({ from: back?.previous_address, actions: back?.change.actions }).toEqual({ from: `aws_connect_user.connect_users["${agent}"]`, actions: ["no-op"] });
    await applyPlan(third.ws);
    expect({ group: groupOf(agent), id: fake().user(INSTANCE, agent)?.Id }).toEqual({ group: group["Americas/Seattle/Team A"], id: agentId });
  }, 400_000);

  /** The words of a plan that must fail. */
  const failedPlan = async (name: string, path: string) => {
    const ws = await sandbox.workspace(name, environment([{ username: "cho@example.com", hierarchyGroup: path }], true));
    const result = await ws.terraform(["plan", "-input=false", "-lock=false", ...USERS], [1]);
    return (result.stdout + result.stderr).replace(/\s+/g, " ");
  };

  test("GIVEN a path whose group name sits under another parent WHEN planned THEN the postcondition fails the plan naming where the group is", async () => {
    const output = await failedPlan("wrong-parent", "Europe/Dublin/Team A");
    expect(output).toContain("Resource postcondition failed");
    expect(output).toContain(
      'Hierarchy group "Europe/Dublin/Team A" (users[].hierarchyGroup): the group named "Team A" in Connect is at "Americas/Seattle/Team A", not at that path.',
    );
    expect(fake().user(INSTANCE, "cho@example.com")).toBeUndefined();
  }, 240_000);

  test("GIVEN a last name two groups share, without its ID WHEN planned THEN the plan fails: no group of that name is guessed", async () => {
    const output = await failedPlan("shared-name", "Americas/Seattle/Team C");
    expect(output).toContain("reading Connect User Hierarchy Group (Team C) summary: too many results");
    expect(fake().user(INSTANCE, "cho@example.com")).toBeUndefined();
  }, 240_000);

  test("GIVEN a last name two groups share, with the group's ID in connect.hierarchyGroupIds, and a name holding a / WHEN applied THEN each user is in the group at its path, and the review names them by path", async () => {
    const ids = { "Americas/Seattle/Team C": group["Americas/Seattle/Team C"] };
    const env = environment(
      [
        { username: "cy@example.com", hierarchyGroup: "Americas/Seattle/Team C" },
        { username: "sol@example.com", hierarchyGroup: "Americas/Sales\\/Service" },
      ],
      true,
      {},
      ids,
    );
    const first = await applied("same-names-1", env);
    expect({ cy: groupOf("cy@example.com"), sol: groupOf("sol@example.com") }).toEqual({
      cy: group["Americas/Seattle/Team C"],
      sol: group["Americas/Sales\\/Service"],
    });
    expect((await plan(first)).exitCode).toBe(0);
    // The two swap groups: the review names both by their paths.
    const swapped = environment(
      [
        { username: "cy@example.com", hierarchyGroup: "Americas/Sales\\/Service" },
        { username: "sol@example.com", hierarchyGroup: "Americas/Seattle/Team C" },
      ],
      true,
      {},
      ids,
    );
    const second = await planFrom(first, "same-names-2", swapped);
    const markdown = review(second.plan.json);
    expect(markdown).toContain("hierarchy group: `Americas/Seattle/Team C` → `Americas/Sales\\/Service`");
    expect(markdown).toContain("hierarchy group: `Americas/Sales\\/Service` → `Americas/Seattle/Team C`");
  }, 240_000);

  test("GIVEN the ID of the same-named group under another parent WHEN planned THEN the postcondition fails the plan naming where that group is", async () => {
    const env = environment(
      [{ username: "cho@example.com", hierarchyGroup: "Americas/Seattle/Team C" }],
      true,
      {},
      { "Americas/Seattle/Team C": group["Europe/Dublin/Team C"] },
    );
    const ws = await sandbox.workspace("wrong-id", env);
    const result = await ws.terraform(["plan", "-input=false", "-lock=false", ...USERS], [1]);
    expect((result.stdout + result.stderr).replace(/\s+/g, " ")).toContain(
      `Hierarchy group "Americas/Seattle/Team C" (users[].hierarchyGroup): the group with ID "${group["Europe/Dublin/Team C"]}" in Connect is at "Europe/Dublin/Team C", not at that path.`,
    );
    expect(fake().user(INSTANCE, "cho@example.com")).toBeUndefined();
  }, 240_000);

  test("GIVEN environment tags and a user's own tags WHEN applied THEN the Connect user carries both, the user's winning on a shared key", async () => {
    const env = environment([{ username: "dee@example.com", tags: { Team: "tier-1", CostCenter: "42" } }], false, {
      tags: { Project: "contact-center", Team: "all" },
    });
    const ws = await sandbox.workspace("tags", env);
    // The sandbox's override clears default_tags (moto hangs on a tagged SAML provider); users alone are applied here.
    writeProviderOverride(ws.dir, { connectUrl: fake().url, motoUrl: sandbox.moto.url, defaultTags: { ...env.tags } });
    await applyUsers(ws);
    expect(fake().user(INSTANCE, "dee@example.com")?.Tags).toEqual({ Project: "contact-center", Team: "tier-1", CostCenter: "42" });
    expect((await plan(ws)).exitCode).toBe(0);
  }, 240_000);
});
