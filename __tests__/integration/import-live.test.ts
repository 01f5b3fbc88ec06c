/**
 * `npm run users -- import-live <env>`: the users of a live Connect instance (the Connect fake on
 * loopback) merged into an environment file and adopted by ID. In this process (runUsersCli with
 * a client pointed at the fake); the terraform plan of 2,000 adopted users is in
 * import-live-plan.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ConnectClient, CreateUserCommand, type CreateUserCommandInput } from "@aws-sdk/client-connect";
import { parse } from "yaml";
import { runUsersIn, teamFolderForEachTest } from "../support/team-folder";
import { startConnectFake, type ConnectFake } from "../support/fake";

const INSTANCE_ID = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const REGION = "us-west-2";

const ENV = `# Team environment: comments and blank lines must survive an import.
account: "111122223333"            # fictional
region: us-west-2
tags:
  Project: contact-center
connect:
  instanceId: ${INSTANCE_ID}
  manageHierarchyGroups: true
ssoApplication:
  displayName: Amazon Connect (team)
  metadataFile: metadata/dev.xml

users:
  # Team A
  - username: alice.nguyen@example.com   # lead
    firstName: Alicia
    lastName: "Nguyen"
    securityProfiles: [CallCenterManager, Agent]
    routingProfile: Basic Routing Profile

  # Not in Connect yet: stays, and is created by the next apply.
  - username: new.hire@example.com
    firstName: New
    lastName: Hire
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
`;

let fake: ConnectFake;
let client: ConnectClient;
let ids: Record<string, string>;
let work: string;
let envDir: string;
const envFile = () => path.join(envDir, "team.yaml");
const envText = () => fs.readFileSync(envFile(), "utf8");

async function createUser(input: Omit<CreateUserCommandInput, "InstanceId" | "PhoneConfig"> & Partial<Pick<CreateUserCommandInput, "PhoneConfig">>) {
  const made = await client.send(
    new CreateUserCommand({ InstanceId: INSTANCE_ID, PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 }, ...input }),
  );
  return made.UserId!;
}

beforeAll(async () => {
  fake = await startConnectFake({ region: REGION });
  fake.addInstance({ id: INSTANCE_ID, identityManagementType: "SAML", region: REGION });
  const agent = fake.addSecurityProfile(INSTANCE_ID, "Agent").id;
  const manager = fake.addSecurityProfile(INSTANCE_ID, "CallCenterManager").id;
  const basic = fake.addRoutingProfile(INSTANCE_ID, "Basic Routing Profile").id;
  const sales = fake.addRoutingProfile(INSTANCE_ID, "Sales").id;
  const americas = fake.addHierarchyGroup(INSTANCE_ID, "Americas").id;
  const seattle = fake.addHierarchyGroup(INSTANCE_ID, "Seattle", americas).id;
  const slashed = fake.addHierarchyGroup(INSTANCE_ID, "Sales/Support", americas).id;
  client = new ConnectClient({ region: REGION, endpoint: fake.url, credentials: { accessKeyId: "test", secretAccessKey: "test" }, maxAttempts: 1 });
  ids = {
    // In the file with another first name and the same profiles in another order.
    "alice.nguyen@example.com": await createUser({
      Username: "alice.nguyen@example.com",
      IdentityInfo: { FirstName: "Alice", LastName: "Nguyen" },
      SecurityProfileIds: [agent, manager],
      RoutingProfileId: basic,
      HierarchyGroupId: seattle,
    }),
    "bob.martin@example.com": await createUser({
      Username: "bob.martin@example.com",
      IdentityInfo: { FirstName: "Bob", LastName: "Martin", SecondaryEmail: "bob@home.example" },
      PhoneConfig: { PhoneType: "DESK_PHONE", DeskPhoneNumber: "+12065550100", AutoAccept: true, AfterContactWorkTimeLimit: 30 },
      SecurityProfileIds: [manager, agent],
      RoutingProfileId: sales,
      // Project is the environment's own tag: the provider adds it, no line needed.
      Tags: { Team: "blue", Project: "contact-center" },
    }),
    // Not an e-mail: cannot sign in through SAML.
    jdoe: await createUser({ Username: "jdoe", IdentityInfo: { FirstName: "J", LastName: "Doe" }, SecurityProfileIds: [agent], RoutingProfileId: basic }),
    // Differs from the file's alice only in case.
    "Alice.Nguyen@example.com": await createUser({
      Username: "Alice.Nguyen@example.com",
      IdentityInfo: { FirstName: "A", LastName: "N" },
      SecurityProfileIds: [agent],
      RoutingProfileId: basic,
    }),
    // A group name holding "/", which a path cannot hold.
    "carol.diaz@example.com": await createUser({
      Username: "carol.diaz@example.com",
      IdentityInfo: { FirstName: "Carol", LastName: "Díaz" },
      SecurityProfileIds: [agent],
      RoutingProfileId: basic,
      HierarchyGroupId: slashed,
    }),
  };
});
afterAll(() => fake?.stop());

teamFolderForEachTest("connect-sso-import-live-", ENV, (made) => ({ work, envDir } = made));

async function users(...argv: string[]) {
  const r = await runUsersIn({ work, envDir }, argv, { clients: { connect: client } });
  return { ...r, err: r.err.join("\n") };
}

test("GIVEN a live instance and a file naming some of its users WHEN import-live runs THEN Connect's users are merged with Connect's values, adopted by ID, and the others listed with why", async () => {
  const r = await users("import-live", "team");
  expect(r.code).toBe(0);
  const text = envText();
  // Everything before the users, the comments and the user Connect lacks stay as they were.
  expect(text.startsWith(ENV.slice(0, ENV.indexOf("  - username: alice")))).toBe(true);
  // A user that gains a field is written again (its comment kept, not its alignment), as by the CSV import.
  expect(text).toContain('  # Team A\n  - username: alice.nguyen@example.com # lead\n    firstName: Alice\n    lastName: "Nguyen"\n');
  expect(text).toContain("    securityProfiles: [CallCenterManager, Agent]\n    routingProfile: Basic Routing Profile\n    hierarchyGroup: Americas/Seattle\n");
  expect(text).toContain("  # Not in Connect yet: stays, and is created by the next apply.\n  - username: new.hire@example.com\n");
  const file = parse(text);
  expect(file.users.find((u: { username: string }) => u.username === "bob.martin@example.com")).toEqual({
    username: "bob.martin@example.com",
    firstName: "Bob",
    lastName: "Martin",
    securityProfiles: ["Agent", "CallCenterManager"],
    routingProfile: "Sales",
    phoneType: "DESK_PHONE",
    deskPhoneNumber: "+12065550100",
    secondaryEmail: "bob@home.example",
    autoAccept: true,
    afterContactWorkTimeLimit: 30,
    tags: { Team: "blue" },
  });
  expect(file.users.map((u: { username: string }) => u.username)).toEqual([
    "alice.nguyen@example.com",
    "new.hire@example.com",
    "bob.martin@example.com",
    "carol.diaz@example.com",
  ]);
  // A "/" inside a group's name is escaped in the path.
  expect(file.users.find((u: { username: string }) => u.username === "carol.diaz@example.com").hierarchyGroup).toBe("Americas/Sales\\/Support");
  expect(file.adopt).toEqual({
    userIds: {
      "alice.nguyen@example.com": ids["alice.nguyen@example.com"],
      "bob.martin@example.com": ids["bob.martin@example.com"],
      "carol.diaz@example.com": ids["carol.diaz@example.com"],
    },
  });
  expect(r.err).toContain('users: not imported: jdoe: username "jdoe": cannot sign in through SAML');
  expect(r.err).toContain(
    'users: not imported: Alice.Nguyen@example.com: username "Alice.Nguyen@example.com": differs from "alice.nguyen@example.com" (in the file) only in case',
  );
  expect(r.err).toMatch(/2 added, 1 updated, 3 adopted by ID \(adopt.userIds\), 2 not imported; 4 users/);
  expect(r.err).toMatch(
    /read 5 users of Connect instance .* \(SearchUsers 1, DescribeUser 5, ListSecurityProfiles 1, ListRoutingProfiles 1, DescribeUserHierarchyGroup 2\)/,
  );

  // Again: the file already says what Connect holds.
  const before = fs.statSync(envFile()).mtimeMs;
  const again = await users("import-live", "team");
  expect(again.code).toBe(0);
  expect(again.err).toContain("no changes");
  expect(fs.statSync(envFile()).mtimeMs).toBe(before);
});

test("GIVEN an environment that does not manage hierarchy groups WHEN import-live runs THEN no group is read or written", async () => {
  fs.writeFileSync(envFile(), ENV.replace("  manageHierarchyGroups: true\n", ""));
  const r = await users("import-live", "team");
  expect(r.code).toBe(0);
  expect(envText()).not.toContain("hierarchyGroup");
  expect(r.err).not.toContain("DescribeUserHierarchyGroup");
  expect(r.err).not.toContain("carol.diaz@example.com:");
});

test("GIVEN bad input WHEN import-live runs THEN the message names the file, field, value and what is allowed, and nothing is written", async () => {
  const cases: Array<[string[], string | undefined, number, RegExp]> = [
    [["import-live"], undefined, 2, /import-live takes <env>; given 0 argument\(s\)/],
    [["import-live", "team", "--replace"], undefined, 2, /import-live: Unknown option '--replace'/],
    [["import-live", "Team"], undefined, 2, /"Team" is not an environment name; allowed: 1\.\.31 of a-z 0-9 -/],
    [["import-live", "prod"], undefined, 2, /users: unknown environment "prod": environments has team/],
    [
      ["import-live", "team"],
      ENV.replace(`  instanceId: ${INSTANCE_ID}\n`, "  create: { alias: team-center }\n"),
      1,
      /environments\/team\.yaml: connect: import-live reads the users of an existing instance; allowed: connect\.instanceId/,
    ],
    [
      ["import-live", "team"],
      ENV.replace(INSTANCE_ID, "5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b"),
      1,
      /users: SearchUsers on Connect instance 5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b failed: ResourceNotFoundException/,
    ],
    [
      ["import-live", "team"],
      ENV.replace("users:\n", "adopt:\n  users: all\nusers:\n"),
      1,
      /adopt\.users: "all" finds every user by name, also those adopt\.userIds imports by ID/,
    ],
  ];
  for (const [argv, text, code, message] of cases) {
    const original = text ?? ENV;
    fs.writeFileSync(envFile(), original);
    const r = await users(...argv);
    expect({ argv, code: r.code }).toEqual({ argv, code });
    expect(r.err).toMatch(message);
    expect(envText()).toBe(original);
  }
});
