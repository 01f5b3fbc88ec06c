/**
 * The plan-cost model (lib/devtools/plan-cost/): first on synthesized stacks (no tools), then the proof
 * that keeps its table honest: stacks of 3 and 12 users applied by real terraform and the real
 * provider (hashicorp/aws 5.100.0), Connect and sso-admin on the loopback fake, IAM, STS and
 * identitystore on moto_server behind a loopback counting proxy; every plan's requests, counted
 * operation by operation, must equal the model's.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Testing } from "cdktf";
import type { Environment } from "../../lib/config/environment";
import { ConnectClient, CreateUserCommand } from "@aws-sdk/client-connect";
import { readConnectUsers } from "../../lib/tools/connect-users/bulk-reader";
import { needsDescribe, readStackState, type StateUser } from "../../lib/tools/drift/compare";
import { readInstances } from "../../lib/tools/drift/read-users";
import { bulkReadCalls, fastDriftCost, fastRefreshCost } from "../../lib/devtools/plan-cost/bulk";
import { costTableMarkdown } from "../../lib/devtools/plan-cost/markdown";
import {
  callBudget,
  connectCallsPerPlan,
  environmentPlanCost,
  fixedConnectCalls,
  instanceCount,
  parseTosetLiteral,
  planCost,
  planMinutes,
  planSeconds,
  recommendedUsersPerStack,
  userLookupCalls,
  usersStacksFor,
} from "../../lib/devtools/plan-cost/model";
import { CONNECT_PAGE_SIZE, COST_TABLE, LIST_INSTANCES_PAGE_SIZE, type ConnectInventory } from "../../lib/devtools/plan-cost/table";
import { movesBetween, stackOf, usersStackName } from "../../lib/rules/sharding";
import { environmentStacks } from "../../stacks";
import { startCountingProxy, type CountingProxy } from "../support/counting-proxy";
import { startConnectFake, writeProviderOverride, type ConnectFake } from "../support/fake";
import { DEV_PLAN_CONNECT_CALLS, exampleEnvironment, testApp } from "../support/environments";
import { httpRequest, removeTempDir, startMotoServer, tail, terraform, terraformSetup, type MotoServer, type TerraformSetup } from "../support/terraform";
import { describeIfTools, missingSandboxTools } from "../support/tools";

type Tf = Record<string, any>;

/** Every stack of an environment, by name, as parsed Terraform JSON. */
function synthAll(env: Environment): Record<string, Tf> {
  const app = testApp();
  return Object.fromEntries(environmentStacks(app, env).map((s) => [s.node.id, JSON.parse(Testing.synth(s)) as Tf]));
}

const base = exampleEnvironment("dev");
const SECURITY = [["Agent"], ["Agent", "CallCenterManager"], ["QualityAnalyst"]] as const;

/** `n` users like dev's, named `<prefix>NN@example.com`, over three security profile sets and the given routing profiles. */
function users(n: number, prefix: string, routing: ReadonlyArray<string> = ["Basic Routing Profile"]): Environment["users"] {
  return Array.from({ length: n }, (_, i) => ({
    ...base.users[0],
    username: `${prefix}${String(i + 1).padStart(2, "0")}@example.com`,
    firstName: "Test",
    lastName: `User ${i + 1}`,
    securityProfiles: [...SECURITY[i % SECURITY.length]],
    routingProfile: routing[i % routing.length],
  }));
}

function envWith(name: string, patch: Partial<Environment>): Environment {
  return {
    ...base,
    name,
    // Users stacks only: the bootstrap stack makes no Connect call.
    pipeline: undefined,
    tags: {},
    iam: { samlProviderName: `AmazonConnectSSO-${name}`, roleName: `AmazonConnectSSO-${name}` },
    sharding: { stacks: 0, usersPerStack: 1000 },
    ...patch,
  };
}

// ---------------------------------------------------------------------------------------------
// The model on synthesized stacks
// ---------------------------------------------------------------------------------------------

describe("plan cost model", () => {
  test("GIVEN the dev example WHEN priced THEN it equals the Connect calls connect-fake.test.ts counted by hand", () => {
    const dev = synthAll(base)["connect-sso-dev"];
    const cost = planCost(dev);
    const connect = Object.fromEntries(
      Object.entries(cost.byOperation)
        .filter(([k]) => k.startsWith("connect:"))
        .map(([k, v]) => [k.slice("connect:".length), v]),
    );
    expect(connect).toEqual(DEV_PLAN_CONNECT_CALLS);
    expect(connectCallsPerPlan(dev)).toBe(19);
    expect(cost.byApi).toEqual({ connect: 19, "sso-admin": 0, identitystore: 0, iam: 8, sts: 1 });
  });

  test("GIVEN for_each forms WHEN counted THEN map keys, distinct toset items and references count; other expressions are refused", () => {
    expect(parseTosetLiteral('${toset(["Agent", "CallCenterManager", "Agent"])}')).toEqual(["Agent", "CallCenterManager"]);
    expect(parseTosetLiteral('${toset(["Zo\\u00eb \\"Q\\" Team", "Basic Routing Profile"])}')).toEqual(['Zoë "Q" Team', "Basic Routing Profile"]);
    expect(parseTosetLiteral("${toset(var.names)}")).toBeUndefined();
    expect(instanceCount("a", {})).toBe(1);
    expect(instanceCount("a", { for_each: { x: {}, y: {} } })).toBe(2);
    expect(instanceCount("a", { for_each: "${toset([])}" })).toBe(0);
    expect(instanceCount("a", { count: 3 })).toBe(3);
    expect(instanceCount("i", { for_each: "${data.aws_connect_user.adopted}" }, (ref) => (ref === "data.aws_connect_user.adopted" ? 4 : -1))).toBe(4);
    expect(() => instanceCount("aws_connect_user.x", { for_each: "${var.users}" })).toThrow(/cannot count the instances of aws_connect_user\.x/);
  });

  test("GIVEN a block the table does not price WHEN priced THEN it fails naming it, so no new block is free by accident", () => {
    const dev = synthAll(base)["connect-sso-dev"];
    expect(() => planCost({ ...dev, resource: { ...dev.resource, aws_connect_queue: { q: { name: "Q" } } } })).toThrow(
      /no cost row for resource aws_connect_queue/,
    );
    expect(() => planCost({ ...dev, check: {} })).toThrow(/top-level block "check"/);
    expect(costTableMarkdown().split("\n")).toHaveLength(COST_TABLE.length + 2);
  });

  test("GIVEN plan -refresh=false WHEN priced THEN users and IAM are not read, data sources still are", () => {
    const dev = synthAll(base)["connect-sso-dev"];
    const cost = planCost(dev, { refresh: false });
    expect(cost.connect).toBe(17);
    expect(cost.byOperation["connect:DescribeUser"]).toBeUndefined();
    expect(cost.byApi.iam).toBe(0);
  });

  test("GIVEN 40 users over 4 users stacks WHEN priced THEN the main stack only checks the instance and each users stack pays its users plus its look-ups", () => {
    const names = users(40, "agent", ["Basic Routing Profile", "Sales Routing Profile"]);
    const stacks = synthAll(envWith("dev", { users: names, sharding: { stacks: 4, usersPerStack: 1000 } }));
    const env = environmentPlanCost(stacks);
    expect(env.stacks.map((s) => s.name)).toEqual(["connect-sso-dev", ...[1, 2, 3, 4].map((n) => usersStackName("dev", n))]);
    expect(env.stacks[0].cost.connect).toBe(8);
    for (const s of env.stacks.slice(1)) {
      const here = names.filter((u) => stackOf(u.username, 4) === Number(s.name.split("-").pop()));
      const profiles = new Set(here.flatMap((u) => u.securityProfiles)).size + new Set(here.map((u) => u.routingProfile)).size;
      expect(s.users).toBe(here.length);
      expect(s.cost.connect).toBe(here.length + 8 + 3 * profiles);
    }
    expect(env.connect).toBe(env.stacks.reduce((sum, s) => sum + s.cost.connect, 0));
    expect(env.stacks.reduce((sum, s) => sum + s.users, 0)).toBe(40);
    expect(env.largest.cost.connect).toBe(Math.max(...env.stacks.map((s) => s.cost.connect)));
  });

  test("GIVEN users moving into new users stacks WHEN priced THEN leaving costs nothing and each arrival lists every user of the instance, every plan until previousStacks goes", () => {
    const names = users(40, "agent");
    const stacks = synthAll(envWith("dev", { users: names, sharding: { stacks: 2, previousStacks: 0, usersPerStack: 1000 } }));
    const arrivals = movesBetween(
      names.map((u) => u.username),
      0,
      2,
    ).filter((m) => m.to === 1).length;
    expect(arrivals).toBeGreaterThan(0);
    const one = stacks[usersStackName("dev", 1)];
    const steady = synthAll(envWith("dev", { users: names, sharding: { stacks: 2, usersPerStack: 1000 } }))[usersStackName("dev", 1)];
    // A 40-user instance: one page of ListUsers per look-up; 20,000 users: 334 pages.
    expect(connectCallsPerPlan(one) - connectCallsPerPlan(steady)).toBe(arrivals * 2);
    expect(connectCallsPerPlan(one, { inventory: { users: 20_000 } }) - connectCallsPerPlan(steady)).toBe(arrivals * (334 + 1));
    // The main stack forgets all 40 (moved + removed): no Connect user is read there.
    expect(planCost(stacks["connect-sso-dev"]).byOperation["connect:DescribeUser"]).toBeUndefined();
  });

  test("GIVEN list sizes WHEN priced THEN list calls read every page of 60", () => {
    const stacks = synthAll(envWith("dev", { users: users(3, "a"), adopt: { ...base.adopt, users: ["a01@example.com"] } }));
    const main = stacks["connect-sso-dev"];
    const listUsers = (inventory: Partial<ConnectInventory>) => planCost(main, { inventory }).byOperation["connect:ListUsers"];
    expect([listUsers({ users: 60 }), listUsers({ users: 61 }), listUsers({ users: 5000 })]).toEqual([1, 2, 84]);
    expect([userLookupCalls(60), userLookupCalls(5000), userLookupCalls(20_000)]).toEqual([2, 85, 335]);
    expect(planCost(main, { inventory: { securityProfiles: 121 } }).byOperation["connect:ListSecurityProfiles"]).toBe(3 * 3);
  });

  test("GIVEN Connect's 2 requests/s with a burst of 5 WHEN calls become minutes THEN 5,000 users in one stack take over 40 minutes and 500 stay under 5", () => {
    expect(planSeconds(5)).toBe(0);
    expect(planSeconds(7)).toBe(1);
    expect(planMinutes(605)).toBe(5);
    expect(callBudget(5)).toBe(605);
    expect(planMinutes(5000 + 35)).toBeGreaterThan(40);
    expect(planMinutes(500 + 3 * Math.sqrt(500) + 35)).toBeLessThan(5);
  });

  test("GIVEN the fixed calls of a users stack WHEN sizing THEN 500 users per stack keep a plan under 5 minutes with room for the uneven split", () => {
    const stacks = synthAll(
      envWith("dev", { users: users(30, "agent", ["Basic Routing Profile", "Sales Routing Profile"]), sharding: { stacks: 1, usersPerStack: 1000 } }),
    );
    const fixed = fixedConnectCalls(stacks[usersStackName("dev", 1)]);
    expect(fixed).toBe(8 + 3 * 3 + 3 * 2);
    expect(recommendedUsersPerStack({ fixedCalls: fixed })).toEqual({ usersPerStack: 500, budget: 605, evenMaximum: 605 - fixed });
    expect(recommendedUsersPerStack({ fixedCalls: 35 }).usersPerStack).toBe(500);
    expect(recommendedUsersPerStack({ fixedCalls: 35, targetMinutes: 10 }).usersPerStack).toBe(1000);
    expect([usersStacksFor(500, 500), usersStacksFor(5000, 500), usersStacksFor(20000, 500), usersStacksFor(501, 500)]).toEqual([0, 10, 40, 2]);
  });
});

// ---------------------------------------------------------------------------------------------
// The table proven against real terraform
// ---------------------------------------------------------------------------------------------

const ACCOUNT = base.account;
const REGION = base.region;
const SMALL_INSTANCE = "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
const IDENTITY_STORE = "d-9067a1b2c3";
const APP_SMALL = `arn:aws:sso::${ACCOUNT}:application/ssoins-7223a0b1c2d3e4f5/apl-0a1b2c3d4e5f6a7b`;
const APP_LARGE = `arn:aws:sso::${ACCOUNT}:application/ssoins-7223a0b1c2d3e4f5/apl-1b2c3d4e5f6a7b8c`;
/** Seeded out of band after the large apply: the list calls then need a second page of 60. */
const EXTRA_SECURITY_PROFILES = 61;
const EXTRA_USERS = 60;
/** The small users' hierarchy groups, as paths from the top level: two look-ups (the third user has none). */
const SMALL_HIERARCHY = ["Americas/Seattle/Team A", "Americas/Seattle"] as const;
/** Top-level groups seeded after the small users' three: every look-up then reads a second page of 60. */
const EXTRA_HIERARCHY_GROUPS = 60;
/** The Identity Center group the small stack assigns to its application. */
const SMALL_GROUP = "Contact Center Supervisors";

/**
 * 3 users on an existing instance with two routing profiles, two of them in hierarchy groups; the
 * stack creates their Identity Center users and assigns them and a group found by display name,
 * and sets "assignment required" (identity store found through sso-admin ListInstances).
 */
const SMALL = envWith("pcsmall", {
  connect: { kind: "existing", instanceId: SMALL_INSTANCE },
  manageHierarchyGroups: true,
  ssoApplication: { ...base.ssoApplication, applicationArn: APP_SMALL, groups: [SMALL_GROUP], assignmentRequired: true },
  identityCenter: { region: REGION, createUsers: true },
  // The third sets a secondary email: the one user the bulk path must describe.
  users: users(3, "small", ["Basic Routing Profile", "Sales Routing Profile"]).map((u, i) =>
    i === 2 ? { ...u, secondaryEmail: "small03@home.example" } : { ...u, hierarchyGroup: SMALL_HIERARCHY[i] },
  ),
});

/**
 * 12 users on an instance the stack creates; Identity Center in another Region (a second
 * provider) with existing users, found by name.
 */
const LARGE = envWith("pclarge", {
  connect: { kind: "create", alias: "pclarge", inboundCalls: true, outboundCalls: true },
  ssoApplication: { ...base.ssoApplication, applicationArn: APP_LARGE },
  identityCenter: { region: "us-east-1", identityStoreId: IDENTITY_STORE, createUsers: false },
  users: users(12, "large"),
});

// ---------------------------------------------------------------------------------------------
// The bulk path's reads proven on the fake (no terraform)
// ---------------------------------------------------------------------------------------------

/** Runs `body` with the SDK's chain pointed at the fake, as fast drift finds it: endpoint, test credentials, no retries. */
async function withConnectEndpoint<T>(url: string, body: () => Promise<T>): Promise<T> {
  const vars: Record<string, string> = { AWS_ENDPOINT_URL_CONNECT: url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_MAX_ATTEMPTS: "1" };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await body();
  } finally {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** A stack's users as `terraform apply` writes them to state, in the shape fast drift reads (instance, secondary email). */
function stateUsersOf(stack: Tf, instanceId: string): StateUser[] {
  const forEach = stack.locals.connect_users as Record<string, { secondary_email: string | null }>;
  return Object.entries(forEach).map(([username, v]) => ({
    address: `aws_connect_user.connect_users["${username}"]`,
    username,
    instanceId,
    values: { identity_info: [{ secondary_email: v.secondary_email ?? "" }] },
  }));
}

describe("the bulk path's reads on the fake: 1,000 users on the instance, 900 managed, every 9th with a secondary email", () => {
  const INSTANCE = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
  const ON_INSTANCE = 1000;
  const managed = users(900, "bulk").map((u, i) => (i % 9 === 0 ? { ...u, secondaryEmail: `bulk${i}@home.example` } : u));
  const stacks = synthAll(envWith("pcbulk", { connect: { kind: "existing", instanceId: INSTANCE }, users: managed }));
  const main = stacks["connect-sso-pcbulk"];
  const stateUsers = stateUsersOf(main, INSTANCE);
  let fake: ConnectFake;
  let client: ConnectClient;
  const connectCounts = () => Object.fromEntries(Object.entries(fake.operationCounts()).map(([op, n]) => [`connect:${op}`, n]));

  beforeAll(async () => {
    fake = await startConnectFake({ accountId: ACCOUNT, region: REGION });
    fake.addInstance({ id: INSTANCE, identityManagementType: "SAML", region: REGION, withDefaults: true });
    const profile = fake.addSecurityProfile(INSTANCE, "Bulk Agent").id;
    const routing = fake.addRoutingProfile(INSTANCE, "Bulk Routing").id;
    client = new ConnectClient({ region: REGION, endpoint: fake.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
    // Seeded through the API, not terraform: the managed users, then 100 a person made in the console.
    const people = [...managed, ...users(ON_INSTANCE - managed.length, "console")];
    for (const u of people)
      await client.send(
        new CreateUserCommand({
          InstanceId: INSTANCE,
          Username: u.username,
          IdentityInfo: { FirstName: u.firstName, LastName: u.lastName, ...(u.secondaryEmail ? { SecondaryEmail: u.secondaryEmail } : {}) },
          PhoneConfig: { PhoneType: "SOFT_PHONE" },
          SecurityProfileIds: [profile],
          RoutingProfileId: routing,
        }),
      );
    expect(fake.users(INSTANCE)).toHaveLength(ON_INSTANCE);
  }, 60_000);

  afterAll(() => fake?.stop());

  test("GIVEN no drift WHEN fast drift's read runs THEN the fake saw exactly the model's Connect calls: 10 SearchUsers pages and 100 DescribeUser", async () => {
    fake.resetCounts();
    await withConnectEndpoint(fake.url, () =>
      readInstances([
        {
          instanceId: INSTANCE,
          region: REGION,
          usernames: stateUsers.map((u) => u.username),
          describe: stateUsers.filter(needsDescribe).map((u) => u.username),
        },
      ]),
    );
    const model = fastDriftCost(stacks, { usersOnInstance: ON_INSTANCE });
    const modelConnect = Object.fromEntries(Object.entries(model.byOperation).filter(([k]) => k.startsWith("connect:")));
    expect(connectCounts()).toEqual(modelConnect);
    expect(model.bulkRead).toEqual({ SearchUsers: 10, ListUsers: 0, DescribeUser: 100 });
    expect({ connect: model.connect, unavoidable: model.unavoidableDescribeUser }).toEqual({ connect: 110, unavoidable: 100 });
  }, 60_000);

  test("GIVEN 3 managed users deleted outside Terraform and pages of 500 WHEN read THEN one ListUsers walk is added and the model says so", async () => {
    const gone = managed.filter((u) => !u.secondaryEmail).slice(0, 3);
    for (const u of gone) expect(fake.deleteUser(INSTANCE, u.username)).toBe(true);
    fake.resetCounts();
    const read = await readConnectUsers(
      {
        instanceId: INSTANCE,
        region: REGION,
        usernames: stateUsers.map((u) => u.username),
        needsDescribe: (name) => stateUsers.some((u) => u.username === name && needsDescribe(u)),
        pageSize: 500,
      },
      client,
    );
    expect([...read.users].filter(([, f]) => f === "missing").map(([name]) => name)).toEqual(gone.map((u) => u.username));
    const model = bulkReadCalls({ usersOnInstance: ON_INSTANCE - gone.length, secondaryEmails: 100, missingUsers: gone.length, pageSize: 500 });
    expect(fake.operationCounts()).toEqual({ SearchUsers: 2, ListUsers: 1, DescribeUser: 100 });
    expect(model).toEqual({ SearchUsers: 2, ListUsers: 1, DescribeUser: 100 });
    expect(read.calls).toEqual(model);
  }, 60_000);
});

describeIfTools(
  "the plan cost table against real terraform: Connect and sso-admin on the fake, IAM/STS/identitystore on moto_server (loopback only)",
  missingSandboxTools(),
  () => {
    let setup: TerraformSetup | undefined;
    let moto: MotoServer | undefined;
    let proxy: CountingProxy | undefined;
    let fake: ConnectFake | undefined;
    let largeInstance = "";
    const applied = new Set<string>();
    const dirs: Record<string, string> = {};

    const tf = (cwd: string, args: string[], okCodes = [0]) =>
      terraform(setup!, cwd, args, { timeoutMs: 90_000, okCodes }).catch((error: Error) => {
        const missing = (fake?.unimplemented() ?? []).map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""}`);
        throw new Error(
          `${error.message}\n--- not implemented by the fake: ${missing.length ? missing.join(", ") : "none"}\n--- moto_server output ---\n${tail(moto?.log() ?? "", 2000)}`,
        );
      });

    const workspace = (name: string, stackJson: Tf) => {
      const dir = (dirs[name] ??= path.join(setup!.root, name));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), JSON.stringify(stackJson, null, 2));
      writeProviderOverride(dir, { connectUrl: fake!.url, motoUrl: proxy!.url });
      return dir;
    };

    /** Runs `steps`; returns what the APIs saw meanwhile, keyed like PlanCost.byOperation. */
    const counted = async (steps: () => Promise<unknown>) => {
      fake!.resetCounts();
      proxy!.reset();
      await steps();
      expect(fake!.unimplemented()).toEqual([]);
      expect(fake!.requests.filter((r) => r.status !== 200).map((r) => `${r.operation} ${r.status} ${r.errorCode}`)).toEqual([]);
      const seen: Record<string, number> = { ...proxy!.counts() };
      for (const [op, n] of Object.entries(fake!.operationCounts())) seen[op.startsWith("sso-admin:") ? op : `connect:${op}`] = n;
      return seen;
    };
    /** One plan; returns what the APIs saw. */
    const countedPlan = (dir: string, extra: string[], okCodes: number[]) =>
      counted(() => tf(dir, ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", ...extra], okCodes));
    /** Fast drift's and fast refresh's first step: the bulk read of the users a state holds, as fast drift requests it. */
    const bulkRead = (users: ReadonlyArray<StateUser>, instanceId: string) =>
      withConnectEndpoint(fake!.url, () =>
        readInstances([{ instanceId, region: REGION, usernames: users.map((u) => u.username), describe: users.filter(needsDescribe).map((u) => u.username) }]),
      );
    const stateOf = async (dir: string) => readStackState(JSON.parse((await tf(dir, ["show", "-json", "-no-color"])).stdout));
    const connectOf = (counts: Record<string, number>) => Object.entries(counts).reduce((sum, [k, n]) => sum + (k.startsWith("connect:") ? n : 0), 0);
    const need = (what: string) => {
      if (!applied.has(what)) throw new Error(`the apply of ${what} did not succeed (see the failing test above)`);
    };
    /** What the small instance holds: AWS's default profiles, a second routing profile, its users' 3 hierarchy groups and the extras. */
    const smallInventory: Partial<ConnectInventory> = { routingProfiles: 2, hierarchyGroups: 3 + EXTRA_HIERARCHY_GROUPS };
    /** What the large instance holds once seeded: its 12 users and AWS's 4 default profiles, plus the extras. */
    const largeInventory: Partial<ConnectInventory> = { users: 12 + EXTRA_USERS, securityProfiles: 4 + EXTRA_SECURITY_PROFILES, instances: 2 };

    beforeAll(async () => {
      setup = terraformSetup("plan-cost");
      moto = await startMotoServer({ accountId: ACCOUNT, readyTimeoutMs: 20_000 });
      [proxy, fake] = await Promise.all([startCountingProxy(moto.url), startConnectFake({ accountId: ACCOUNT, region: REGION })]);

      fake.addInstance({ id: SMALL_INSTANCE, identityManagementType: "SAML", region: REGION, withDefaults: true });
      fake.addRoutingProfile(SMALL_INSTANCE, "Sales Routing Profile");
      const americas = fake.addHierarchyGroup(SMALL_INSTANCE, "Americas").id;
      const seattle = fake.addHierarchyGroup(SMALL_INSTANCE, "Seattle", americas).id;
      fake.addHierarchyGroup(SMALL_INSTANCE, "Team A", seattle);
      for (let i = 0; i < EXTRA_HIERARCHY_GROUPS; i++) fake.addHierarchyGroup(SMALL_INSTANCE, `Region ${i}`);
      const sso = fake.addSsoInstance({ identityStoreId: IDENTITY_STORE });
      fake.addApplication(APP_SMALL, { instanceArn: sso.instanceArn });
      fake.addApplication(APP_LARGE, { instanceArn: sso.instanceArn });
      const motoUrl = moto.url;
      /** Seeds moto's identity store in `region` (straight to moto: the proxy counts only what terraform asks). */
      const identityStore = async (operation: string, region: string, body: Record<string, unknown>) => {
        const answer = await httpRequest(`${motoUrl}/`, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": `AWSIdentityStore.${operation}`,
            Authorization: `AWS4-HMAC-SHA256 Credential=test/20261201/${region}/identitystore/aws4_request, SignedHeaders=host, Signature=0`,
          },
          body: JSON.stringify({ IdentityStoreId: IDENTITY_STORE, ...body }),
          timeoutMs: 10_000,
        });
        if (answer.status !== 200) throw new Error(`moto identitystore ${operation} ${JSON.stringify(body)}: HTTP ${answer.status} ${answer.body}`);
      };
      // The large environment's people already exist in Identity Center (its home Region: us-east-1).
      for (const user of LARGE.users) {
        await identityStore("CreateUser", "us-east-1", {
          UserName: user.username,
          DisplayName: `${user.firstName} ${user.lastName}`,
          Name: { GivenName: user.firstName, FamilyName: user.lastName },
        });
      }
      // The small environment's group was made in Identity Center (its home Region: the environment's).
      await identityStore("CreateGroup", REGION, { DisplayName: SMALL_GROUP });
      for (const [name, env] of [
        ["small", SMALL],
        ["large", LARGE],
      ] as const) {
        await tf(workspace(name, synthAll(env)[`connect-sso-${env.name}`]), ["init", "-input=false", "-no-color"]);
      }
    }, 90_000);

    afterAll(async () => {
      await Promise.all([fake?.stop(), proxy?.stop()]);
      await moto?.stop();
      removeTempDir(setup?.root);
    }, 30_000);

    test("GIVEN 3 users applied, two in hierarchy groups, and a group assigned with assignment required WHEN terraform plans THEN every API saw exactly the modelled calls", async () => {
      await tf(dirs.small, ["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"]);
      applied.add("small");
      const json = synthAll(SMALL)["connect-sso-pcsmall"];
      const seen = await countedPlan(dirs.small, [], [0]);
      const model = planCost(json, { inventory: smallInventory });
      expect(seen).toEqual(model.byOperation);
      expect(connectOf(seen)).toBe(connectCallsPerPlan(json, { inventory: smallInventory }));
      expect(seen["connect:DescribeUser"]).toBe(3);
      // Each of the 2 hierarchy look-ups lists all 63 groups (2 pages of 60), though its group is on the first.
      expect([seen["connect:ListUserHierarchyGroups"], seen["connect:DescribeUserHierarchyGroup"]]).toEqual([2 * 2, 2]);
      const hierarchyPageSizes = fake!.requests
        .filter((r) => r.operation === "ListUserHierarchyGroups")
        .map((r) => new URLSearchParams(r.query).get("maxResults"));
      expect(new Set(hierarchyPageSizes)).toEqual(new Set([String(CONNECT_PAGE_SIZE)]));
      // The group's assignment is read like a user's; the setting once; the group found by display name.
      expect(seen["sso-admin:DescribeApplicationAssignment"]).toBe(3 + 1);
      expect(seen["sso-admin:GetApplicationAssignmentConfiguration"]).toBe(1);
      expect([seen["identitystore:GetGroupId"], seen["identitystore:DescribeGroup"]]).toEqual([1, 1]);
    }, 120_000);

    test("GIVEN 3 users applied, one with a secondary email WHEN fast drift's steps run (bulk read, refresh-only plan targeted to the other resources) THEN every API saw exactly the modelled calls", async () => {
      need("small");
      const json = synthAll(SMALL)["connect-sso-pcsmall"];
      const state = await stateOf(dirs.small);
      expect(state.users).toHaveLength(3);
      const seen = await counted(async () => {
        await bulkRead(state.users, SMALL_INSTANCE);
        // Exit 2 too: the provider reports moto's role as changed outside Terraform (tags, inline_policy); the calls are the same.
        await tf(
          dirs.small,
          ["plan", "-refresh-only", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false", ...state.otherAddresses.map((a) => `-target=${a}`)],
          [0, 2],
        );
      });
      const model = fastDriftCost({ "connect-sso-pcsmall": json }, { inventory: smallInventory });
      expect(seen).toEqual(model.byOperation);
      // The targeted plan reads no Connect look-up: the other resources reference none.
      expect({ connect: connectOf(seen), unavoidable: model.unavoidableDescribeUser }).toEqual({ connect: 1 + 1, unavoidable: 1 });
    }, 120_000);

    test("GIVEN a first name changed in Connect WHEN fast refresh's steps run (bulk read, apply -refresh-only targeted to that user and the other resources, plan -refresh=false) THEN every API saw exactly the modelled calls and the plan shows the change", async () => {
      need("small");
      const json = synthAll(SMALL)["connect-sso-pcsmall"];
      const state = await stateOf(dirs.small);
      const changed = SMALL.users[0].username;
      const id = fake!.user(SMALL_INSTANCE, changed)!.Id;
      const edit = await httpRequest(`${fake!.url}/users/${SMALL_INSTANCE}/${id}/identity-info`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `AWS4-HMAC-SHA256 Credential=test/20261201/${REGION}/connect/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify({ IdentityInfo: { FirstName: "Changed", LastName: SMALL.users[0].lastName } }),
      });
      expect(edit.status).toBe(200);
      let plan = "";
      const seen = await counted(async () => {
        const [read] = await bulkRead(state.users, SMALL_INSTANCE);
        expect(new Map(read.users).get(changed)).toMatchObject({ firstName: "Changed" });
        const targets = [`aws_connect_user.connect_users["${changed}"]`, ...state.otherAddresses].map((a) => `-target=${a}`);
        await tf(dirs.small, ["apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color", "-lock=false", ...targets]);
        plan = (await tf(dirs.small, ["plan", "-refresh=false", "-detailed-exitcode", "-input=false", "-no-color", "-lock=false"], [2])).stdout;
      });
      expect(seen).toEqual(fastRefreshCost("connect-sso-pcsmall", json, { changedUsers: 1, inventory: smallInventory }).byOperation);
      expect(plan).toContain(`aws_connect_user.connect_users["${changed}"] will be updated in-place`);
    }, 120_000);

    test("GIVEN 12 users applied and a fuller instance WHEN terraform plans THEN every API saw exactly the modelled calls, list calls page by 60", async () => {
      await tf(dirs.large, ["apply", "-auto-approve", "-input=false", "-no-color", "-lock=false"]);
      applied.add("large");
      const created = fake!.instanceIds().filter((id) => id !== SMALL_INSTANCE);
      expect(created).toHaveLength(1);
      largeInstance = created[0];
      // Out of band: 61 more security profiles and 60 more users (as a real contact center has).
      for (let i = 0; i < EXTRA_SECURITY_PROFILES; i++) fake!.addSecurityProfile(largeInstance, `Team ${i}`);
      const template = fake!.users(largeInstance)[0];
      for (let i = 0; i < EXTRA_USERS; i++) {
        const answer = await httpRequest(`${fake!.url}/users/${largeInstance}`, {
          method: "PUT",
          headers: {
            "Content-Type": "application/json",
            Authorization: `AWS4-HMAC-SHA256 Credential=test/20261201/${REGION}/connect/aws4_request, SignedHeaders=host, Signature=0`,
          },
          body: JSON.stringify({
            Username: `console${i}@example.com`,
            IdentityInfo: { FirstName: "Console", LastName: `User ${i}` },
            PhoneConfig: { PhoneType: "SOFT_PHONE" },
            SecurityProfileIds: template.SecurityProfileIds,
            RoutingProfileId: template.RoutingProfileId,
          }),
        });
        expect(answer.status).toBe(200);
      }
      expect(fake!.users(largeInstance)).toHaveLength(12 + EXTRA_USERS);

      const json = synthAll(LARGE)["connect-sso-pclarge"];
      const seen = await countedPlan(dirs.large, [], [0]);
      expect(seen).toEqual(planCost(json, { inventory: largeInventory }).byOperation);
      expect(connectOf(seen)).toBe(connectCallsPerPlan(json, { inventory: largeInventory }));
      expect(seen["connect:DescribeUser"]).toBe(12);
      // Three security profiles looked up, two pages each.
      expect(seen["connect:ListSecurityProfiles"]).toBe(6);
    }, 120_000);

    test("GIVEN the 12 users split over 2 users stacks WHEN the main stack plans the move THEN it reads no leaving user (moved + removed)", async () => {
      need("large");
      const json = synthAll({ ...LARGE, sharding: { stacks: 2, previousStacks: 0, usersPerStack: 1000 } })["connect-sso-pclarge"];
      // Each leaving user from either users block (CONNECT_USER_BLOCKS): one of the two holds it.
      expect(json.moved).toHaveLength(24);
      workspace("large", json);
      // Exit 2: changes (12 users leave this state).
      const seen = await countedPlan(dirs.large, [], [2]);
      expect(seen).toEqual(planCost(json, { inventory: largeInventory }).byOperation);
      expect(seen["connect:DescribeUser"]).toBeUndefined();
    }, 120_000);

    test("GIVEN the same move WHEN the first users stack plans it THEN each arriving user costs a full ListUsers walk and a DescribeUser, plus its import read, with or without -refresh=false", async () => {
      need("large");
      const env = { ...LARGE, sharding: { stacks: 2, previousStacks: 0, usersPerStack: 1000 } };
      const json = synthAll(env)[usersStackName("pclarge", 1)];
      const arriving = Object.keys(json.locals.connect_users).length;
      expect(arriving).toBeGreaterThan(0);
      expect(arriving).toBe(LARGE.users.filter((u) => stackOf(u.username, 2) === 1).length);
      const dir = workspace("large-users-1", json);
      await tf(dir, ["init", "-input=false", "-no-color"]);

      const seen = await countedPlan(dir, [], [2]);
      expect(seen).toEqual(planCost(json, { inventory: largeInventory }).byOperation);
      expect(seen["connect:ListUsers"]).toBe(arriving * 2);
      expect(seen["connect:DescribeUser"]).toBe(arriving * 2);
      // The page sizes the table divides by: every list call asks for 60 (ListInstances: 10).
      const pageSizes = Object.fromEntries(
        fake!.requests.filter((r) => r.operation.startsWith("List")).map((r) => [r.operation, new URLSearchParams(r.query).get("maxResults")]),
      );
      expect(pageSizes).toEqual({
        ListInstances: String(LIST_INSTANCES_PAGE_SIZE),
        ListSecurityProfiles: String(CONNECT_PAGE_SIZE),
        ListSecurityProfilePermissions: String(CONNECT_PAGE_SIZE),
        ListRoutingProfiles: String(CONNECT_PAGE_SIZE),
        ListRoutingProfileQueues: String(CONNECT_PAGE_SIZE),
        ListUsers: String(CONNECT_PAGE_SIZE),
      });

      const withoutRefresh = await countedPlan(dir, ["-refresh=false"], [2]);
      expect(withoutRefresh).toEqual(planCost(json, { inventory: largeInventory, refresh: false }).byOperation);
      expect(connectOf(withoutRefresh)).toBe(connectCallsPerPlan(json, { inventory: largeInventory, refresh: false }));
    }, 120_000);
  },
);
