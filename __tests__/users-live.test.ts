/**
 * The pure rules of `npm run users -- import-live`: a live Connect user as a `users[]` entry (or
 * why not), which live users can be adopted beside the file's, and `adopt.userIds` written into a
 * file's text without touching the rest. The command itself runs against the Connect fake in
 * integration/import-live.test.ts.
 */
import { parse } from "yaml";
import type { UserEntry } from "../lib/config/schema";
import type { ConnectUserFields } from "../lib/tools/connect-users/bulk-reader";
import { withAdoptedUserIds } from "../lib/tools/users/adopt-ids";
import { adoptable } from "../lib/tools/users/live";
import { liveUser, type LiveUserContext } from "../lib/tools/users/live-user";

const ID = "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const OTHER_ID = "4f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

const fields = (more: Partial<ConnectUserFields> = {}): ConnectUserFields => ({
  id: ID,
  arn: `arn:aws:connect:us-west-2:111122223333:instance/i/agent/${ID}`,
  username: "alice@example.com",
  firstName: "Alice",
  lastName: "Nguyen",
  secondaryEmail: { read: true },
  phoneType: "SOFT_PHONE",
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
  securityProfileIds: ["sp-agent"],
  routingProfileId: "rp-basic",
  tags: {},
  readBy: "DescribeUser",
  ...more,
});

const context = (more: Partial<LiveUserContext> = {}): LiveUserContext => ({
  names: {
    securityProfiles: new Map([
      ["sp-agent", "Agent"],
      ["sp-manager", "CallCenterManager"],
    ]),
    routingProfiles: new Map([["rp-basic", "Basic Routing Profile"]]),
    hierarchyLevels: new Map([
      ["g-seattle", ["Americas", "Seattle"]],
      ["g-slash", ["Americas", "Sales/Support"]],
      ["g-blank", ["Americas", "Sales "]],
    ]),
  },
  manageHierarchyGroups: true,
  environmentTags: { Project: "contact-center" },
  ...more,
});

describe("a live user as an entry", () => {
  test("GIVEN a user with default settings WHEN converted THEN the entry names its profiles and leaves the defaults out, as a person writes it", () => {
    const result = liveUser(fields(), context());
    expect(result).toEqual({
      id: ID,
      incoming: {
        user: expect.objectContaining({ username: "alice@example.com", securityProfiles: ["Agent"], routingProfile: "Basic Routing Profile" }),
        filled: new Set(["username", "firstName", "lastName", "securityProfiles", "routingProfile"]),
      },
    });
  });

  test("GIVEN a user with every setting WHEN converted THEN each is kept, profiles sorted, the environment's own tag and aws: tags left out", () => {
    const result = liveUser(
      fields({
        securityProfileIds: ["sp-manager", "sp-agent"],
        phoneType: "DESK_PHONE",
        deskPhoneNumber: "+12065550100",
        secondaryEmail: { read: true, value: "alice@home.example" },
        autoAccept: true,
        afterContactWorkTimeLimit: 30,
        hierarchyGroupId: "g-seattle",
        tags: { Team: "blue", Project: "contact-center", "aws:cloudformation:stack-name": "x" },
      }),
      context(),
    );
    if (!("incoming" in result)) throw new Error(JSON.stringify(result));
    expect(result.incoming.user).toEqual({
      username: "alice@example.com",
      firstName: "Alice",
      lastName: "Nguyen",
      securityProfiles: ["Agent", "CallCenterManager"],
      routingProfile: "Basic Routing Profile",
      phoneType: "DESK_PHONE",
      deskPhoneNumber: "+12065550100",
      secondaryEmail: "alice@home.example",
      autoAccept: true,
      afterContactWorkTimeLimit: 30,
      hierarchyGroup: "Americas/Seattle",
      tags: { Team: "blue" },
    });
  });

  test("GIVEN an environment that does not manage hierarchy groups WHEN converted THEN the group is not written", () => {
    const result = liveUser(fields({ hierarchyGroupId: "g-slash" }), context({ manageHierarchyGroups: false }));
    expect("incoming" in result && result.incoming.user.hierarchyGroup).toBe(undefined);
  });

  test.each<[string, Partial<ConnectUserFields>, { field: string; value: unknown; reason: RegExp }]>([
    ["a user name that is not an e-mail", { username: "jdoe" }, { field: "username", value: "jdoe", reason: /^cannot sign in through SAML/ }],
    ["a user name of 65 characters", { username: `${"a".repeat(53)}@example.com` }, { field: "username", value: expect.any(String), reason: /SAML/ }],
    ["no first name", { firstName: undefined }, { field: "firstName", value: undefined, reason: /is empty in Connect; the environment file needs it/ }],
    ["a last name of 101 characters", { lastName: "N".repeat(101) }, { field: "lastName", value: "N".repeat(101), reason: /at most 100 characters/ }],
    ["a first name with a blank at its end", { firstName: "Alice " }, { field: "firstName", value: "Alice ", reason: /blanks at either end/ }],
    [
      "an unknown security profile",
      { securityProfileIds: ["sp-gone"] },
      { field: "securityProfiles", value: "sp-gone", reason: /ListSecurityProfiles did not answer/ },
    ],
    [
      "an unknown routing profile",
      { routingProfileId: "rp-gone" },
      { field: "routingProfile", value: "rp-gone", reason: /ListRoutingProfiles did not answer/ },
    ],
    [
      "a group name with a blank at its end",
      { hierarchyGroupId: "g-blank" },
      { field: "hierarchyGroup", value: ["Americas", "Sales "], reason: /blanks at either end/ },
    ],
    ["a tag the file cannot hold", { tags: { "bad{key}": "x" } }, { field: "tags", value: { "bad{key}": "x" }, reason: /tag keys/ }],
    ["an ID that is not a UUID", { id: "${x}" }, { field: "id", value: "${x}", reason: /lowercase UUID/ }],
  ])("GIVEN %s WHEN converted THEN the user is skipped, naming the field, the value and why", (_what, more, expected) => {
    const result = liveUser(fields(more), context());
    expect(result).toEqual({
      skipped: { username: more.username ?? "alice@example.com", field: expected.field, value: expected.value, reason: expect.stringMatching(expected.reason) },
    });
  });

  test("GIVEN a group name holding / WHEN converted THEN the path escapes it", () => {
    const result = liveUser(fields({ hierarchyGroupId: "g-slash" }), context());
    expect("incoming" in result && result.incoming.user.hierarchyGroup).toBe("Americas/Sales\\/Support");
  });

  test("GIVEN a user whose secondary email was not read WHEN converted THEN it is refused: the entry would drop the email", () => {
    expect(() => liveUser(fields({ secondaryEmail: { read: false }, readBy: "SearchUsers" }), context())).toThrow(/DescribeUser for every user/);
  });
});

describe("which live users are adopted", () => {
  const entry = (username: string, securityProfiles = ["Agent"]) =>
    liveUser(fields({ username, securityProfileIds: securityProfiles.map((p) => (p === "Agent" ? "sp-agent" : "sp-manager")) }), context());
  const inFile = (username: string, securityProfiles: string[]): UserEntry => ({
    username,
    firstName: "A",
    lastName: "B",
    securityProfiles,
    routingProfile: "Basic Routing Profile",
    phoneType: "SOFT_PHONE",
    autoAccept: false,
    afterContactWorkTimeLimit: 0,
  });

  test("GIVEN user names that differ only in case, in Connect or against the file WHEN adopted THEN only the first is, the others are listed", () => {
    const { adopted, skipped } = adoptable(
      [entry("bob@example.com"), entry("Bob@example.com"), entry("Carol@example.com")],
      [inFile("carol@example.com", ["Agent"])],
    );
    expect(adopted.map((a) => a.incoming.user.username)).toEqual(["bob@example.com"]);
    expect(skipped.map((s) => [s.username, s.reason.replace(/ only in case.*/, "")])).toEqual([
      ["Bob@example.com", 'differs from "bob@example.com" (in Connect)'],
      ["Carol@example.com", 'differs from "carol@example.com" (in the file)'],
    ]);
  });

  test("GIVEN the file's profiles in another order WHEN adopted THEN the file's order stays (Connect keeps a set); other profiles are Connect's", () => {
    const { adopted } = adoptable(
      [entry("a@example.com", ["Agent", "CallCenterManager"]), entry("b@example.com", ["Agent", "CallCenterManager"])],
      [inFile("a@example.com", ["CallCenterManager", "Agent"]), inFile("b@example.com", ["Agent"])],
    );
    expect(adopted.map((a) => a.incoming.user.securityProfiles)).toEqual([
      ["CallCenterManager", "Agent"],
      ["Agent", "CallCenterManager"],
    ]);
  });
});

describe("adopt.userIds in the file's text", () => {
  const ids = [
    ["alice@example.com", ID],
    ["bob@example.com", OTHER_ID],
  ] as const;

  test("GIVEN a file without adopt WHEN the IDs are set THEN an adopt block follows the file, which stays as it was, with a comment saying when it can go", () => {
    const text = "account: x   # aligned\nusers:\n  - username: a\n";
    const result = withAdoptedUserIds(text, ids);
    expect(result.startsWith(text)).toBe(true);
    expect(result.slice(text.length)).toMatch(
      /^adopt:\n {2}userIds:\n {4}# .*imports them by their ID.*\n {4}# \(npm run users -- import-live\)\. Once that apply is done, these lines can be removed\.\n {4}alice@example\.com: 3f1c/,
    );
    expect(parse(result).adopt).toEqual({ userIds: Object.fromEntries(ids) });
  });

  test("GIVEN adopt with settings, comments and IDs WHEN the IDs are set THEN they join the ones there, the settings and comments stay, and the rest of the file is untouched", () => {
    const before = "account: x\n";
    const after = "\nusers: []   # none yet\n";
    const text = `${before}adopt:   # made by hand\n  role: true   # the role\n  userIds:\n    # kept\n    carol@example.com: ${OTHER_ID}\n${after}`;
    const result = withAdoptedUserIds(text, ids);
    expect(result.startsWith(before)).toBe(true);
    expect(result.endsWith(after)).toBe(true);
    expect(result).toContain("# made by hand");
    expect(result).toContain("role: true # the role");
    expect(result).toContain("# kept");
    expect(parse(result).adopt).toEqual({ role: true, userIds: { "carol@example.com": OTHER_ID, ...Object.fromEntries(ids) } });
  });

  test("GIVEN adopt as a flow map, or empty WHEN the IDs are set THEN it becomes a block holding them", () => {
    for (const adopt of ["adopt: { role: true }\n", "adopt:\n", "adopt:   # later\n"]) {
      const result = withAdoptedUserIds(`account: x\n${adopt}users: []\n`, ids);
      expect(result).toMatch(/^account: x\nadopt:\n/);
      expect(result.endsWith("users: []\n")).toBe(true);
      expect(parse(result).adopt.userIds).toEqual(Object.fromEntries(ids));
    }
    expect(withAdoptedUserIds("account: x\nadopt:   # later\nusers: []\n", ids)).toContain("# later");
  });

  test("GIVEN adopt between other keys, a comment at column 0 heading the next WHEN the IDs are set THEN only the adopt block changes (the rest is not even parsed)", () => {
    const text = "account: x\nadopt:\n  role: true\n\n# The team\nusers:\n  - username: a\n    # adopt: not this one\n";
    const result = withAdoptedUserIds(text, ids);
    expect(result.startsWith("account: x\nadopt:\n  role: true\n  userIds:\n")).toBe(true);
    expect(result.endsWith("\n\n# The team\nusers:\n  - username: a\n    # adopt: not this one\n")).toBe(true);
    expect(parse(result).adopt).toEqual({ role: true, userIds: Object.fromEntries(ids) });
  });

  test("GIVEN the IDs already there, or none to set WHEN set THEN the text is returned as it was", () => {
    const text = `adopt:\n  userIds:\n    alice@example.com: ${ID}\n    bob@example.com: ${OTHER_ID}\n`;
    expect(withAdoptedUserIds(text, ids)).toBe(text);
    expect(withAdoptedUserIds("account: x\n", [])).toBe("account: x\n");
  });

  test("GIVEN adopt or userIds that is not a mapping WHEN the IDs are set THEN it refuses (the command reports it, nothing written)", () => {
    expect(() => withAdoptedUserIds("adopt: [a]\n", ids)).toThrow("adopt is not a mapping");
    expect(() => withAdoptedUserIds("adopt:\n  userIds: [a]\n", ids)).toThrow("adopt.userIds is not a mapping");
  });
});
