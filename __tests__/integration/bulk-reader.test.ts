/**
 * The bulk reader of Connect users (issue 12) against the fake's SearchUsers, ListUsers and
 * DescribeUser: the fields it reads equal DescribeUser's, its cost grows with users / 100, and the
 * fake pages and limits SearchUsers and ListUsers as the API model says.
 */
import { ConnectClient, CreateUserCommand, DescribeUserCommand, ListUsersCommand, SearchUsersCommand, type User } from "@aws-sdk/client-connect";
import { ConnectReadError, listConnectUserNames, readConnectUsers, readInstanceUsers, type ConnectUserFields } from "../../lib/tools/connect-users/bulk-reader";
import { readInstanceNames } from "../../lib/tools/connect-users/names";
import { startConnectFake, type ConnectFake } from "../support/fake";

const INSTANCE_ID = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const USERS = 250;

const nameOf = (i: number) => `agent.${String(i).padStart(3, "0")}@example.com`;
/** Every 7th user configures a secondary email: the field SearchUsers does not return. */
const hasSecondaryEmail = (i: number) => i % 7 === 0;

let fake: ConnectFake;
let client: ConnectClient;
const names: string[] = [];
const withSecondaryEmail = new Set<string>();

const connectClient = (endpoint: string) => new ConnectClient({ region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 1 });

beforeAll(async () => {
  fake = await startConnectFake({ region: REGION });
  fake.addInstance({ id: INSTANCE_ID, identityManagementType: "SAML", withDefaults: true });
  const agent = fake.addSecurityProfile(INSTANCE_ID, "Tier2Agent").id;
  const manager = fake.addSecurityProfile(INSTANCE_ID, "Supervisor").id;
  const basic = fake.addRoutingProfile(INSTANCE_ID, "Sales").id;
  const support = fake.addRoutingProfile(INSTANCE_ID, "Support").id;
  client = connectClient(fake.url);
  for (let i = 0; i < USERS; i++) {
    const desk = i % 3 === 0;
    names.push(nameOf(i));
    if (hasSecondaryEmail(i)) withSecondaryEmail.add(nameOf(i));
    await client.send(
      new CreateUserCommand({
        InstanceId: INSTANCE_ID,
        Username: nameOf(i),
        IdentityInfo: {
          FirstName: `Agent ${i}`,
          LastName: i % 2 ? "Nguyễn" : "Martin",
          ...(hasSecondaryEmail(i) ? { SecondaryEmail: `home.${i}@example.org` } : {}),
        },
        PhoneConfig: {
          PhoneType: desk ? "DESK_PHONE" : "SOFT_PHONE",
          AutoAccept: i % 2 === 0,
          AfterContactWorkTimeLimit: (i % 5) * 30,
          ...(desk ? { DeskPhoneNumber: `+1206555${String(i).padStart(4, "0")}` } : {}),
        },
        SecurityProfileIds: i % 4 === 0 ? [agent, manager] : [agent],
        RoutingProfileId: i % 2 ? basic : support,
        ...(i % 5 === 0 ? { Tags: { Team: `team-${i % 3}` } } : {}),
      }),
    );
  }
});

afterAll(() => fake?.stop());
beforeEach(() => fake.resetCounts());

/** The managed fields of a DescribeUser answer, written out here so the test does not check the reader with itself. */
function expectedFields(user: User, secondaryEmailRead: boolean): Omit<ConnectUserFields, "readBy"> {
  return {
    id: user.Id!,
    arn: user.Arn!,
    username: user.Username!,
    firstName: user.IdentityInfo!.FirstName!,
    lastName: user.IdentityInfo!.LastName!,
    secondaryEmail: secondaryEmailRead
      ? { read: true, ...(user.IdentityInfo!.SecondaryEmail ? { value: user.IdentityInfo!.SecondaryEmail } : {}) }
      : { read: false },
    phoneType: user.PhoneConfig!.PhoneType!,
    ...(user.PhoneConfig!.DeskPhoneNumber ? { deskPhoneNumber: user.PhoneConfig!.DeskPhoneNumber } : {}),
    autoAccept: user.PhoneConfig!.AutoAccept!,
    afterContactWorkTimeLimit: user.PhoneConfig!.AfterContactWorkTimeLimit!,
    securityProfileIds: user.SecurityProfileIds!,
    routingProfileId: user.RoutingProfileId!,
    tags: user.Tags ?? {},
  };
}

async function describeAll(): Promise<Map<string, User>> {
  const byName = new Map<string, User>();
  for (const summary of fake.users(INSTANCE_ID)) {
    const answer = await client.send(new DescribeUserCommand({ InstanceId: INSTANCE_ID, UserId: summary.Id }));
    byName.set(answer.User!.Username!, answer.User!);
  }
  return byName;
}

describe("readConnectUsers", () => {
  test("GIVEN 250 users, every 7th with a secondary email WHEN read THEN each user's fields equal DescribeUser's, for 3 SearchUsers pages and one DescribeUser per secondary email", async () => {
    const read = await readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: names, needsDescribe: (n) => withSecondaryEmail.has(n) }, client);
    const counts = fake.operationCounts();

    const described = await describeAll();
    expect(described.size).toBe(USERS);
    for (const name of names) {
      const fields = read.users.get(name);
      if (fields === undefined || fields === "missing") throw new Error(`${name} was not read (got ${String(fields)})`);
      const { readBy, ...rest } = fields;
      expect({ name, readBy }).toEqual({ name, readBy: withSecondaryEmail.has(name) ? "DescribeUser" : "SearchUsers" });
      expect({ name, ...rest }).toEqual({ name, ...expectedFields(described.get(name)!, withSecondaryEmail.has(name)) });
    }
    expect(read.calls).toEqual({ SearchUsers: 3, ListUsers: 0, DescribeUser: withSecondaryEmail.size });
    // The fake's own log agrees with the reader's count.
    expect(counts).toEqual({ SearchUsers: 3, DescribeUser: withSecondaryEmail.size });
  });

  test("GIVEN managed names the instance does not have WHEN read THEN they are missing, confirmed by one ListUsers page and no DescribeUser", async () => {
    const absent = ["left.company@example.com", "AGENT.001@example.com"];
    const read = await readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: [...absent, nameOf(1)], needsDescribe: () => false }, client);
    expect(Object.fromEntries([...read.users].map(([n, f]) => [n, f === "missing" ? f : f.readBy]))).toEqual({
      "left.company@example.com": "missing",
      "AGENT.001@example.com": "missing", // user names are case-sensitive, as in Connect
      [nameOf(1)]: "SearchUsers",
    });
    expect(read.calls).toEqual({ SearchUsers: 3, ListUsers: 1, DescribeUser: 0 });
    expect(fake.operationCounts()).toEqual({ SearchUsers: 3, ListUsers: 1 });
  });

  test("GIVEN a search that does not return a user that exists WHEN read THEN ListUsers finds it and DescribeUser reads it, not missing", async () => {
    const lagging = connectClient(fake.url);
    // The search index behind SearchUsers may lag a change: drop one user from its answers.
    lagging.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === "SearchUsersCommand") {
          const output = result.output as { Users?: Array<{ Username?: string }> };
          output.Users = output.Users?.filter((u) => u.Username !== nameOf(2));
        }
        return result;
      },
      { step: "initialize" },
    );
    const read = await readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: [nameOf(2), nameOf(3)], needsDescribe: () => false }, lagging);
    const user = read.users.get(nameOf(2));
    expect(user === "missing" ? user : user?.readBy).toBe("DescribeUser");
    expect(read.calls).toEqual({ SearchUsers: 3, ListUsers: 1, DescribeUser: 1 });
  });

  test("GIVEN pageSize 500 WHEN read THEN one SearchUsers call reads all 250; GIVEN 501 or 0 THEN it is refused before any call", async () => {
    const read = await readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: names, needsDescribe: () => false, pageSize: 500 }, client);
    expect(read.calls.SearchUsers).toBe(1);
    expect([...read.users.values()].filter((f) => f === "missing")).toEqual([]);
    for (const pageSize of [501, 0, 2.5]) {
      await expect(
        readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: names, needsDescribe: () => false, pageSize }, client),
      ).rejects.toThrow(`pageSize ${pageSize} must be an integer from 1 to 500`);
    }
    expect(fake.operationCounts()).toEqual({ SearchUsers: 1 });
  });

  test("GIVEN AWS_ENDPOINT_URL_CONNECT and credentials in the environment WHEN read without a client THEN the SDK's chain reaches the fake", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_CONNECT: fake.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_MAX_ATTEMPTS: "1" });
    try {
      const read = await readConnectUsers({ instanceId: INSTANCE_ID, region: REGION, usernames: [nameOf(4)], needsDescribe: () => false });
      expect(read.users.get(nameOf(4))).not.toBe("missing");
      const listed = await listConnectUserNames({ instanceId: INSTANCE_ID, region: REGION });
      expect({ names: listed.names.size, calls: listed.calls }).toEqual({ names: USERS, calls: { SearchUsers: 0, ListUsers: 1, DescribeUser: 0 } });
    } finally {
      process.env = saved;
    }
    expect(fake.operationCounts()).toEqual({ SearchUsers: 3, ListUsers: 1 });
  });

  test("GIVEN an instance that does not exist WHEN read THEN a ConnectReadError names SearchUsers, the instance and AWS's error", async () => {
    const other = "11111111-2222-4333-8444-555555555555";
    const reading = readConnectUsers({ instanceId: other, region: REGION, usernames: names, needsDescribe: () => false }, client);
    await expect(reading).rejects.toBeInstanceOf(ConnectReadError);
    await expect(reading).rejects.toThrow(`SearchUsers on Connect instance ${other} failed: ResourceNotFoundException`);
  });
});

describe("readInstanceUsers and readInstanceNames (adopting an instance)", () => {
  test("GIVEN 250 users WHEN every user is read with DescribeUser THEN each equals DescribeUser's answer, for 3 SearchUsers pages and 250 DescribeUser", async () => {
    const read = await readInstanceUsers({ instanceId: INSTANCE_ID, region: REGION, needsDescribe: () => true }, client);
    const described = await describeAll();
    expect(read.users.map((u) => u.username).sort()).toEqual([...names].sort());
    for (const { readBy, ...rest } of read.users) {
      expect({ readBy, ...rest }).toEqual({ readBy: "DescribeUser", ...expectedFields(described.get(rest.username)!, true) });
    }
    expect(read.calls).toEqual({ SearchUsers: 3, ListUsers: 0, DescribeUser: USERS });
  });

  test("GIVEN no user to describe WHEN read THEN SearchUsers alone answers, the secondary email unread", async () => {
    const read = await readInstanceUsers({ instanceId: INSTANCE_ID, region: REGION, needsDescribe: () => false, pageSize: 500 }, client);
    expect(read.calls).toEqual({ SearchUsers: 1, ListUsers: 0, DescribeUser: 0 });
    expect(read.users.every((u) => !u.secondaryEmail.read)).toBe(true);
  });

  test("GIVEN the instance's profiles WHEN their names are read THEN each ID has its name, one list call each", async () => {
    const read = await readInstanceNames({ instanceId: INSTANCE_ID, region: REGION, hierarchyGroupIds: [] }, client);
    // The instance has AWS's defaults besides the test's own.
    expect([...read.securityProfiles.values()]).toEqual(expect.arrayContaining(["Agent", "Admin", "Supervisor", "Tier2Agent"]));
    expect([...read.routingProfiles.values()]).toEqual(expect.arrayContaining(["Basic Routing Profile", "Sales", "Support"]));
    const user = (await describeAll()).get(nameOf(1))!;
    expect(read.routingProfiles.get(user.RoutingProfileId!)).toBe("Sales");
    expect(user.SecurityProfileIds!.map((id) => read.securityProfiles.get(id))).toEqual(["Tier2Agent"]);
    expect(read.calls).toEqual({ ListSecurityProfiles: 1, ListRoutingProfiles: 1, DescribeUserHierarchyGroup: 0 });
  });
});

describe("the fake's SearchUsers and ListUsers", () => {
  const search = (input: Record<string, unknown>) => client.send(new SearchUsersCommand({ InstanceId: INSTANCE_ID, ...input }));
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (e: { name: string; $metadata: { httpStatusCode?: number } }) => `${e.$metadata.httpStatusCode} ${e.name}`,
    );

  test("GIVEN 250 users WHEN SearchUsers pages with NextToken THEN pages are 100, 100, 50, each user once, with ApproximateTotalCount 250", async () => {
    const sizes: number[] = [];
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await search({ NextToken: token });
      sizes.push(page.Users!.length);
      seen.push(...page.Users!.map((u) => u.Username!));
      expect(page.ApproximateTotalCount).toBe(USERS);
      token = page.NextToken;
    } while (token);
    expect(sizes).toEqual([100, 100, 50]);
    expect(new Set(seen).size).toBe(USERS);
  });

  test("GIVEN MaxResults outside 1..500 WHEN SearchUsers is called THEN it is refused with 400 InvalidParameterException; 500 is accepted", async () => {
    expect(await refusal(search({ MaxResults: 501 }))).toBe("400 InvalidParameterException");
    expect(await refusal(search({ MaxResults: 0 }))).toBe("400 InvalidParameterException");
    expect(await refusal(search({ NextToken: "not-a-token" }))).toBe("400 InvalidParameterException");
    expect((await search({ MaxResults: 500 })).Users).toHaveLength(USERS);
  });

  test("GIVEN a user WHEN SearchUsers answers it THEN it has no secondary email and its ACW limit is in milliseconds, as the API reference says", async () => {
    const page = await search({ SearchCriteria: { StringCondition: { FieldName: "Username", Value: nameOf(14), ComparisonType: "EXACT" } } });
    // User 14 was created with a secondary email and an ACW limit of 14 % 5 * 30 = 120 seconds.
    expect(page.Users!.map((u) => [u.Username, u.IdentityInfo, u.PhoneConfig!.AfterContactWorkTimeLimit])).toEqual([
      [nameOf(14), { FirstName: "Agent 14", LastName: "Martin" }, 120_000],
    ]);
    const anded = await search({
      SearchCriteria: {
        AndConditions: [
          { StringCondition: { FieldName: "Username", Value: "agent.01", ComparisonType: "STARTS_WITH" } },
          { StringCondition: { FieldName: "LastName", Value: "guy", ComparisonType: "CONTAINS" } },
        ],
      },
    });
    expect(anded.Users!.map((u) => u.Username).sort()).toEqual([11, 13, 15, 17, 19].map(nameOf));
    expect(await refusal(search({ SearchCriteria: { HierarchyGroupCondition: { Value: "x", HierarchyGroupMatchType: "EXACT" } } }))).toBe(
      "400 InvalidRequestException",
    );
  });

  test("GIVEN 250 users WHEN ListUsers pages THEN the default page is 100, MaxResults 1000 returns all, and 1001 is refused", async () => {
    const first = await client.send(new ListUsersCommand({ InstanceId: INSTANCE_ID }));
    expect({ size: first.UserSummaryList!.length, more: Boolean(first.NextToken) }).toEqual({ size: 100, more: true });
    const all = await client.send(new ListUsersCommand({ InstanceId: INSTANCE_ID, MaxResults: 1000 }));
    expect({ size: all.UserSummaryList!.length, more: Boolean(all.NextToken) }).toEqual({ size: USERS, more: false });
    expect(await refusal(client.send(new ListUsersCommand({ InstanceId: INSTANCE_ID, MaxResults: 1001 })))).toBe("400 InvalidParameterException");
  });
});
