/**
 * Proof of equivalence of the fast paths (issue 12, item 4), on loopback: the dev example managing
 * hierarchy groups, plus users with a secondary email and a group, a desk phone and a mid-level group,
 * and an ACW limit, applied once by real terraform (Connect on the fake, IAM/STS on moto_server; the
 * fake also holds groups no user names, for edits to move users to). Then seeded random rounds of
 * out-of-band edits on the fake (first and last names, phone type and number, auto accept, ACW,
 * security profiles, routing profile, hierarchy group moved, set or cleared with UpdateUserHierarchy,
 * tags through the tagging API, deletions). After each round:
 *
 * (a) fast drift (`npm run drift -- dev --fast`) reports exactly the users and fields that
 *     `terraform plan -refresh-only` reports (its resource_drift, read by the product's refreshDrift
 *     with the stack's ignore_changes);
 * (b) the fast-refresh plan (`npm run pipeline -- plan <stack> --fast-refresh`) has the same resource
 *     changes (addresses, actions, after values) as a full refreshing plan of the same state.
 *
 * Both commands run as child processes, as npm runs them: they wait on terraform synchronously, and
 * terraform's provider calls the fake, which answers from this process.
 *
 * Rounds build on each other: the fast refresh of round n leaves the state refreshed for the users it
 * found changed, so round n+1 starts from a state that has drifted apart from the configuration.
 * The last round first turns `connect.manageHierarchyGroups` off (no apply: the same state), so a
 * group set in the console is left to the console: not drift, and not put back by either plan.
 * The seed is printed in every failure; set FAST_REFRESH_SEED to replay one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument, type YAMLMap, type YAMLSeq } from "yaml";
import { loadEnvironments } from "../../lib/config/load";
import { refreshDrift } from "../../lib/tools/drift";
import { ignoredFields } from "../../lib/tools/drift/compare";
import type { PlanJson, ResourceChange } from "../../lib/tools/plan/format";
import { asPlan } from "../../lib/tools/plan/read";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { EXAMPLES_DIR } from "../support/environments";
import type { ConnectUser } from "../support/fake/connect-state";
import { startSandbox, type Sandbox, type Workspace, sandboxProject, type SandboxProject } from "../support/sandbox";
import { describeResult, makeTempDir, removeTempDir, type CommandResult } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const STACK = "connect-sso-dev";
const ROUNDS = 3;
const SEED = Number(process.env.FAST_REFRESH_SEED ?? Date.now() % 2 ** 31);

/**
 * Users besides dev's two: one the fast path must describe (secondary email), a desk phone, an ACW limit and a second
 * routing profile; two in hierarchy groups (one at the bottom level, one a level up), the others in none.
 */
const EXTRA_USERS_YAML = `  - username: sam.second@example.com
    firstName: Sam
    lastName: Second
    secondaryEmail: sam@home.example
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
    hierarchyGroup: Americas/Seattle/Team A
  - username: desk.phone@example.com
    firstName: Dee
    lastName: Desk
    securityProfiles: [Agent, QualityAnalyst]
    routingProfile: Sales Routing
    phoneType: DESK_PHONE
    deskPhoneNumber: "+12065550100"
    hierarchyGroup: Americas/Seattle
  - username: acw.limit@example.com
    firstName: Ace
    lastName: Wrap
    securityProfiles: [CallCenterManager]
    routingProfile: Basic Routing Profile
    afterContactWorkTimeLimit: 120
`;

/** Groups on the fake that no user names (each as [path, parent path]; names unique in the instance, as the stack's look-up by name needs). */
const UNNAMED_GROUPS: ReadonlyArray<readonly [string, string | undefined]> = [
  ["Americas/Seattle/Team B", "Americas/Seattle"],
  ["EMEA", undefined],
  ["EMEA/Dublin", "EMEA"],
];
/** Every group on the fake: those the users name, with their parents (seeded by the sandbox), and the unnamed ones. */
const HIERARCHY_GROUPS = ["Americas", "Americas/Seattle", "Americas/Seattle/Team A", ...UNNAMED_GROUPS.map(([groupPath]) => groupPath)];

/**
 * dev.yaml with the extra users. `manageHierarchyGroups`: the file decides every user's group (those
 * in none say `hierarchyGroup: none`); otherwise the console does, and the users' `hierarchyGroup` lines
 * are left out (the loader refuses them then).
 */
function devYaml(manageHierarchyGroups: boolean): string {
  const yaml = fs.readFileSync(path.join(EXAMPLES_DIR, "dev.yaml"), "utf8") + EXTRA_USERS_YAML;
  if (!manageHierarchyGroups) return yaml.replace(/^ +hierarchyGroup: .*\n/gm, "");
  const managed = parseDocument(yaml.replace(/^( {2}instanceId: .*\n)/m, "$1  manageHierarchyGroups: true\n"));
  if (managed.getIn(["connect", "manageHierarchyGroups"]) !== true)
    throw new Error(`${EXAMPLES_DIR}/dev.yaml has no "  instanceId:" line under connect: to add manageHierarchyGroups after`);
  const users = managed.get("users") as YAMLSeq<YAMLMap>;
  for (const user of users.items) if (!user.has("hierarchyGroup")) user.set("hierarchyGroup", "none");
  return managed.toString();
}

/** mulberry32: a small seeded PRNG, so a failing round can be replayed from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A user's drift as a report lists it: deleted, or its fields with AWS's and the state's values. */
type UserDrift = { readonly deleted: boolean; readonly fields: Readonly<Record<string, string>> };

/** The user entries of a drift report (`- \`aws_connect_user...\`` and the field lines under it), by address. */
function reportedDrift(report: string): Record<string, UserDrift> {
  const drift: Record<string, { deleted: boolean; fields: Record<string, string> }> = {};
  let current: string | undefined;
  for (const line of report.split("\n")) {
    const entry = /^- `(aws_connect_user\.[^`]+)`(: deleted outside Terraform)?/.exec(line);
    const field = /^ {2}- ([^:]+): (.*)$/.exec(line);
    if (entry) drift[(current = entry[1])] = { deleted: Boolean(entry[2]), fields: {} };
    else if (field && current) drift[current].fields[field[1]] = field[2];
    else if (!line.startsWith("  ")) current = undefined;
  }
  return drift;
}

/** What `terraform plan -refresh-only` found on the users, read by drift's own refreshDrift with the stack's ignore_changes, in the report's terms. */
function planDrift(plan: PlanJson, stackJson: unknown): Record<string, UserDrift> {
  return Object.fromEntries(
    refreshDrift(plan, ignoredFields(stackJson))
      .drifted.filter((d) => d.address.startsWith("aws_connect_user."))
      .map((d) => [
        d.address,
        {
          deleted: d.deleted,
          fields: Object.fromEntries(d.fields.map((f) => [f.field, `\`${JSON.stringify(f.after)}\` in AWS, \`${JSON.stringify(f.before)}\` in state`])),
        },
      ]),
  );
}

/**
 * A plan's resource changes as the gate sees them: address → actions and after values. `tags` null
 * and {} both mean "no tags" (to Terraform's plan and to the gate): the provider writes null when it
 * creates a user and reads {} back at the user's first refresh, which the fast refresh skips for a
 * user Connect shows unchanged. That is the one difference normalized away.
 */
function changesOf(plan: PlanJson): Record<string, { actions: ReadonlyArray<string>; after: unknown }> {
  const noTags = (after: unknown) => {
    if (!after || typeof after !== "object") return after ?? null;
    const tags = (after as Record<string, unknown>).tags;
    const empty = tags === null || (typeof tags === "object" && Object.keys(tags as object).length === 0);
    return empty ? { ...after, tags: null } : after;
  };
  return Object.fromEntries(
    (plan.resource_changes ?? []).map((rc: ResourceChange) => [rc.address, { actions: rc.change.actions, after: noTags(rc.change.after) }] as const),
  );
}

/** A key of a change's before or after object; undefined when absent. */
const valueOf = (values: unknown, key: string): unknown => (values && typeof values === "object" ? (values as Record<string, unknown>)[key] : undefined);

/**
 * The round on an environment that leaves hierarchy groups to the console: terraform's refresh saw the group set on
 * `sure` (so the round can fail), yet drift lists no hierarchy group, and the full refreshing plan keeps every user's
 * group as Connect has it (the caller checks that the fast-refresh plan equals that plan).
 */
function expectConsoleGroupsLeftAlone(
  refreshOnly: PlanJson,
  full: PlanJson,
  drift: Record<string, UserDrift>,
  connectUsers: ReadonlyArray<ConnectUser>,
  sure: string,
  context: string,
): void {
  const userChange = (changes: ReadonlyArray<ResourceChange> | undefined, username: string) =>
    changes?.find((rc) => rc.type === "aws_connect_user" && rc.index === username);
  const seen = userChange(refreshOnly.resource_drift, sure);
  if (!seen || valueOf(seen.change.before, "hierarchy_group_id") === valueOf(seen.change.after, "hierarchy_group_id"))
    throw new Error(`terraform plan -refresh-only did not see ${sure}'s hierarchy group set in the console; ${context}`);
  const listed = Object.entries(drift).flatMap(([address, d]) => ("hierarchy_group_id" in d.fields ? [address] : []));
  if (listed.length > 0) throw new Error(`fast drift lists hierarchy_group_id, which the stack leaves to the console, for ${listed.join(", ")}; ${context}`);
  for (const user of connectUsers) {
    // "" and null both mean no group.
    const planned = valueOf(userChange(full.resource_changes, user.Username)?.change.after, "hierarchy_group_id") || null;
    if (planned !== (user.HierarchyGroupId ?? null))
      throw new Error(
        `the full plan sets ${user.Username}'s hierarchy group to ${JSON.stringify(planned)}, not Connect's ${JSON.stringify(user.HierarchyGroupId ?? null)}; ${context}`,
      );
  }
}

/** expect(actual).toEqual(expected), failing with `context` (the seed and the edits) before jest's diff. */
function expectEqual(actual: unknown, expected: unknown, what: string, context: string): void {
  try {
    expect(actual).toEqual(expected);
  } catch (error) {
    throw new Error(`${what} differ; ${context}\n${(error as Error).message}`, { cause: error });
  }
}

describeIfTools(
  "fast drift and the fast-refresh plan against terraform's refresh, over seeded random out-of-band edits (real terraform; Connect on the fake, IAM/STS on moto_server, loopback only)",
  missingSandboxTools(),
  () => {
    let sandbox: Sandbox | undefined;
    let project: SandboxProject;
    let workspace: Workspace;
    let applied = false;
    /** `npm run <script> -- <args>` in the temp project folder. */
    const npmRun = (script: string, ...args: string[]): Promise<CommandResult> => project.run(script, args);

    beforeAll(async () => {
      const root = makeTempDir("fast-refresh-env");
      try {
        fs.mkdirSync(path.join(root, "metadata"));
        fs.writeFileSync(path.join(root, "dev.yaml"), devYaml(true));
        fs.writeFileSync(path.join(root, "metadata", "dev.xml"), await makeMetadata());
        const loaded = loadEnvironments({ dir: root, now: new Date() });
        const env = loaded.environments.find((e) => e.name === "dev");
        if (!env) throw new Error(`dev.yaml with extra users did not load: ${JSON.stringify(loaded.problems)}`);
        sandbox = await startSandbox(env);
        for (const [groupPath, parentPath] of UNNAMED_GROUPS) {
          const parentId = parentPath === undefined ? undefined : sandbox.fake.hierarchyGroupId(sandbox.instanceId!, parentPath);
          if (parentPath !== undefined && parentId === undefined)
            throw new Error(`the sandbox has no hierarchy group ${parentPath} to seed ${groupPath} under`);
          sandbox.fake.addHierarchyGroup(sandbox.instanceId!, groupPath.split("/").pop()!, parentId);
        }
        project = sandboxProject(sandbox);
        fs.cpSync(root, project.environmentsDir, { recursive: true });
      } finally {
        removeTempDir(root);
      }
      const s = sandbox;
      project.synth();
      workspace = await s.workspaceAt(project.stackDir(STACK));
      const result = await workspace.apply();
      if (!/Apply complete! Resources: \d+ added, 0 changed, 0 destroyed\./.test(result.stdout))
        throw new Error(describeResult(result, "expected a first apply"));
      expect(s.fake.users(s.instanceId!).length).toBe(5);
      applied = true;
    }, 240_000);

    afterAll(async () => {
      await sandbox?.stop();
    }, 30_000);

    /**
     * Random out-of-band edits of 1..3 random users still in Connect, after two edits of one other user
     * (`sure`, never deleted, so a round always has a user) that always change something: its last name
     * becomes `Round<n>` and it moves to another hierarchy group, so no round is trivially equal.
     * Returns what was done, for failure messages, and the sure user's name.
     */
    async function randomEdits(random: () => number, round: number): Promise<{ done: string[]; sure: string }> {
      const s = sandbox!;
      const instanceId = s.instanceId!;
      const pick = <T>(items: ReadonlyArray<T>): T => items[Math.floor(random() * items.length)];
      const groupPaths = new Map(
        HIERARCHY_GROUPS.map((groupPath) => {
          const id = s.fake.hierarchyGroupId(instanceId, groupPath);
          if (id === undefined) throw new Error(`the fake has no hierarchy group ${groupPath}`);
          return [id, groupPath] as const;
        }),
      );
      // UpdateUserHierarchy, as the console makes it; without HierarchyGroupId the user leaves its group (API reference: the field is not required).
      const setGroup = async (user: ConnectUser, groupId: string | undefined): Promise<string> => {
        await s.connect("POST", `/users/${instanceId}/${user.Id}/hierarchy`, groupId === undefined ? {} : { HierarchyGroupId: groupId });
        return `${user.Username}: hierarchy group = ${groupId === undefined ? "none" : groupPaths.get(groupId)}`;
      };
      const users = s.fake.users(instanceId);
      const sure = pick(users);
      await s.connect("POST", `/users/${instanceId}/${sure.Id}/identity-info`, { IdentityInfo: { ...sure.IdentityInfo, LastName: `Round${round}` } });
      const done: string[] = [
        `${sure.Username}: lastName = Round${round}`,
        await setGroup(sure, pick([...groupPaths.keys()].filter((id) => id !== sure.HierarchyGroupId))),
      ];
      const others = users.filter((u) => u !== sure);
      const chosen = others.sort(() => random() - 0.5).slice(0, 1 + Math.floor(random() * Math.min(3, others.length)));
      for (const user of chosen) {
        const at = (what: string) => `/users/${instanceId}/${user.Id}/${what}`;
        const current = s.fake.user(instanceId, user.Username)!;
        const picked = pick(["firstName", "lastName", "phone", "securityProfiles", "routingProfile", "hierarchy", "tag", "untag", "delete"] as const);
        // Untagging needs a tag (the sandbox has no default tags: moto cannot tag the SAML provider; that case is in pipeline.test.ts).
        const edit = picked === "untag" && Object.keys(current.Tags).length === 0 ? "tag" : picked;
        if (edit === "hierarchy") {
          // Moved to another group, set on a user without one, or cleared.
          done.push(await setGroup(current, pick([undefined, ...groupPaths.keys()].filter((id) => id !== current.HierarchyGroupId))));
        } else if (edit === "firstName" || edit === "lastName") {
          const value = pick(["Alicia", "Zoë", "O'Brien", "Renée", "Li"]);
          await s.connect("POST", at("identity-info"), { IdentityInfo: { ...current.IdentityInfo, [edit === "firstName" ? "FirstName" : "LastName"]: value } });
          done.push(`${user.Username}: ${edit} = ${value}`);
        } else if (edit === "phone") {
          const desk = random() < 0.5;
          const config = {
            PhoneType: desk ? "DESK_PHONE" : "SOFT_PHONE",
            ...(desk ? { DeskPhoneNumber: pick(["+12065550100", "+442071838750"]) } : {}),
            AutoAccept: random() < 0.5,
            AfterContactWorkTimeLimit: pick([0, 30, 120]),
          };
          await s.connect("POST", at("phone-config"), { PhoneConfig: config });
          done.push(`${user.Username}: phone = ${JSON.stringify(config)}`);
        } else if (edit === "securityProfiles") {
          const names = ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"].filter(() => random() < 0.5);
          const chosenNames = names.length > 0 ? names : ["Admin"];
          await s.connect("POST", at("security-profiles"), { SecurityProfileIds: chosenNames.map((n) => s.profileIds[n]) });
          done.push(`${user.Username}: security profiles = ${chosenNames.join(", ")}`);
        } else if (edit === "routingProfile") {
          const name = pick(["Basic Routing Profile", "Sales Routing"]);
          await s.connect("POST", at("routing-profile"), { RoutingProfileId: s.profileIds[name] });
          done.push(`${user.Username}: routing profile = ${name}`);
        } else if (edit === "tag") {
          const [key, value] = [pick(["Team", "CostCenter"]), pick(["blue", "42"])];
          await s.connect("POST", `/tags/${encodeURIComponent(current.Arn)}`, { tags: { [key]: value } });
          done.push(`${user.Username}: tag ${key} = ${value}`);
        } else if (edit === "untag") {
          const key = pick(Object.keys(current.Tags));
          await s.connect("DELETE", `/tags/${encodeURIComponent(current.Arn)}?tagKeys=${encodeURIComponent(key)}`);
          done.push(`${user.Username}: untag ${key}`);
        } else {
          s.fake.deleteUser(instanceId, user.Username);
          done.push(`${user.Username}: deleted`);
        }
      }
      return { done, sure: sure.Username };
    }

    for (let round = 1; round <= ROUNDS; round++) {
      // The last round's environment leaves hierarchy groups to the console (the same state: no apply, no extra round).
      const consoleGroups = round === ROUNDS;
      test(`GIVEN round ${round} of random out-of-band edits${consoleGroups ? " on the environment turned to leave hierarchy groups to the console" : ""} WHEN fast drift and the fast-refresh plan run THEN they equal terraform's refresh-only and full refreshing plans${consoleGroups ? ", and a group set in the console is neither drift nor put back" : ""}`, async () => {
        if (!applied) throw new Error("the dev stack was not applied (see beforeAll's error)");
        const s = sandbox!;
        if (consoleGroups) {
          fs.writeFileSync(path.join(project.environmentsDir, "dev.yaml"), devYaml(false));
          project.synth();
        }
        const seed = SEED + round;
        const { done, sure } = await randomEdits(prng(seed), round);
        const context = `seed ${seed} (replay: FAST_REFRESH_SEED=${SEED} round ${round}); edits:\n  ${done.join("\n  ")}`;

        // Both plans only read the state (-lock=false): they run side by side. Drift runs after them, because it synthesizes into their folder first.
        const [refreshOnly, full] = await Promise.all([workspace.plan(["-refresh-only"]), workspace.plan()]);
        const stackJson: unknown = JSON.parse(fs.readFileSync(path.join(workspace.dir, "cdk.tf.json"), "utf8"));
        const drift = await npmRun("drift", "dev", "--fast");
        const expectedDrift = planDrift(refreshOnly.json, stackJson);
        if (Object.keys(expectedDrift).length === 0) throw new Error(`terraform plan -refresh-only found no drift after the edits; ${context}`);
        if (drift.code !== 2) throw new Error(describeResult(drift, `expected exit 2 (drift); ${context}`));
        expectEqual(reportedDrift(drift.stdout), expectedDrift, "fast drift's users and fields and terraform plan -refresh-only's", context);
        if (consoleGroups) expectConsoleGroupsLeftAlone(refreshOnly.json, full.json, reportedDrift(drift.stdout), s.fake.users(s.instanceId!), sure, context);
        else if (!Object.entries(expectedDrift).some(([address, d]) => address.endsWith(`[${JSON.stringify(sure)}]`) && "hierarchy_group_id" in d.fields))
          throw new Error(`terraform plan -refresh-only does not show ${sure}'s hierarchy group moved in Connect as drift; ${context}`);

        s.fake.resetCounts();
        const pipeline = await npmRun("pipeline", "plan", STACK, "--fast-refresh");
        if (pipeline.code !== 0) throw new Error(describeResult(pipeline, context));
        const summary = /fast refresh: (\d+) Connect user\(s\) compared in bulk .*?, (\d+) changed or missing/.exec(pipeline.stderr);
        if (!summary) throw new Error(describeResult(pipeline, `it did not take the fast path; ${context}`));
        const fast = asPlan(JSON.parse(fs.readFileSync(path.join(project.dir, "plans", `${STACK}.json`), "utf8")));
        expectEqual(changesOf(fast), changesOf(full.json), "the fast-refresh plan's resource changes and the full refreshing plan's", context);
        // Users read in bulk: one DescribeUser per changed user terraform refreshed, plus at most one for the user whose state sets a secondary email.
        const changed = Number(summary[2]);
        if (changed === 0) throw new Error(describeResult(pipeline, `the fast refresh found no user changed; ${context}`));
        const described = s.fake.operationCounts().DescribeUser ?? 0;
        if (described < changed || described > changed + 1)
          throw new Error(describeResult(pipeline, `the fast path made ${described} DescribeUser calls for ${changed} changed user(s); ${context}`));
      }, 300_000);
    }
  },
);
