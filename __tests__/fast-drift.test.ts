/**
 * Fast drift's comparison (lib/tools/drift/compare.ts) as pure functions: a state read by
 * `terraform show -json`, and Connect's answers as the bulk reader gives them.
 */
import type { ConnectUserFields } from "../lib/tools/connect-users/bulk-reader";
import { refreshDrift, runDrift } from "../lib/tools/drift";
import {
  ignoredAt,
  ignoredFields,
  needsDescribe,
  readStackState,
  activeMoves,
  refreshedValues,
  regionOf,
  StateFormatError,
  userDrift,
  type StateUser,
} from "../lib/tools/drift/compare";
import { exampleEnvironment, synthStack } from "./support/environments";

const INSTANCE = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const AGENT = "sp-agent";
const MANAGER = "sp-manager";
const BASIC = "rp-basic";
const ADDRESS = 'aws_connect_user.connect_users["alice@example.com"]';

/** An applied user's state values, as the aws provider 5.x writes them. */
const values = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  arn: "arn:aws:connect:us-west-2:111122223333:instance/i/agent/u1",
  directory_user_id: "",
  hierarchy_group_id: "",
  id: `${INSTANCE}:u1`,
  identity_info: [{ email: "", first_name: "Alice", last_name: "Nguyen", secondary_email: "" }],
  instance_id: INSTANCE,
  name: "alice@example.com",
  password: null,
  phone_config: [{ after_contact_work_time_limit: 0, auto_accept: false, desk_phone_number: "", phone_type: "SOFT_PHONE" }],
  routing_profile_id: BASIC,
  security_profile_ids: [AGENT, MANAGER],
  tags: null,
  tags_all: { Project: "contact-center" },
  user_id: "u1",
  ...over,
});

const stateUser = (over: Record<string, unknown> = {}): StateUser => ({
  address: ADDRESS,
  username: "alice@example.com",
  instanceId: INSTANCE,
  values: values(over),
});

/** The same user as SearchUsers answers it (secondary email not read). */
const connect = (over: Partial<ConnectUserFields> = {}): ConnectUserFields => ({
  id: "u1",
  arn: "arn:aws:connect:us-west-2:111122223333:instance/i/agent/u1",
  username: "alice@example.com",
  firstName: "Alice",
  lastName: "Nguyen",
  secondaryEmail: { read: false },
  phoneType: "SOFT_PHONE",
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
  securityProfileIds: [MANAGER, AGENT],
  routingProfileId: BASIC,
  tags: { Project: "contact-center" },
  readBy: "SearchUsers",
  ...over,
});

const NAMES = new Map([
  [AGENT, "Agent"],
  [MANAGER, "CallCenterManager"],
  [BASIC, "Basic Routing Profile"],
]);

/** `field: AWS value / state value` lines of a user's drift, or "none". */
const drift = (user: StateUser, aws: ConnectUserFields | "missing") => {
  const found = userDrift(user, aws, NAMES);
  if (!found) return "none";
  return found.deleted ? "deleted" : found.fields.map((f) => `${f.field}: ${JSON.stringify(f.after)} / ${JSON.stringify(f.before)}`);
};

describe("userDrift (state vs. the bulk reader's answer)", () => {
  test("GIVEN Connect as applied (profiles in another order, the default tag, the secondary email unread) THEN there is no drift", () => {
    expect(drift(stateUser(), connect())).toBe("none");
  });

  test("GIVEN a first name, the phone type and desk number, the ACW limit and auto-accept changed in Connect THEN each is a field named as the refresh-only plan names it", () => {
    const aws = connect({ firstName: "Alicia", phoneType: "DESK_PHONE", deskPhoneNumber: "+12065550100", afterContactWorkTimeLimit: 30, autoAccept: true });
    expect(drift(stateUser(), aws)).toEqual([
      'identity_info.0.first_name: "Alicia" / "Alice"',
      "phone_config.0.after_contact_work_time_limit: 30 / 0",
      "phone_config.0.auto_accept: true / false",
      'phone_config.0.desk_phone_number: "+12065550100" / ""',
      'phone_config.0.phone_type: "DESK_PHONE" / "SOFT_PHONE"',
    ]);
  });

  test("GIVEN a security profile removed and the routing profile and hierarchy group changed THEN profiles are shown by name and the group by ID", () => {
    const aws = connect({ securityProfileIds: [AGENT], routingProfileId: "rp-other", hierarchyGroupId: "hg-1" });
    expect(drift(stateUser(), aws)).toEqual([
      'hierarchy_group_id: "hg-1" / ""',
      'routing_profile_id: "rp-other" / "Basic Routing Profile"',
      'security_profile_ids: ["Agent"] / ["Agent","CallCenterManager"]',
    ]);
  });

  test("GIVEN the user is missing from Connect THEN it is reported deleted", () => {
    expect(drift(stateUser(), "missing")).toBe("deleted");
  });

  test("GIVEN a state with a secondary email WHEN DescribeUser read another THEN it is drift; WHEN it was not read THEN the state's is kept (unknown is not a change)", () => {
    const user = stateUser({ identity_info: [{ email: "", first_name: "Alice", last_name: "Nguyen", secondary_email: "a@home.example" }] });
    expect(drift(user, connect({ secondaryEmail: { read: true, value: "b@home.example" }, readBy: "DescribeUser" }))).toEqual([
      'identity_info.0.secondary_email: "b@home.example" / "a@home.example"',
    ]);
    expect(drift(user, connect({ secondaryEmail: { read: true }, readBy: "DescribeUser" }))).toEqual([
      // A refresh writes an absent string of the block as "" (SDKv2 zero value; the property test saw it for desk_phone_number).
      'identity_info.0.secondary_email: "" / "a@home.example"',
    ]);
    expect(drift(user, connect())).toBe("none");
  });

  test("GIVEN a tag added in Connect and a default tag changed THEN the added tag is drift in tags, the changed default tag too (as the provider reads it)", () => {
    expect(drift(stateUser(), connect({ tags: { Project: "contact-center", Owner: "ops" } }))).toEqual(['tags.Owner: "ops" / undefined']);
    expect(drift(stateUser(), connect({ tags: { Project: "other" } }))).toEqual(['tags.Project: "other" / undefined']);
  });

  test("GIVEN attributes fast drift does not manage (password, arn) THEN refreshedValues keeps the state's", () => {
    const refreshed = refreshedValues(values({ password: "secret" }), connect());
    expect({ password: refreshed.password, arn: refreshed.arn, user_id: refreshed.user_id }).toEqual({
      password: "secret",
      arn: "arn:aws:connect:us-west-2:111122223333:instance/i/agent/u1",
      user_id: "u1",
    });
  });
});

describe("a hierarchy group the stack leaves to the console (lifecycle.ignore_changes) is not drift", () => {
  /** What the users of an example's synthesized stack leave to the console. */
  const leftAloneIn = (name: "dev" | "prod") => ignoredFields(JSON.parse(synthStack(exampleEnvironment(name))));
  const GROUP_SET = connect({ hierarchyGroupId: "hg-1" });

  test("GIVEN dev (manageHierarchyGroups unset) and prod (manageHierarchyGroups: true) THEN only dev's users leave hierarchy_group_id to the console", () => {
    expect({ dev: ignoredAt(leftAloneIn("dev"), ADDRESS), prod: ignoredAt(leftAloneIn("prod"), ADDRESS) }).toEqual({
      dev: ["hierarchy_group_id"],
      prod: [],
    });
  });

  test("GIVEN a group set in the console WHEN fast drift compares a user whose stack leaves groups alone THEN it is no drift, and a name changed with it still is", () => {
    const dev = ignoredAt(leftAloneIn("dev"), ADDRESS);
    expect(userDrift(stateUser(), GROUP_SET, NAMES, dev)).toBeUndefined();
    expect(userDrift(stateUser(), connect({ hierarchyGroupId: "hg-1", firstName: "Alicia" }), NAMES, dev)?.fields.map((f) => f.field)).toEqual([
      "identity_info.0.first_name",
    ]);
    expect(drift(stateUser(), GROUP_SET)).toEqual(['hierarchy_group_id: "hg-1" / ""']);
  });

  test("GIVEN a refresh-only plan whose only change is a user's group WHEN the stack leaves groups alone THEN it is not counted; WHEN it manages them THEN it is drift", () => {
    const plan = {
      format_version: "1.2",
      resource_drift: [
        {
          address: ADDRESS,
          mode: "managed" as const,
          type: "aws_connect_user",
          name: "connect_users",
          index: "alice@example.com",
          change: { actions: ["update" as const], before: values(), after: values({ hierarchy_group_id: "hg-1" }) },
        },
      ],
    };
    expect(refreshDrift(plan, leftAloneIn("dev"))).toEqual({ drifted: [], ignored: 1 });
    expect(refreshDrift(plan, leftAloneIn("prod"))).toEqual({
      drifted: [{ address: ADDRESS, deleted: false, fields: [{ field: "hierarchy_group_id", before: "", after: "hg-1" }] }],
      ignored: 0,
    });
  });

  test.each([
    ["all", "all"],
    ["a nested path", ["phone_config[0].auto_accept"]],
  ])("GIVEN ignore_changes of %s THEN the stack is refused rather than guessed (StateFormatError naming the resource)", (_, list) => {
    const stack = { resource: { aws_connect_user: { connect_users: { lifecycle: { ignore_changes: list } } } } };
    expect(() => ignoredFields(stack)).toThrow(StateFormatError);
    expect(() => ignoredFields(stack)).toThrow(/aws_connect_user\.connect_users: lifecycle\.ignore_changes is not a list of attribute names/);
  });
});

describe("readStackState (terraform show -json of a state)", () => {
  const shown = (resources: unknown[]) => ({ format_version: "1.0", terraform_version: "1.11.0", values: { root_module: { resources } } });
  const resource = (address: string, type: string, name: string, v: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    address,
    mode: "managed",
    type,
    name,
    values: v,
    ...extra,
  });

  test("GIVEN users, an IAM role and profile look-ups THEN users are keyed by user name, the role is left to terraform and profile IDs get names", () => {
    const state = readStackState(
      shown([
        resource(ADDRESS, "aws_connect_user", "connect_users", values(), { index: "alice@example.com" }),
        resource("aws_iam_role.federation_role", "aws_iam_role", "federation_role", { name: "r" }),
        {
          ...resource('data.aws_connect_security_profile.security_profiles["Agent"]', "aws_connect_security_profile", "security_profiles", {
            security_profile_id: AGENT,
            name: "Agent",
          }),
          mode: "data",
        },
      ]),
    );
    expect({ users: state.users.map((u) => [u.address, u.username, u.instanceId]), others: state.otherAddresses, names: [...state.profileNames] }).toEqual({
      users: [[ADDRESS, "alice@example.com", INSTANCE]],
      others: ["aws_iam_role.federation_role"],
      names: [[AGENT, "Agent"]],
    });
  });

  test("GIVEN a state never applied ({ format_version } alone) THEN there is nothing to compare", () => {
    expect(readStackState({ format_version: "1.0" })).toEqual({ users: [], otherAddresses: [], profileNames: new Map() });
  });

  test.each([
    ["not a state", [], /no format_version/],
    ["a plan", { format_version: "1.2", resource_changes: [] }, /a plan, not a state/],
    [
      "a user without instance_id",
      shown([resource(ADDRESS, "aws_connect_user", "connect_users", values({ instance_id: "" }), { index: "alice@example.com" })]),
      /instance_id/,
    ],
    ["a user keyed by number", shown([resource(ADDRESS, "aws_connect_user", "connect_users", values(), { index: 0 })]), /user name as its key/],
    ["a resource without values", shown([{ address: ADDRESS, mode: "managed" }]), /lacks address, mode or values/],
  ])("GIVEN %s THEN it is refused with a StateFormatError naming what is wrong", (_, input, message) => {
    expect(() => readStackState(input)).toThrow(StateFormatError);
    expect(() => readStackState(input)).toThrow(message);
  });
});

describe("needsDescribe and regionOf", () => {
  test("GIVEN a state with and without a secondary email THEN only the first needs a DescribeUser", () => {
    const withEmail = stateUser({ identity_info: [{ first_name: "A", last_name: "B", secondary_email: "a@home.example" }] });
    expect([needsDescribe(withEmail), needsDescribe(stateUser()), needsDescribe(stateUser({ identity_info: [] }))]).toEqual([true, false, false]);
  });

  test("GIVEN a synthesized stack THEN its provider's region is read; WHEN it has none THEN it is refused", () => {
    expect(regionOf({ provider: { aws: [{ region: "us-west-2" }] } })).toBe("us-west-2");
    expect(() => regionOf({ provider: { aws: [{}] } })).toThrow(/sets no region/);
  });
});

describe("npm run drift -- <env> --fast: arguments", () => {
  test.each([
    ["--fast alone", ["--fast"], /^drift: no environment given\nusage: npm run drift -- <env> \[--fast\]/],
    ["an unknown flag", ["dev", "--quick"], /^drift: Unknown option '--quick'\nusage/],
    ["a flag in place of the environment", ["--quick"], /^drift: Unknown option '--quick'\nusage/],
  ])("GIVEN %s WHEN drift runs THEN it exits 1 with the usage, before any synth", async (_, args, message) => {
    const log: string[] = [];
    const report: string[] = [];
    await expect(runDrift(args, {}, { log: (l) => log.push(l), report: (t) => report.push(t) })).resolves.toBe(1);
    expect(log.join("\n")).toMatch(message);
    expect(report).toEqual([]);
  });
});

describe("activeMoves (moved blocks a plan would apply to the state)", () => {
  const user = (block: string, name: string) => `aws_connect_user.${block}[${JSON.stringify(name)}]`;
  const state = {
    users: [{ address: user("connect_users", "a@example.com"), username: "a@example.com", instanceId: "i", values: {} }],
    otherAddresses: ["aws_iam_role.federation_role"],
    profileNames: new Map<string, string>(),
  };

  test("GIVEN moved blocks whose from the state holds, and others it does not WHEN read THEN only the first are active", () => {
    const stackJson = {
      moved: [
        { from: user("connect_users", "a@example.com"), to: user("connect_users_console_group", "a@example.com") },
        { from: user("connect_users_console_group", "b@example.com"), to: user("connect_users", "b@example.com") },
      ],
    };
    expect(activeMoves(stackJson, state)).toEqual([user("connect_users", "a@example.com")]);
    expect(activeMoves({}, state)).toEqual([]);
  });

  test("GIVEN a moved block without from WHEN read THEN it is refused, not skipped", () => {
    expect(() => activeMoves({ moved: [{ to: "x" }] }, state)).toThrow(/a moved block has no from address/);
  });
});
