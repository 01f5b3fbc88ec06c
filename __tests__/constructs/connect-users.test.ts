/**
 * ConnectUsers alone: one for_each resource keyed by user name, one look-up per distinct profile
 * name, adopted users imported by name, forgotten users moved out of state; and what it refuses.
 */
import { ConnectUsers, type ConnectUserSpec } from "../../modules/connect-users";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

const user = (username: string, more: Partial<ConnectUserSpec> = {}): ConnectUserSpec => ({
  username,
  firstName: "Alice",
  lastName: "Nguyen",
  securityProfiles: ["Agent"],
  routingProfile: "Basic Routing Profile",
  phoneType: "SOFT_PHONE",
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
  ...more,
});
const INSTANCE = "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
const alice = user("alice@example.com");
const bob = user("bob@example.com", { securityProfiles: ["Agent", "CallCenterManager"], phoneType: "DESK_PHONE", deskPhoneNumber: "+12065550100" });

describe("ConnectUsers builds", () => {
  test("GIVEN two users WHEN built THEN one resource is keyed by their names, never sends an email, and each profile name is looked up once", () => {
    const json = synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [alice, bob] }));
    const users = json.resource.aws_connect_user.connect_users;
    // The map is a local: Terraform evaluates an inline for_each map again for each instance.
    expect(users.for_each).toBe("${local.connect_users}");
    expect(Object.keys(json.locals.connect_users)).toEqual(["alice@example.com", "bob@example.com"]);
    expect(json.locals.connect_users["bob@example.com"]).toMatchObject({ phone_type: "DESK_PHONE", desk_phone_number: "+12065550100", secondary_email: null });
    expect(users.identity_info.email).toBeUndefined();
    expect(json.data.aws_connect_security_profile.security_profiles.for_each).toBe('${toset(["Agent", "CallCenterManager"])}');
    expect(json.data.aws_connect_routing_profile.routing_profiles.for_each).toBe('${toset(["Basic Routing Profile"])}');
    expect(json.import).toBeUndefined();
  });

  test("GIVEN no users WHEN built THEN it adds nothing", () => {
    const json = synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [] }));
    expect(json.resource).toBeUndefined();
    expect(json.data).toBeUndefined();
  });

  test("GIVEN an adopted user WHEN built THEN it is found by name and imported with the IDs found", () => {
    const json = synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [alice, bob], adopt: ["bob@example.com"] }));
    expect(json.data.aws_connect_user.adopted_connect_users).toEqual({
      for_each: '${toset(["bob@example.com"])}',
      instance_id: INSTANCE,
      name: "${each.value}",
    });
    expect(json.import).toEqual([
      {
        for_each: "${data.aws_connect_user.adopted_connect_users}",
        to: "aws_connect_user.connect_users[each.key]",
        id: "${each.value.instance_id}:${each.value.user_id}",
      },
    ]);
  });

  test("GIVEN users whose Connect IDs are known WHEN built THEN they are imported by ID, with no look-up by name", () => {
    const bobId = "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
    const json = synthesized(
      (stack) =>
        new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [alice, bob], adopt: ["alice@example.com"], adoptIds: { "bob@example.com": bobId } }),
    );
    expect(json.data.aws_connect_user.adopted_connect_users.for_each).toBe('${toset(["alice@example.com"])}');
    expect(json.import).toEqual([
      expect.objectContaining({ for_each: "${data.aws_connect_user.adopted_connect_users}" }),
      // One block a user: Terraform resolves each target alone.
      { to: 'aws_connect_user.connect_users["bob@example.com"]', id: `${INSTANCE}:${bobId}` },
    ]);
  });

  test("GIVEN a forgotten user and no users left WHEN built THEN its state moves out without a delete", () => {
    const json = synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [], forget: ["carol@example.com"] }));
    // From whichever of the two blocks holds it (see CONNECT_USER_BLOCKS).
    expect(json.moved).toEqual([
      { from: 'aws_connect_user.connect_users["carol@example.com"]', to: 'aws_connect_user.connect_users_forgotten["carol@example.com"]' },
      {
        from: 'aws_connect_user.connect_users_console_group["carol@example.com"]',
        to: 'aws_connect_user.connect_users_console_group_forgotten["carol@example.com"]',
      },
    ]);
    expect(json.removed).toEqual([
      { from: "aws_connect_user.connect_users_forgotten", lifecycle: { destroy: false } },
      { from: "aws_connect_user.connect_users_console_group_forgotten", lifecycle: { destroy: false } },
    ]);
  });
});

describe("ConnectUsers hierarchy groups and tags", () => {
  const teamA = "Americas/Seattle/Team A";
  const build = (users: ConnectUserSpec[], manageHierarchyGroups?: boolean) =>
    synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users, manageHierarchyGroups }));

  test("GIVEN hierarchy not managed WHEN built THEN hierarchy_group_id is unset and ignored, so a group set in the console stays", () => {
    const users = build([alice]).resource.aws_connect_user.connect_users;
    expect(users.hierarchy_group_id).toBeUndefined();
    expect(users.lifecycle).toEqual({ ignore_changes: ["hierarchy_group_id"] });
  });

  test("GIVEN two users in one group and one without WHEN managed THEN the group is looked up once by its last name and checked against its whole path", () => {
    const json = build(
      [user("a@example.com", { hierarchyGroup: teamA }), user("b@example.com", { hierarchyGroup: teamA }), user("c@example.com", { hierarchyGroup: "none" })],
      true,
    );
    const groups = json.data.aws_connect_user_hierarchy_group.hierarchy_groups;
    expect(groups.for_each).toEqual({ [teamA]: { name: "Team A", id: null } });
    expect(groups.name).toBe("${each.value.name}");
    expect(groups.hierarchy_group_id).toBe("${each.value.id}");
    const [check] = groups.lifecycle.postcondition;
    expect(check.condition).toBe(
      String.raw`${"$"}{join("/", compact([for level in ["level_one","level_two","level_three","level_four","level_five"] : try(replace(replace(self.hierarchy_path[0][level][0].name, "\\", "\\\\"), "/", "\\/"), null)])) == each.key}`,
    );
    expect(check.error_message).toContain(
      "not at that path. Fix the path (or its ID in connect.hierarchyGroupIds) in the environment file, or move the group in Connect.",
    );
    const users = json.resource.aws_connect_user.connect_users;
    expect(users.lifecycle).toBeUndefined();
    expect(users.hierarchy_group_id).toBe(
      "${each.value.hierarchy_group == null ? null : data.aws_connect_user_hierarchy_group.hierarchy_groups[each.value.hierarchy_group].hierarchy_group_id}",
    );
    // `none` clears the group.
    expect(json.locals.connect_users["c@example.com"].hierarchy_group).toBeNull();
    expect(json.locals.connect_users["a@example.com"].hierarchy_group).toBe(teamA);
  });

  test("GIVEN managed hierarchy and users whose group is none WHEN built THEN nothing is looked up and their groups are cleared", () => {
    const json = build([user("c@example.com", { hierarchyGroup: "none" })], true);
    expect(json.data.aws_connect_user_hierarchy_group).toBeUndefined();
    expect(json.resource.aws_connect_user.connect_users.hierarchy_group_id).toBeUndefined();
    expect(json.resource.aws_connect_user.connect_users.lifecycle).toBeUndefined();
  });

  test("GIVEN managed hierarchy, a supervisor with a group and an agent without WHEN built THEN the agent keeps the console's group, in a block of its own that ignores it", () => {
    const json = build([user("sup@example.com", { hierarchyGroup: teamA }), alice], true);
    const { connect_users: file, connect_users_console_group: console } = json.resource.aws_connect_user;
    expect(Object.keys(json.locals.connect_users)).toEqual(["sup@example.com"]);
    expect(file.for_each).toBe("${local.connect_users}");
    expect(file.lifecycle).toBeUndefined();
    expect(Object.keys(json.locals.connect_users_console_group)).toEqual(["alice@example.com"]);
    expect(console.for_each).toBe("${local.connect_users_console_group}");
    expect(console.lifecycle).toEqual({ ignore_changes: ["hierarchy_group_id"] });
    expect(json.locals.connect_users_console_group["alice@example.com"]).not.toHaveProperty("hierarchy_group");
    // Each user's state follows it from the other block, so nobody is re-created when that changes.
    expect(json.moved).toEqual([
      { from: 'aws_connect_user.connect_users_console_group["sup@example.com"]', to: 'aws_connect_user.connect_users["sup@example.com"]' },
      { from: 'aws_connect_user.connect_users["alice@example.com"]', to: 'aws_connect_user.connect_users_console_group["alice@example.com"]' },
    ]);
  });

  test("GIVEN hierarchy not managed WHEN built THEN every user is in the one block, and its state comes back from the console-group block if it was there", () => {
    const json = build([alice]);
    expect(Object.keys(json.resource.aws_connect_user)).toEqual(["connect_users"]);
    expect(json.moved).toEqual([
      { from: 'aws_connect_user.connect_users_console_group["alice@example.com"]', to: 'aws_connect_user.connect_users["alice@example.com"]' },
    ]);
  });

  test("GIVEN a group whose name another shares, with its ID, and a name holding a / WHEN built THEN the first is looked up by ID, the second by its name unescaped, both checked against their paths", () => {
    const json = synthesized(
      (stack) =>
        new ConnectUsers(stack, "users", {
          instanceId: INSTANCE,
          manageHierarchyGroups: true,
          hierarchyGroupIds: { "Europe/Dublin/Sales": "0a1b2c3d-1111-2222-3333-444455556666" },
          users: [user("a@example.com", { hierarchyGroup: "Europe/Dublin/Sales" }), user("b@example.com", { hierarchyGroup: "Americas/Sales\\/Service" })],
        }),
    );
    expect(json.data.aws_connect_user_hierarchy_group.hierarchy_groups.for_each).toEqual({
      "Europe/Dublin/Sales": { name: null, id: "0a1b2c3d-1111-2222-3333-444455556666" },
      "Americas/Sales\\/Service": { name: "Sales/Service", id: null },
    });
  });

  test("GIVEN template text in a group path and in tags WHEN built THEN it reaches Terraform literal", () => {
    const path = "${var.x}/%{ if true }y";
    const json = build([user("a@example.com", { hierarchyGroup: path, tags: { Team: "${a}" } })], true);
    expect(json.data.aws_connect_user_hierarchy_group.hierarchy_groups.for_each).toEqual({ "$${var.x}/%%{ if true }y": { name: "%%{ if true }y", id: null } });
    expect(json.locals.connect_users["a@example.com"]).toMatchObject({
      hierarchy_group: "$${var.x}/%%{ if true }y",
      tags: { Team: "$${a}" },
    });
  });

  test("GIVEN a user's tags WHEN built THEN the resource carries them (the environment's come from default_tags) and a user without has none", () => {
    const json = build([user("a@example.com", { tags: { CostCenter: "42" } }), alice]);
    expect(json.resource.aws_connect_user.connect_users.tags).toBe("${each.value.tags}");
    expect(json.locals.connect_users["a@example.com"].tags).toEqual({ CostCenter: "42" });
    expect(json.locals.connect_users["alice@example.com"].tags).toBeNull();
  });

  test("GIVEN a group while hierarchy is not managed WHEN built THEN it is refused", () => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [user("a@example.com", { hierarchyGroup: teamA })] }),
      `${STACK}/users: a@example.com names hierarchy group "Americas/Seattle/Team A", but manageHierarchyGroups is false`,
    );
  });

  test.each(["Americas//Team A", "Americas / Seattle", "a/b/c/d/e/f"])("GIVEN group path %j WHEN built THEN it is refused", (path) => {
    expect(() => build([user("a@example.com", { hierarchyGroup: path })], true)).toThrow(
      `hierarchy group path ${JSON.stringify(path)}: allowed: 1..5 level names`,
    );
  });
});

describe("ConnectUsers refuses, naming its path", () => {
  test.each(["bob smith@example.com", "b", "ab/c@example.com"])("GIVEN user name %j WHEN built THEN it is refused", (username) => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [user(username)] }),
      `${STACK}/users: users[].username ${JSON.stringify(username)} is not valid; allowed: 2..64 of A-Z a-z 0-9 _ . @ -`,
    );
  });

  test("GIVEN a user name twice WHEN built THEN it is refused", () => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [alice, user("alice@example.com")] }),
      `${STACK}/users: user name "alice@example.com" is given twice; allowed: each once`,
    );
  });

  test("GIVEN a decomposed (NFD) last name WHEN built THEN it is refused: Connect refuses decomposed text", () => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [user("jose@example.com", { lastName: "Peña".normalize("NFD") })] }),
      `${STACK}/users: names of jose@example.com are not in Unicode NFC; Connect refuses decomposed text`,
    );
  });

  test.each([
    ["a name that is not among the users", [alice], ["carol@example.com"]],
    ["any name when there are no users", [], ["alice@example.com"]],
  ])("GIVEN adopt with %s WHEN built THEN it is refused (it would import nothing)", (_what, users, adopt) => {
    expectValidationError(
      (stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users, adopt }),
      `${STACK}/users: adopt names ${JSON.stringify(adopt)}, which this construct does not manage; allowed: names of the users given`,
    );
  });

  test.each<[string, Record<string, string>, string[], string]>([
    ["a name that is not among the users", { "carol@example.com": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" }, [], 'adoptIds names "carol@example.com"'],
    [
      "a name also adopted by name",
      { "alice@example.com": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" },
      ["alice@example.com"],
      'adoptIds names "alice@example.com"',
    ],
    ["an ID that is not a Connect user ID", { "alice@example.com": '${file("/etc/passwd")}' }, [], "adoptIds[]"],
  ])("GIVEN adoptIds with %s WHEN built THEN it is refused", (_what, adoptIds, adopt, message) => {
    expect(() => synthesized((stack) => new ConnectUsers(stack, "users", { instanceId: INSTANCE, users: [alice], adopt, adoptIds }))).toThrow(message);
  });
});
