/**
 * The pure rules of `npm run users -- sync`: the e-mail SAML sends, which members become users
 * with which profiles, who is renamed, who departed, who is left out and why, and the summary a
 * pull request shows. The command runs against moto's identity store in integration/users-sync.test.ts.
 */
import type { SyncGroup } from "../lib/config/environment";
import type { UserEntry } from "../lib/config/schema";
import type { StoreUser } from "../lib/tools/users/identity-store";
import { samlEmail, summaryMarkdown, syncChanges, type SyncInput } from "../lib/tools/users/members";

const AGENTS: SyncGroup = { group: "Agents", routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] };
const LEADS: SyncGroup = { group: "Leads", routingProfile: "Leads", securityProfiles: ["Agent", "CallCenterManager"] };

const member = (userName: string, more: Partial<StoreUser> = {}): StoreUser => ({
  userId: `id-${userName}`,
  userName,
  emails: [{ value: userName, primary: true }],
  givenName: "Given",
  familyName: userName.split("@")[0],
  ...more,
});
const inFile = (username: string, more: Partial<UserEntry> = {}): UserEntry => ({
  username,
  firstName: "Given",
  lastName: username.split("@")[0],
  securityProfiles: ["Agent"],
  routingProfile: "Basic Routing Profile",
  phoneType: "SOFT_PHONE",
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
  ...more,
});
function input(groups: Record<string, StoreUser[]>, current: UserEntry[], removeDeparted = false): SyncInput {
  const users = new Map(Object.values(groups).flatMap((list) => list.map((u) => [u.userId, u] as const)));
  return {
    current,
    syncGroups: [LEADS, AGENTS],
    members: new Map(Object.entries(groups).map(([group, list]) => [group, list.map((u) => u.userId)])),
    users,
    removeDeparted,
  };
}

test.each<[string, StoreUser["emails"], ReturnType<typeof samlEmail>]>([
  ["a primary e-mail among others", [{ value: "home@x.example" }, { value: "work@x.example", primary: true }], { email: "work@x.example" }],
  ["one e-mail, not marked primary", [{ value: "only@x.example" }], { email: "only@x.example" }],
  ["no e-mail", [], { refused: expect.stringMatching(/^has no e-mail/) }],
  ["an e-mail without a value", [{ primary: true }], { refused: expect.stringMatching(/^has no e-mail/) }],
  ["two e-mails, none primary", [{ value: "a@x.example" }, { value: "b@x.example" }], { refused: expect.stringMatching(/none is primary/) }],
  [
    "two primary e-mails",
    [
      { value: "a@x.example", primary: true },
      { value: "b@x.example", primary: true },
    ],
    { refused: expect.stringMatching(/several primary/) },
  ],
])("GIVEN a member with %s WHEN its SAML e-mail is read THEN it is the one SAML sends, or why there is none", (_what, emails, expected) => {
  expect(samlEmail(member("u@x.example", { emails }))).toEqual(expected);
});

test("GIVEN new members of two groups, one in both WHEN synced THEN each is added with the profiles of the first group listed, sorted by name", () => {
  const sam = member("sam@x.example");
  const changes = syncChanges(input({ Agents: [member("zoe@x.example"), sam], Leads: [sam] }, []));
  expect(changes.added).toEqual([
    { username: "sam@x.example", group: "Leads" },
    { username: "zoe@x.example", group: "Agents" },
  ]);
  expect(changes.incoming.map((i) => [i.user.username, i.user.routingProfile, i.user.securityProfiles, [...i.filled].sort()])).toEqual([
    ["sam@x.example", "Leads", ["Agent", "CallCenterManager"], ["firstName", "lastName", "routingProfile", "securityProfiles", "username"]],
    ["zoe@x.example", "Basic Routing Profile", ["Agent"], ["firstName", "lastName", "routingProfile", "securityProfiles", "username"]],
  ]);
});

test("GIVEN members already in the file WHEN synced THEN only their names follow Identity Center (in NFC, trimmed); profiles and settings stay the file's", () => {
  const changes = syncChanges(
    input({ Leads: [member("ana@x.example", { givenName: " Ana ", familyName: "Pen\u0303a" }), member("bo@x.example")] }, [
      inFile("ana@x.example", { routingProfile: "Special", autoAccept: true }),
      inFile("bo@x.example"),
    ]),
  );
  expect(changes.added).toEqual([]);
  expect(changes.renamed).toEqual([{ username: "ana@x.example", from: "Given ana", to: "Ana Peña" }]);
  expect(changes.incoming[0]).toEqual({
    user: expect.objectContaining({ firstName: "Ana", lastName: "Peña", routingProfile: "Special", autoAccept: true }),
    filled: new Set(["firstName", "lastName"]),
  });
});

test("GIVEN members that cannot be users WHEN synced THEN each is skipped naming the field, the value and why; one already in the file stays as it is", () => {
  const changes = syncChanges(
    input(
      {
        Agents: [
          member("mismatch@x.example", { emails: [{ value: "other@x.example", primary: true }] }),
          member("nomail", { emails: [] }),
          member("noname@x.example", { familyName: undefined }),
          member("Case@x.example"),
          member("jdoe", { emails: [{ value: "jdoe", primary: true }] }),
        ],
      },
      [inFile("mismatch@x.example"), inFile("case@x.example")],
      true,
    ),
  );
  expect(changes.skipped.map((s) => [s.username, s.field, s.value, s.reason.split(/[:;]/)[0]])).toEqual([
    ["Case@x.example", "userName", "Case@x.example", 'differs from "case@x.example" (in the file) only in case'],
    ["jdoe", "username", "jdoe", "must be an email address"],
    ["mismatch@x.example", "userName", "mismatch@x.example", 'differs from its e-mail "other@x.example"'],
    ["nomail", "emails", [], "has no e-mail"],
    ["noname@x.example", "lastName", undefined, "is empty in Identity Center"],
  ]);
  // Members (matched ignoring case, as Identity Center matches) are never departed, even when skipped.
  expect(changes.removed).toEqual([]);
  expect(changes.incoming.map((i) => i.user.username).sort()).toEqual(["case@x.example", "mismatch@x.example"]);
});

test("GIVEN users in no group WHEN synced THEN they are removed only with removeDeparted", () => {
  const groups = { Agents: [member("a@x.example")] };
  const current = [inFile("a@x.example"), inFile("gone@x.example")];
  expect(syncChanges(input(groups, current)).removed).toEqual([]);
  expect(syncChanges(input(groups, current, true)).removed).toEqual(["gone@x.example"]);
});

test("GIVEN Identity Center text with backticks and line breaks WHEN the summary is rendered THEN each value stays inline code on its line", () => {
  const markdown = summaryMarkdown({
    environment: "prod",
    file: "environments/prod.yaml",
    groups: [{ group: "Agents `x`\n# heading", members: 2 }],
    added: [{ username: "a@x.example", group: "Agents `x`\n# heading" }],
    renamed: [{ username: "b@x.example", from: "B Old", to: "B `New`\n## x" }],
    removed: ["c@x.example"],
    skipped: [{ username: "d\n# e", field: "userName", value: "d", reason: "why" }],
    removeDeparted: true,
  });
  expect(markdown.split("\n").filter((l) => /^#/.test(l))).toEqual(["### Identity Center sync: `prod`"]);
  expect(markdown).toContain("- `a@x.example`, from `` Agents `x`\\n# heading ``");
  expect(markdown).toContain("- `b@x.example`: `B Old` → `` B `New`\\n## x ``");
  expect(markdown).toContain("**Removed (in no group of identityCenter.syncGroups) (1)**\n\n- `c@x.example`");
  expect(markdown).toContain("Departed members are removed (--remove-departed).");
});
