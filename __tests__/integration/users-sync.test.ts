/**
 * `npm run users -- sync <env>`: Identity Center group members merged into an environment file,
 * read from moto_server's identity store on loopback (CreateUser, CreateGroup,
 * CreateGroupMembership to seed; GetGroupId, ListGroupMemberships paged, DescribeUser and STS
 * AssumeRole to read: moto 5.2.1 implements each, so nothing here needs the project's fake). In
 * this process (runUsersCli with the endpoints given).
 *
 * Where moto guesses: it creates an identity store on first use (AWS has one per Identity Center
 * instance), pages ListGroupMemberships in the order memberships were made, and answers AssumeRole
 * for any role ARN of its account.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CreateGroupCommand, CreateGroupMembershipCommand, CreateUserCommand, IdentitystoreClient, type Email } from "@aws-sdk/client-identitystore";
import { parse } from "yaml";
import type { StoreAwsOptions } from "../../lib/tools/users/identity-store";
import { runUsersIn, teamFolderForEachTest } from "../support/team-folder";
import { startMotoServer, type MotoServer } from "../support/terraform";
import { atScale, describeIfTools, missingTool } from "../support/tools";

const ACCOUNT = "111122223333";
const STORE = "d-90670c0ffe";
const REGION = "us-west-2";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const AGENTS = "Contact center agents";
const SUPERVISORS = "Contact center supervisors";
const MEMBERS = atScale(2000, 60);
/** ListGroupMemberships calls for the two groups (1 and MEMBERS + 5 members) at `pageSize` a page. */
const membershipPages = (pageSize: number) => 1 + Math.ceil((MEMBERS + 5) / pageSize);
const agentName = (i: number) => `agent.${String(i).padStart(4, "0")}@example.com`;

const ENV = `# Team environment: comments must survive a sync.
account: "${ACCOUNT}"
region: ${REGION}
connect:
  instanceId: 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90
ssoApplication:
  displayName: Amazon Connect (team)
  metadataFile: metadata/dev.xml
identityCenter:
  identityStoreId: ${STORE}
  syncGroups:
    - group: ${SUPERVISORS}       # first: a supervisor who is also an agent gets these
      routingProfile: Supervisors
      securityProfiles: [Agent, CallCenterManager]
    - group: ${AGENTS}
      routingProfile: Basic Routing Profile
      securityProfiles: [Agent]

users:
  # Renamed in Identity Center since.
  - username: alice.nguyen@example.com   # lead
    firstName: Alice
    lastName: Nguyen
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
    autoAccept: true

  # In no group: departed.
  - username: bob.martin@example.com
    firstName: Bob
    lastName: Martin
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile

  # A member whose e-mail Identity Center now says differs from the user name: skipped, kept.
  - username: carol.diaz@example.com
    firstName: Carol
    lastName: Díaz
    securityProfiles: [Agent]
    routingProfile: Basic Routing Profile
`;

describeIfTools("users sync from Identity Center groups (moto_server's identity store on loopback)", [missingTool("moto_server", ["--help"])], () => {
  let moto: MotoServer;
  let work: string;
  let envDir: string;
  const envFile = () => path.join(envDir, "team.yaml");
  const envText = () => fs.readFileSync(envFile(), "utf8");
  let aws: StoreAwsOptions;

  beforeAll(async () => {
    moto = await startMotoServer({ accountId: ACCOUNT, readyTimeoutMs: 20_000 });
    aws = { endpoints: { identitystore: moto.url, sts: moto.url, ssoAdmin: moto.url }, credentials: CREDENTIALS };
    const store = new IdentitystoreClient({ region: REGION, endpoint: moto.url, credentials: CREDENTIALS, maxAttempts: 1 });
    const group = async (name: string) => (await store.send(new CreateGroupCommand({ IdentityStoreId: STORE, DisplayName: name }))).GroupId!;
    const user = async (userName: string, given: string, family: string, emails: Email[]) =>
      (
        await store.send(
          new CreateUserCommand({
            IdentityStoreId: STORE,
            UserName: userName,
            DisplayName: `${given} ${family}`,
            Name: { GivenName: given, FamilyName: family },
            Emails: emails,
          }),
        )
      ).UserId!;
    const member = (groupId: string, userId: string) =>
      store.send(new CreateGroupMembershipCommand({ IdentityStoreId: STORE, GroupId: groupId, MemberId: { UserId: userId } }));
    const agents = await group(AGENTS);
    const supervisors = await group(SUPERVISORS);
    await group("Contact center alumni");
    const work = (email: string) => [{ Value: email, Type: "work", Primary: true }];
    // One at a time: moto's threaded server races on concurrent CreateUser (an HTML 500 page).
    for (let i = 0; i < MEMBERS; i++) await member(agents, await user(agentName(i), "Agent", `Number ${i}`, work(agentName(i))));
    await member(agents, await user("alice.nguyen@example.com", "Alicia", "Nguyen-Smith", work("alice.nguyen@example.com")));
    const lead = await user("sam.lee@example.com", "Sam", "Lee", work("sam.lee@example.com"));
    await member(supervisors, lead);
    await member(agents, lead);
    await member(agents, await user("no.mail", "No", "Mail", []));
    await member(agents, await user("carol.diaz@example.com", "Carol", "Díaz", work("carol.d@example.com")));
    await member(
      agents,
      await user("two.mails@example.com", "Two", "Mails", [
        { Value: "two.mails@example.com", Type: "work" },
        { Value: "two@home.example", Type: "home" },
      ]),
    );
  }, 300_000);
  afterAll(() => moto?.stop());

  teamFolderForEachTest("connect-sso-users-sync-", ENV, (made) => ({ work, envDir } = made));

  const users = (argv: string[], storeOptions: StoreAwsOptions = aws) => runUsersIn({ work, envDir }, argv, { identityStore: storeOptions });

  test(`GIVEN groups of ${MEMBERS + 5} members WHEN synced THEN new members are added with their group's profiles, names follow Identity Center, nothing else changes, and members who cannot be users are reported`, async () => {
    const r = await users(["sync", "team", "--summary", "summary.md"]);
    expect(r.code).toBe(0);
    const text = envText();
    // Comments and the file's own settings stay; alice keeps her profiles and autoAccept, only her names follow.
    expect(text.startsWith(ENV.slice(0, ENV.indexOf("  - username: alice")))).toBe(true);
    expect(text).toContain(
      "  - username: alice.nguyen@example.com   # lead\n    firstName: Alicia\n    lastName: Nguyen-Smith\n    securityProfiles: [Agent]\n",
    );
    expect(text).toContain(ENV.slice(ENV.indexOf("  # In no group: departed."), ENV.indexOf("  # A member whose")));
    const file = parse(text) as { users: Array<Record<string, unknown>> };
    const byName = new Map(file.users.map((u) => [u.username, u]));
    expect(file.users).toHaveLength(3 + MEMBERS + 1);
    expect(byName.get("sam.lee@example.com")).toEqual({
      username: "sam.lee@example.com",
      firstName: "Sam",
      lastName: "Lee",
      securityProfiles: ["Agent", "CallCenterManager"],
      routingProfile: "Supervisors",
    });
    expect(byName.get(agentName(MEMBERS - 1))).toEqual({
      username: agentName(MEMBERS - 1),
      firstName: "Agent",
      lastName: `Number ${MEMBERS - 1}`,
      securityProfiles: ["Agent"],
      routingProfile: "Basic Routing Profile",
    });
    expect(byName.get("carol.diaz@example.com")).toMatchObject({ firstName: "Carol" });
    expect(byName.has("no.mail")).toBe(false);

    const lines = r.err.filter((l) => !l.startsWith("users: added "));
    // Sam is in both groups: described once. Memberships page 100 at a time.
    expect(lines[0]).toBe(
      `users: read ${MEMBERS + 5} members of 2 group(s) in identity store ${STORE} (GetGroupId 2, ListGroupMemberships ${membershipPages(100)}, DescribeUser ${MEMBERS + 5})`,
    );
    // More than 500 users in one stack (at full scale): synth's own warning, printed as the file is written.
    const warned = MEMBERS + 4 > 500;
    if (warned)
      expect(lines[1]).toMatch(new RegExp(`^warning: environments/team\\.yaml: users: connect-sso-team would hold ${MEMBERS + 4} users \\(more than 500\\)`));
    expect(lines.slice(warned ? 2 : 1)).toEqual([
      'users: renamed alice.nguyen@example.com: "Alice Nguyen" -> "Alicia Nguyen-Smith"',
      expect.stringMatching(
        /^users: not synced: carol\.diaz@example\.com: userName "carol\.diaz@example\.com": differs from its e-mail "carol\.d@example\.com"/,
      ),
      expect.stringMatching(/^users: not synced: no\.mail: emails \[\]: has no e-mail/),
      expect.stringMatching(
        /^users: not synced: two\.mails@example\.com: emails \["two\.mails@example\.com","two@home\.example"\]: has several e-mails and none is primary/,
      ),
      `users: ${path.join("environments", "team.yaml")}: ${MEMBERS + 1} added, 1 renamed, 0 removed, 3 skipped ("${SUPERVISORS}" 1 members, "${AGENTS}" ${MEMBERS + 5} members)`,
    ]);
    expect(r.err.filter((l) => l.startsWith("users: added "))).toHaveLength(MEMBERS + 1);
    const summary = fs.readFileSync(path.join(work, "summary.md"), "utf8");
    expect(summary).toContain(`**Added (${MEMBERS + 1})**`);
    expect(summary).toContain("- `sam.lee@example.com`, from `Contact center supervisors`");
    expect(summary).toContain("**Renamed (1)**\n\n- `alice.nguyen@example.com`: `Alice Nguyen` → `Alicia Nguyen-Smith`");
    expect(summary).toContain("**Skipped (not synced: fix them in Identity Center) (3)**");
    expect(summary).not.toContain("**Removed");
    expect(summary).toContain("Departed members are kept");

    // Again: nothing to change, the file is not written.
    const before = fs.statSync(envFile()).mtimeMs;
    const again = await users(["sync", "team"]);
    expect(again.code).toBe(0);
    expect(again.err[again.err.length - 1]).toBe(`users: ${path.join("environments", "team.yaml")}: no changes`);
    expect(fs.statSync(envFile()).mtimeMs).toBe(before);
  }, 300_000);

  test("GIVEN --remove-departed WHEN synced THEN users in no group are removed, members who could not be synced stay; the calls page through the memberships", async () => {
    const r = await users(["sync", "team", "--remove-departed"], { ...aws, pageSize: 7 });
    expect(r.code).toBe(0);
    // 1 and MEMBERS + 5 members, 7 a page.
    expect(r.err[0]).toMatch(new RegExp(`\\(GetGroupId 2, ListGroupMemberships ${membershipPages(7)}, DescribeUser ${MEMBERS + 5}\\)$`));
    expect(r.err).toContain("users: removed bob.martin@example.com (in no group of identityCenter.syncGroups)");
    const file = parse(envText()) as { users: Array<{ username: string }> };
    expect(file.users.map((u) => u.username)).not.toContain("bob.martin@example.com");
    expect(file.users.map((u) => u.username)).toContain("carol.diaz@example.com");
    // Bob's entry goes; a comment above it may head others, so it stays (as with the CSV import's --replace).
    expect(envText()).toContain("  # In no group: departed.\n\n  # A member whose");
  }, 300_000);

  test("GIVEN identityCenter.assumeRoleArn WHEN synced THEN the reads go through a session of that role (STS AssumeRole on moto)", async () => {
    fs.writeFileSync(
      envFile(),
      ENV.replace(`  identityStoreId: ${STORE}\n`, `  identityStoreId: ${STORE}\n  assumeRoleArn: arn:aws:iam::${ACCOUNT}:role/IdentityCenterReader\n`),
    );
    const { readGroupMembers } = await import("../../lib/tools/users/identity-store");
    const read = await readGroupMembers(
      { region: REGION, identityStoreId: STORE, assumeRoleArn: `arn:aws:iam::${ACCOUNT}:role/IdentityCenterReader`, groups: [SUPERVISORS] },
      aws,
    );
    expect(read.calls).toEqual({ AssumeRole: 1, ListInstances: 0, GetGroupId: 1, ListGroupMemberships: 1, DescribeUser: 1 });
    const r = await users(["sync", "team", "--group", SUPERVISORS]);
    expect(r.code).toBe(0);
    expect(r.err[r.err.length - 1]).toMatch(/1 added, 0 renamed, 0 removed, 0 skipped/);
  }, 120_000);

  test("GIVEN bad input WHEN synced THEN the message names the file, field, value and what is allowed, and nothing is written", async () => {
    const cases: Array<[string[], string | undefined, number, RegExp]> = [
      [["sync"], undefined, 2, /sync takes <env>; given 0 argument\(s\)/],
      [["sync", "team", "--group"], undefined, 2, /sync: Option '--group <value>' argument missing/],
      [
        ["sync", "team", "--group", AGENTS, "--remove-departed"],
        undefined,
        2,
        /--remove-departed reads every group of identityCenter\.syncGroups; leave out --group/,
      ],
      [["sync", "team", "--group", AGENTS, "--group", AGENTS], undefined, 2, /--group "Contact center agents" is given twice/],
      [
        ["sync", "team", "--group", "Contact center alumni"],
        undefined,
        1,
        /team\.yaml: identityCenter\.syncGroups: --group "Contact center alumni" is not listed; add \{ group: "Contact center alumni", routingProfile, securityProfiles \}/,
      ],
      [
        ["sync", "team"],
        ENV.replace(/ {2}syncGroups:[\s\S]*?\n\nusers:/, "\nusers:"),
        1,
        /team\.yaml: identityCenter\.syncGroups: names no group to sync; allowed: identityCenter\.syncGroups: \[\{ group, routingProfile, securityProfiles \}\]/,
      ],
      [
        ["sync", "team"],
        ENV.replace("securityProfiles: [Agent]\n\nusers", "securityProfiles: []\n\nusers"),
        1,
        /identityCenter\.syncGroups\[1\]\.securityProfiles: needs 1\.\.10 security profile names/,
      ],
      [
        ["sync", "team"],
        ENV.replace(`- group: ${AGENTS}`, `- group: ${SUPERVISORS}`),
        1,
        /identityCenter\.syncGroups\[1\]\.group: "Contact center supervisors" repeats syncGroups\[0\]/,
      ],
      [
        ["sync", "team"],
        ENV.replace(`group: ${AGENTS}`, "group: Nobody here"),
        1,
        /users: GetGroupId of group "Nobody here" in d-90670c0ffe failed: ResourceNotFoundException/,
      ],
      [["sync", "team", "--summary", "environments/x.yaml"], undefined, 2, /--summary "environments\/x\.yaml" is in the environments folder/],
    ];
    for (const [argv, text, code, message] of cases) {
      const original = text ?? ENV;
      fs.writeFileSync(envFile(), original);
      const r = await users(argv);
      expect({ argv, code: r.code }).toEqual({ argv, code });
      expect(r.err.join("\n")).toMatch(message);
      expect(envText()).toBe(original);
      expect(fs.readdirSync(work).sort()).toEqual(["environments"]);
    }
  }, 120_000);

  test("GIVEN environments, some naming syncGroups WHEN listed THEN the workflow gets those names as JSON", async () => {
    const other = ENV.replace(/ {2}syncGroups:[\s\S]*?\n\nusers:/, "\nusers:").replace(
      "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
      "5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b",
    );
    fs.writeFileSync(path.join(envDir, "other.yaml"), other);
    const r = await users(["sync", "--list"]);
    expect({ code: r.code, out: r.out, err: r.err }).toEqual({ code: 0, out: '["team"]\n', err: [] });
  });
});
