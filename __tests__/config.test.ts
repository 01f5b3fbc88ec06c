/**
 * The environment file contract: every bad input is refused with the file, the field, what was
 * given and what is allowed; good input passes with defaults applied.
 */
import { checkAcrossEnvironments } from "../lib/config/validate";
import { errors, parse, validFile, withChange } from "./support/env-text";

describe("a valid environment file", () => {
  test("GIVEN the minimal valid file WHEN parsed THEN it passes with the documented defaults", () => {
    const { environment, problems } = parse(validFile(), { name: "dev" });
    expect(problems).toEqual([]);
    expect(environment).toMatchObject({
      name: "dev",
      partition: "aws",
      protected: false,
      connect: { kind: "existing", instanceId: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90" },
      ssoApplication: { sessionDurationHours: 10 },
      iam: { samlProviderName: "AmazonConnectSSO-dev", roleName: "AmazonConnectSSO-dev" },
      identityCenter: { region: "us-west-2", createUsers: false },
    });
    expect(environment!.users[0]).toMatchObject({ phoneType: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 });
  });

  test("GIVEN an environment named prod WHEN protected is not set THEN it is protected", () => {
    expect(parse(validFile(), { name: "prod" }).environment!.protected).toBe(true);
    expect(
      parse(
        withChange((f) => (f.protected = false)),
        { name: "prod" },
      ).environment!.protected,
    ).toBe(false);
  });

  test("GIVEN decomposed names WHEN parsed THEN they are normalized to NFC", () => {
    const decomposed = "Jose\u0301 Pen\u0303a";
    const env = parse(withChange((f) => (f.users[0].firstName = decomposed))).environment!;
    expect(env.users[0].firstName).toBe("José Peña");
    expect(env.users[0].firstName).toBe(decomposed.normalize("NFC"));
  });

  test("GIVEN connect.create WHEN parsed THEN the target is a new instance with calls enabled by default", () => {
    const env = parse(withChange((f) => (f.connect = { create: { alias: "acme-test" } }))).environment!;
    expect(env.connect).toEqual({ kind: "create", alias: "acme-test", inboundCalls: true, outboundCalls: true });
  });

  test("GIVEN an S3 backend without a key WHEN parsed THEN the key is one per environment", () => {
    const env = parse(
      withChange((f) => (f.backend = { s3: { bucket: "acme-tfstate", region: "us-east-1" } })),
      { name: "prod" },
    ).environment!;
    expect(env.backend).toEqual({ bucket: "acme-tfstate", region: "us-east-1", key: "connect-sso/prod/terraform.tfstate" });
  });

  test.each(["us-gov-west-1", "cn-north-1"])("GIVEN region %s WHEN parsed THEN the partition follows", (region) => {
    expect(parse(withChange((f) => (f.region = region))).environment!.partition).toBe(region.startsWith("cn") ? "aws-cn" : "aws-us-gov");
  });
});

describe("field checks name the field, the value given and what is allowed", () => {
  test.each<[string, (f: Record<string, any>) => void, RegExp]>([
    ["an unquoted account", (f) => (f.account = 111122223333), /^account: must be 12 digits in quotes.*given: 111122223333/],
    ["an 11-digit account", (f) => (f.account = "11112222333"), /^account: must be exactly 12 digits.*given: "11112222333"/],
    ["an unknown region", (f) => (f.region = "us-westt-2"), /^region: "us-westt-2" is not a supported region; allowed: a region name/],
    [
      "the doc's invalid instance ID",
      (f) => (f.connect.instanceId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeeee"),
      /^connect\.instanceId: allowed: the instance ID, a lowercase UUID/,
    ],
    ["both instanceId and create", (f) => (f.connect.create = { alias: "acme" }), /^connect: set exactly one of instanceId/],
    ["neither instanceId nor create", (f) => (f.connect = {}), /^connect: set exactly one of instanceId/],
    ["an alias starting with d-", (f) => (f.connect = { create: { alias: "d-acme" } }), /^connect\.create\.alias: allowed: 1\.\.45 letters/],
    [
      "a session of 13 hours",
      (f) => (f.ssoApplication.sessionDurationHours = 13),
      /^ssoApplication\.sessionDurationHours: allowed: 0\.25\.\.12 hours.*given: 13/,
    ],
    ["a session of 10 minutes", (f) => (f.ssoApplication.sessionDurationHours = 0.1), /^ssoApplication\.sessionDurationHours: allowed: 0\.25\.\.12 hours/],
    [
      "an unknown landing page",
      (f) => (f.ssoApplication.destination = "agent-app"),
      /^ssoApplication\.destination: allowed landing pages: agent-app-v2 \| ccp-v2-chat/,
    ],
    [
      "a provider name with a space",
      (f) => (f.iam = { samlProviderName: "Amazon Connect" }),
      /^iam\.samlProviderName: allowed: 1\.\.128 characters of A-Z a-z 0-9 _ \. -/,
    ],
    ["a 65-character role name", (f) => (f.iam = { roleName: "r".repeat(65) }), /^iam\.roleName: allowed: 1\.\.64 characters/],
    [
      "a malformed application ARN",
      (f) => (f.ssoApplication.applicationArn = "arn:aws:sso:::application/x"),
      /^ssoApplication\.applicationArn: allowed: arn:<partition>:sso::/,
    ],
    [
      "a GovCloud application ARN in a commercial region",
      (f) => (f.ssoApplication.applicationArn = "arn:aws-us-gov:sso::111122223333:application/ssoins-1234567890abcdef/apl-1234567890abcdef"),
      /^ssoApplication\.applicationArn: is in partition aws-us-gov, but region us-west-2 is in aws/,
    ],
    [
      "an application in another account without a role to reach it",
      (f) => (f.ssoApplication.applicationArn = "arn:aws:sso::999988887777:application/ssoins-1234567890abcdef/apl-1234567890abcdef"),
      /^ssoApplication\.applicationArn: is in account 999988887777.*identityCenter\.assumeRoleArn/,
    ],
    [
      "createUsers without an application",
      (f) => (f.identityCenter = { createUsers: true }),
      /^identityCenter\.createUsers: needs ssoApplication\.applicationArn/,
    ],
    [
      "an Identity Center region of another partition",
      (f) => (f.identityCenter = { region: "us-gov-west-1" }),
      /^identityCenter\.region: "us-gov-west-1" is not a region in the partition of us-west-2/,
    ],
    [
      "a state bucket in another partition",
      (f) => (f.backend = { s3: { bucket: "acme-tfstate", region: "cn-north-1" } }),
      /^backend\.s3\.region: "cn-north-1" is not a region in the partition of us-west-2/,
    ],
    [
      "a state bucket name with capitals",
      (f) => (f.backend = { s3: { bucket: "Acme", region: "us-west-2" } }),
      /^backend\.s3\.bucket: allowed: an S3 bucket name/,
    ],
    [
      "a DynamoDB lock table (replaced by S3 native locking)",
      (f) => (f.backend = { s3: { bucket: "acme-tfstate", region: "us-west-2", dynamodbTable: "locks" } }),
      /^backend\.s3\.dynamodbTable: unknown key/,
    ],
    ["previousStacks equal to stacks", (f) => (f.sharding = { stacks: 2, previousStacks: 2 }), /^sharding\.previousStacks: equals stacks \(2\): no user moves/],
    ["65 users stacks", (f) => (f.sharding = { stacks: 65 }), /^sharding\.stacks: allowed: 0\.\.64/],
    ["adopting a user who is not configured", (f) => (f.adopt = { users: ["carol@example.com"] }), /^adopt\.users\[0\]: "carol@example\.com" is not in users/],
    [
      "adopting by ID a user who is not configured",
      (f) => (f.adopt = { userIds: { "carol@example.com": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" } }),
      /^adopt\.userIds\.carol@example\.com: "carol@example\.com" is not in users/,
    ],
    [
      "adopting a user both by name and by ID",
      (f) => (f.adopt = { users: ["bob@example.com"], userIds: { "bob@example.com": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" } }),
      /^adopt\.users\[0\]: "bob@example\.com" is also in adopt\.userIds; adopt each user one way/,
    ],
    [
      "adopting all users by name and some by ID",
      (f) => (f.adopt = { users: "all", userIds: { "bob@example.com": "3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b" } }),
      /^adopt\.users: "all" finds every user by name/,
    ],
    [
      "a Connect user ID that is not one",
      (f) => (f.adopt = { userIds: { "bob@example.com": '${file("/etc/passwd")}' } }),
      /^adopt\.userIds\.bob@example\.com: allowed: the user's Connect user ID, a lowercase UUID/,
    ],
    ["a tag key starting with aws:", (f) => (f.tags = { "aws:owner": "x" }), /^tags\.aws:owner: tag keys/],
    [
      "a sync group without profiles",
      (f) => (f.identityCenter = { syncGroups: [{ group: "Agents", routingProfile: "Basic Routing Profile" }] }),
      /^identityCenter\.syncGroups\[0\]\.securityProfiles: is required/,
    ],
    [
      "a sync group listed twice",
      (f) => (f.identityCenter = { syncGroups: [1, 2].map(() => ({ group: "Agents", routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] })) }),
      /^identityCenter\.syncGroups\[1\]\.group: "Agents" repeats syncGroups\[0\]; list each group once/,
    ],
    [
      "a sync group name of 1,025 characters",
      (f) => (f.identityCenter = { syncGroups: [{ group: "G".repeat(1025), routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] }] }),
      /^identityCenter\.syncGroups\[0\]\.group: allowed: an Identity Center group's display name/,
    ],
  ])("GIVEN %s WHEN parsed THEN it is refused", (_, edit, expected) => {
    const found = errors(withChange(edit));
    expect(found).toEqual([expect.stringMatching(expected)]);
  });
});

describe("user checks", () => {
  const user = (edit: (u: Record<string, any>) => void) => withChange((f) => edit(f.users[1]));
  test.each<[string, (u: Record<string, any>) => void, RegExp]>([
    [
      "a user name with a space",
      (u) => (u.username = "bob smith"),
      /^users\[1\]\.username: allowed: 2\.\.64 characters of A-Z a-z 0-9 _ \. @ -.*given: "bob smith"/,
    ],
    ["a one-character user name", (u) => (u.username = "b"), /^users\[1\]\.username: allowed: 2\.\.64/],
    [
      "a user name that is not an email",
      (u) => (u.username = "bob.martin"),
      /^users\[1\]\.username: must be an email address: the application maps RoleSessionName/,
    ],
    ["a missing first name", (u) => delete u.firstName, /^users\[1\]\.firstName: is required/],
    ["a blank last name", (u) => (u.lastName = "  "), /^users\[1\]\.lastName: must not be empty/],
    ["no security profile", (u) => (u.securityProfiles = []), /^users\[1\]\.securityProfiles: needs 1\.\.10 security profile names/],
    [
      "eleven security profiles",
      (u) => (u.securityProfiles = Array.from({ length: 11 }, (_, i) => `P${i}`)),
      /^users\[1\]\.securityProfiles: allows at most 10/,
    ],
    ["a desk phone without a number", (u) => (u.phoneType = "DESK_PHONE"), /^users\[1\]\.deskPhoneNumber: is required with phoneType DESK_PHONE/],
    [
      "a desk phone number not in E.164",
      (u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: "206-555-0100" }),
      /^users\[1\]\.deskPhoneNumber: allowed: an E\.164 number/,
    ],
    [
      "an unquoted desk phone number",
      (u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: 12065550100 }),
      /^users\[1\]\.deskPhoneNumber: must be a string; allowed: an E\.164 number in quotes/,
    ],
    ["an unknown phone type", (u) => (u.phoneType = "MOBILE"), /^users\[1\]\.phoneType: allowed: SOFT_PHONE \| DESK_PHONE/],
    ["a bad secondary email", (u) => (u.secondaryEmail = "bob@home"), /^users\[1\]\.secondaryEmail: allowed: an email address/],
    ["a negative after-contact-work limit", (u) => (u.afterContactWorkTimeLimit = -1), /^users\[1\]\.afterContactWorkTimeLimit: must be 0 or more seconds/],
    ["a duplicate user name", (u) => (u.username = "alice@example.com"), /^users\[1\]\.username: "alice@example\.com" repeats users\[0\]\.username/],
    [
      "a duplicate differing only in case",
      (u) => (u.username = "Alice@Example.com"),
      /^users\[1\]\.username: "Alice@Example\.com" repeats users\[0\]\.username.*ignoring case/,
    ],
  ])("GIVEN %s WHEN parsed THEN it is refused", (_, edit, expected) => {
    expect(errors(user(edit))).toEqual([expect.stringMatching(expected)]);
  });

  test("GIVEN a desk phone with its number WHEN parsed THEN it passes", () => {
    expect(errors(user((u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: "+12065550100" })))).toEqual([]);
  });
});

describe("user field limits from the Amazon Connect API reference (and the provider, where it is tighter)", () => {
  const user = (edit: (u: Record<string, any>) => void) => withChange((f) => edit(f.users[1]));
  const email = (length: number) => `${"b".repeat(length - "@home.example".length)}@home.example`;

  test.each<[string, (u: Record<string, any>) => void]>([
    ["a first name of 100 characters", (u) => (u.firstName = "F".repeat(100))],
    ["a last name of 100 characters", (u) => (u.lastName = "L".repeat(100))],
    ["a secondary email of 265 characters", (u) => (u.secondaryEmail = email(265))],
    ["a desk phone number of 15 digits", (u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: "+123456789012345" })],
    ["an after-contact-work limit of 2,000,000 seconds", (u) => (u.afterContactWorkTimeLimit = 2_000_000)],
  ])("GIVEN %s (the limit) WHEN parsed THEN it passes", (_, edit) => {
    expect(errors(user(edit))).toEqual([]);
  });

  test.each<[string, (u: Record<string, any>) => void, RegExp]>([
    [
      "a first name of 101 characters",
      (u) => (u.firstName = "F".repeat(101)),
      /^users\[1\]\.firstName: must be at most 100 characters \(the Connect user's first name\)/,
    ],
    [
      "a last name of 101 characters",
      (u) => (u.lastName = "L".repeat(101)),
      /^users\[1\]\.lastName: must be at most 100 characters \(the Connect user's last name\)/,
    ],
    ["a secondary email of 266 characters", (u) => (u.secondaryEmail = email(266)), /^users\[1\]\.secondaryEmail: must be at most 265 characters/],
    [
      "a desk phone number of 16 digits",
      (u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: "+1234567890123456" }),
      /^users\[1\]\.deskPhoneNumber: allowed: an E\.164 number/,
    ],
    [
      "a desk phone number starting with +0",
      (u) => Object.assign(u, { phoneType: "DESK_PHONE", deskPhoneNumber: "+02065550100" }),
      /^users\[1\]\.deskPhoneNumber: allowed: an E\.164 number/,
    ],
    [
      "an after-contact-work limit of 2,000,001 seconds",
      (u) => (u.afterContactWorkTimeLimit = 2_000_001),
      /^users\[1\]\.afterContactWorkTimeLimit: allowed: 0\.\.2000000 seconds \(24 days\)/,
    ],
  ])("GIVEN %s WHEN parsed THEN it is refused, naming the limit", (_, edit, expected) => {
    expect(errors(user(edit))).toEqual([expect.stringMatching(expected)]);
  });
});

describe("hierarchy groups and user tags (users[].hierarchyGroup, users[].tags, connect.manageHierarchyGroups)", () => {
  const managed = (edit: (u: Record<string, any>) => void) =>
    withChange((f) => {
      f.connect.manageHierarchyGroups = true;
      edit(f.users[1]);
    });

  test("GIVEN a group path and tags WHEN parsed THEN they stay as written and hierarchy is managed", () => {
    const { environment } = parse(
      managed((u) => {
        u.hierarchyGroup = "Americas/Seattle/Team A";
        u.tags = { Team: "tier-1" };
      }),
    );
    expect(environment?.manageHierarchyGroups).toBe(true);
    expect(environment?.users[1]).toMatchObject({ hierarchyGroup: "Americas/Seattle/Team A", tags: { Team: "tier-1" } });
  });

  test("GIVEN no connect.manageHierarchyGroups WHEN parsed THEN hierarchy is not managed", () => {
    expect(parse(validFile()).environment?.manageHierarchyGroups).toBe(false);
  });

  test("GIVEN a group while manageHierarchyGroups is not set WHEN parsed THEN it is refused naming the fix", () => {
    expect(errors(withChange((f) => (f.users[1].hierarchyGroup = "Americas")))).toEqual([
      expect.stringMatching(/^users\[1\]\.hierarchyGroup: needs connect\.manageHierarchyGroups: true/),
    ]);
  });

  test.each([
    ["an empty level", "Americas//Team A", 'level ""'],
    ["blanks around the separator", "Americas / Seattle", 'level "Americas "'],
    ["six levels", "a/b/c/d/e/f", "given 6 levels"],
    ["a 101-character name", `Americas/${"x".repeat(101)}`, "is not"],
  ])("GIVEN a path with %s WHEN parsed THEN it is refused with what is allowed", (_what, path, why) => {
    const found = errors(managed((u) => (u.hierarchyGroup = path)));
    expect(found).toEqual([expect.stringMatching(/^users\[1\]\.hierarchyGroup: allowed: 1\.\.5 level names joined by "\/"/)]);
    expect(found[0]).toContain(why);
  });

  test("GIVEN a user tag key starting with aws: WHEN parsed THEN AWS's tag rule refuses it", () => {
    expect(errors(withChange((f) => (f.users[1].tags = { "aws:x": "1" })))).toEqual([expect.stringMatching(/^users\[1\]\.tags\.aws:x: tag keys: 1\.\.128/)]);
  });

  test("GIVEN 30 environment tags and 21 other user tags WHEN parsed THEN the 51 together are refused; a shared key counts once", () => {
    const tags = (prefix: string, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, "v"]));
    const file = (userTags: Record<string, string>) =>
      withChange((f) => {
        f.tags = tags("E", 30);
        f.users[1].tags = userTags;
      });
    expect(errors(file(tags("U", 21)))).toEqual([
      expect.stringMatching(/^users\[1\]\.tags: with the environment's tags the user would carry 51 tags; allowed: at most 50/),
    ]);
    expect(errors(file({ ...tags("U", 20), E0: "mine" }))).toEqual([]);
  });
});

describe("literal text: Terraform template sequences stay text, cdktf's reference markers are refused", () => {
  const user = (edit: (u: Record<string, any>) => void) => withChange((f) => edit(f.users[1]));

  test("GIVEN names and profile names with ${...}, %{...}, $${...} and a plain $ WHEN parsed THEN they pass unchanged (synth escapes them)", () => {
    const text = "${aws_iam_role.federation_role.arn} %{ if true }x%{ endif } $${already} $";
    const env = parse(user((u) => Object.assign(u, { firstName: text, lastName: text, securityProfiles: [text], routingProfile: text }))).environment!;
    expect(env.users[1]).toMatchObject({ firstName: text, lastName: text, securityProfiles: [text], routingProfile: text });
  });

  test.each(["${TfToken[TOKEN.1]}", "#{TfToken[TOKEN.1]}", "&{TfToken[TOKEN.1]}"])(
    "GIVEN a first name holding cdktf's marker %s WHEN parsed THEN it is refused (cdktf would replace it with a reference)",
    (marker) => {
      expect(errors(user((u) => (u.firstName = `Bob ${marker}`)))).toEqual([
        expect.stringMatching(
          /^users\[1\]\.firstName: allowed: any text without \$\{TfToken\[, #\{TfToken\[ or &\{TfToken\[ .*\(the Connect user's first name\)/,
        ),
      ]);
    },
  );

  test("GIVEN a tag value with ${ WHEN parsed THEN it is refused: AWS tags allow no $ or {", () => {
    expect(errors(withChange((f) => (f.tags = { Project: "${var.x}" })))).toEqual([expect.stringMatching(/^tags\.Project: tag values: 0\.\.256 of letters/)]);
  });
});

describe("unknown keys, YAML syntax, and all problems at once", () => {
  test("GIVEN a misspelt key WHEN parsed THEN it is refused with a suggestion and its line", () => {
    const text = `account: "111122223333"
region: us-west-2
connect:
  instanceID: 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90
ssoApplication:
  displayName: x
  metadataFile: m.xml
`;
    const [problem, ...rest] = parse(text).problems;
    expect(problem).toMatchObject({ path: "connect.instanceID", line: 4, file: "environments/test.yaml" });
    expect(problem.message).toMatch(/unknown key; did you mean "instanceId"\? Allowed here: instanceId, create, manageHierarchyGroups/);
    expect(rest).toEqual([]);
  });

  test("GIVEN a misspelt user key WHEN parsed THEN the path names the user", () => {
    expect(
      errors(
        withChange((f) => {
          f.users[1].routingprofile = f.users[1].routingProfile;
          delete f.users[1].routingProfile;
        }),
      ),
    ).toEqual([
      expect.stringMatching(/^users\[1\]\.routingProfile: is required/),
      expect.stringMatching(/^users\[1\]\.routingprofile: unknown key; did you mean "routingProfile"\?/),
    ]);
  });

  test("GIVEN broken YAML WHEN parsed THEN the error has line and column and no stack", () => {
    const [problem] = parse('account: "111122223333"\nregion: [us-west-2\n').problems;
    expect(problem.message).toMatch(/^YAML syntax: .*\(line \d+, column \d+\)$/);
    expect(problem.line).toBeGreaterThan(0);
  });

  test("GIVEN an alias to an anchor that does not exist (found by the property tests) WHEN parsed THEN it is a YAML error, not a crash", () => {
    expect(parse("*-").problems).toEqual([expect.objectContaining({ severity: "error", message: expect.stringMatching(/^YAML: Unresolved alias/) })]);
  });

  test("GIVEN a duplicated key WHEN parsed THEN YAML refuses it", () => {
    expect(parse('account: "111122223333"\naccount: "111122223334"\n').problems[0].message).toMatch(/unique/);
  });

  test.each(["", "- a\n- b\n", "just text\n"])("GIVEN a file that is not a mapping (%p) WHEN parsed THEN it says what it must be", (text) => {
    expect(parse(text).problems[0].message).toMatch(/must be a YAML mapping of keys/);
  });

  test("GIVEN several problems WHEN parsed THEN every one is reported in one run", () => {
    const found = errors(
      withChange((f) => {
        f.account = "1";
        f.users[0].username = "x";
        f.users[1].securityProfiles = [];
      }),
    );
    expect(found).toHaveLength(3);
  });

  test.each(["Prod_EU", "prod-users-2", "prod-bootstrap"])("GIVEN the file name %s WHEN parsed THEN it is refused as an environment name", (name) => {
    expect(errors(validFile(), { name })).toEqual([expect.stringMatching(new RegExp(`file name "${name}" is not a valid environment name`))]);
  });

  test("GIVEN more users in one stack than usersPerStack WHEN parsed THEN a warning suggests users stacks, and the file still loads", () => {
    const { environment, problems } = parse(withChange((f) => (f.sharding = { stacks: 0, usersPerStack: 1 })));
    expect(environment).toBeDefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "sharding.stacks",
        message: expect.stringMatching(/^connect-sso-test would hold 2 users \(more than 1\).*sharding: \{ stacks: 2, previousStacks: 0 \}/),
      }),
    ]);
  });
});

describe("the pipeline section (bootstrap stack)", () => {
  const S3 = { s3: { bucket: "acme-tfstate-test", region: "us-west-2" } };
  const withPipeline = (pipeline: Record<string, unknown>, backend: unknown = S3) =>
    withChange((f) => {
      f.pipeline = pipeline;
      if (backend) f.backend = backend;
    });

  test("GIVEN only a repository WHEN parsed THEN the defaults apply: create the OIDC provider and the bucket, SSE-S3, old versions kept 90 days", () => {
    const { environment, problems } = parse(withPipeline({ repository: "acme/contact-center" }));
    expect(problems).toEqual([]);
    expect(environment!.pipeline).toEqual({ repository: "acme/contact-center", stateBucket: { create: true }, noncurrentVersionDays: 90 });
  });

  test("GIVEN backend.s3.kmsKeyId and no stateKmsKeyId WHEN parsed THEN the bucket's default key is the backend's", () => {
    const key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const env = parse(withPipeline({ repository: "acme/cc" }, { s3: { ...S3.s3, kmsKeyId: key } })).environment!;
    expect(env.pipeline!.stateKmsKeyId).toBe(key);
  });

  test.each<[string, Record<string, unknown>, unknown, RegExp]>([
    [
      "a pipeline without backend.s3",
      { repository: "acme/cc" },
      null,
      /^pipeline: needs backend\.s3: the pipeline's roles may read and write only this environment's state/,
    ],
    [
      "a repository with a wildcard",
      { repository: "acme/*" },
      S3,
      /^pipeline\.repository: allowed: a GitHub repository owner\/name.*no wildcards.*given: "acme\/\*"/,
    ],
    ["a repository without its owner", { repository: "contact-center" }, S3, /^pipeline\.repository: allowed: a GitHub repository owner\/name/],
    ["a repository named ..", { repository: "acme/.." }, S3, /^pipeline\.repository: allowed/],
    [
      "an OIDC provider of another account",
      { repository: "acme/cc", oidcProviderArn: "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com" },
      S3,
      /^pipeline\.oidcProviderArn: must be arn:aws:iam::111122223333:oidc-provider\/token\.actions\.githubusercontent\.com: IAM roles trust only an identity provider of their own account/,
    ],
    [
      "an OIDC provider that is not GitHub's",
      { repository: "acme/cc", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/accounts.google.com" },
      S3,
      /^pipeline\.oidcProviderArn: allowed: the ARN of the account's existing GitHub provider/,
    ],
    [
      "a bucket key in another region",
      { repository: "acme/cc", stateKmsKeyId: "arn:aws:kms:us-east-1:111122223333:alias/state" },
      S3,
      /^pipeline\.stateKmsKeyId: is a key in us-east-1 \(aws\); allowed: a KMS key of the state bucket's region, us-west-2/,
    ],
    [
      "old versions kept 0 days",
      { repository: "acme/cc", noncurrentVersionDays: 0 },
      S3,
      /^pipeline\.noncurrentVersionDays: must be a whole number of days, 1 or more; given: 0/,
    ],
    [
      "stateBucket as a boolean",
      { repository: "acme/cc", stateBucket: true },
      S3,
      /^pipeline\.stateBucket: must be \{ create: true \} .*or \{ create: false \}.*given: true/,
    ],
    ["a misspelt key", { repository: "acme/cc", stateBuckett: { create: false } }, S3, /^pipeline\.stateBuckett: unknown key; did you mean "stateBucket"\?/],
  ])("GIVEN %s WHEN parsed THEN it is refused", (_, pipeline, backend, expected) => {
    expect(errors(withPipeline(pipeline, backend))).toEqual([expect.stringMatching(expected)]);
  });

  test("GIVEN stateKmsKeyId without backend.s3.kmsKeyId WHEN parsed THEN a warning says Terraform would still write SSE-S3, and the file loads", () => {
    const { environment, problems } = parse(withPipeline({ repository: "acme/cc", stateKmsKeyId: "arn:aws:kms:us-west-2:111122223333:alias/state" }));
    expect(environment).toBeDefined();
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "pipeline.stateKmsKeyId",
        message: expect.stringMatching(/set backend\.s3\.kmsKeyId to the same key/),
      }),
    ]);
  });

  test("GIVEN syncGroups and Identity Center in another account in a pipeline environment WHEN parsed THEN a warning says the scheduled sync cannot reach it, and the file loads", () => {
    const file = withPipeline({ repository: "acme/cc" });
    file.identityCenter = {
      assumeRoleArn: "arn:aws:iam::999988887777:role/IdentityCenterAdmin",
      syncGroups: [{ group: "Agents", routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] }],
    };
    const { environment, problems } = parse(file);
    expect(environment?.identityCenter.syncGroups).toEqual(file.identityCenter.syncGroups);
    expect(problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "identityCenter.syncGroups",
        message: expect.stringMatching(/the scheduled sync .* may not assume identityCenter\.assumeRoleArn: run npm run users -- sync by hand/),
      }),
    ]);
  });

  describe("across environments", () => {
    const load = (name: string, account: string, pipeline: Record<string, unknown>, bucket = "acme-tfstate-test") =>
      parse(
        withChange((f) => {
          f.account = account;
          f.connect.instanceId = `0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c9${name.length}`;
          f.iam = { samlProviderName: `AmazonConnectSSO-${name}`, roleName: `AmazonConnectSSO-${name}` };
          f.backend = { s3: { bucket, region: "us-west-2" } };
          f.pipeline = pipeline;
        }),
        { name },
      ).environment!;

    test("GIVEN two environments of one account that both create the GitHub OIDC provider WHEN checked together THEN the second is told to name the first's", () => {
      const problems = checkAcrossEnvironments([
        load("dev", "111122223333", { repository: "acme/cc" }, "dev-state"),
        load("test", "111122223333", { repository: "acme/cc" }, "test-state"),
      ]);
      expect(problems.map((p) => [p.environment.name, p.path, p.message])).toEqual([
        [
          "test",
          "pipeline.oidcProviderArn",
          expect.stringMatching(
            /^creating the GitHub OIDC provider of account 111122223333 is also claimed by environments\/dev\.yaml; an account has one: .*oidcProviderArn: arn:aws:iam::111122223333:oidc-provider\/token\.actions\.githubusercontent\.com/,
          ),
        ],
      ]);
    });

    test("GIVEN two environments in two accounts that both create one state bucket WHEN checked together THEN the second is told to stop creating it", () => {
      const problems = checkAcrossEnvironments([
        load("dev", "111122223333", { repository: "acme/cc" }),
        load("test", "222233334444", { repository: "acme/cc" }),
      ]);
      expect(problems.map((p) => [p.environment.name, p.path, p.message])).toEqual([
        [
          "test",
          "pipeline.stateBucket.create",
          expect.stringMatching(/^creating state bucket acme-tfstate-test is also claimed by environments\/dev\.yaml; .*stateBucket: \{ create: false \}/),
        ],
      ]);
    });

    test("GIVEN environments sharing an account's provider and a bucket, as advised WHEN checked together THEN nothing is refused", () => {
      const shared = {
        repository: "acme/cc",
        oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        stateBucket: { create: false },
      };
      expect(checkAcrossEnvironments([load("dev", "111122223333", { repository: "acme/cc" }), load("test", "111122223333", shared)])).toEqual([]);
    });

    test("GIVEN an environment whose federation role has the name of another's pipeline role WHEN checked together THEN the clash is refused", () => {
      const dev = load("dev", "111122223333", { repository: "acme/cc" }, "dev-state");
      const clash = {
        ...load(
          "test",
          "111122223333",
          { repository: "acme/cc", oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
          "test-state",
        ),
        iam: { samlProviderName: "p", roleName: "connect-sso-dev-plan" },
      };
      expect(checkAcrossEnvironments([dev, clash]).map((p) => p.message)).toEqual([
        expect.stringMatching(/^IAM role connect-sso-dev-plan in account 111122223333 is also claimed by environments\/dev\.yaml/),
      ]);
    });
  });
});

describe("Identity Center groups and assignment required (ssoApplication)", () => {
  const APP = "arn:aws:sso::111122223333:application/ssoins-1234567890abcdef/apl-1234567890abcdef";
  const withApp = (edit: (app: Record<string, any>) => void) =>
    withChange((f) => {
      f.ssoApplication.applicationArn = APP;
      edit(f.ssoApplication);
    });

  test("GIVEN an application ARN and nothing else WHEN parsed THEN users are assigned one by one, no group, assignment required not managed", () => {
    const app = parse(withApp(() => undefined)).environment!.ssoApplication;
    expect(app).toMatchObject({ assignUsers: true });
    expect(app.groups).toBeUndefined();
    expect(app.assignmentRequired).toBeUndefined();
  });

  test("GIVEN groups instead of users and assignment required WHEN parsed THEN the names stay exactly as written (blanks and template text included)", () => {
    const groups = ["Contact Center Agents", " Night shift\u00a0(EU) ", "${not.a.reference} 100%{x}"];
    const app = parse(withApp((a) => Object.assign(a, { groups, assignUsers: false, assignmentRequired: false }))).environment!.ssoApplication;
    expect(app).toMatchObject({ groups, assignUsers: false, assignmentRequired: false });
  });

  test.each<[string, (a: Record<string, any>) => void, RegExp[]]>([
    ["groups without an application", (a) => (a.groups = ["Agents"]), [/^ssoApplication\.groups: needs ssoApplication\.applicationArn: .*details page$/]],
    ["assignUsers false without an application", (a) => (a.assignUsers = false), [/^ssoApplication\.assignUsers: needs ssoApplication\.applicationArn/]],
    [
      "assignmentRequired without an application",
      (a) => (a.assignmentRequired = true),
      [/^ssoApplication\.assignmentRequired: needs ssoApplication\.applicationArn/],
    ],
  ])("GIVEN %s WHEN parsed THEN it is refused, naming the key and the fix", (_, edit, expected) => {
    expect(errors(withChange((f) => edit(f.ssoApplication)))).toEqual(expected.map((e) => expect.stringMatching(e)));
  });

  test.each<[string, (a: Record<string, any>) => void, RegExp]>([
    [
      "a group named twice",
      (a) => (a.groups = ["Agents", "Supervisors", "Agents"]),
      /^ssoApplication\.groups\[2\]: "Agents" repeats groups\[0\]; each group once$/,
    ],
    ["an empty group name", (a) => (a.groups = [""]), /^ssoApplication\.groups\[0\]: allowed: an Identity Center group's display name .*1\.\.1024/],
    [
      "a group name of 1025 characters",
      (a) => (a.groups = ["g".repeat(1025)]),
      /^ssoApplication\.groups\[0\]: allowed: an Identity Center group's display name/,
    ],
    [
      "a group name with a control character",
      (a) => (a.groups = ["Agents\u0007"]),
      /^ssoApplication\.groups\[0\]: allowed: an Identity Center group's display name/,
    ],
    ["a group name holding a cdktf marker", (a) => (a.groups = ["${TfToken[TOKEN.1]}"]), /^ssoApplication\.groups\[0\]: allowed: .*group's display name/],
    ["groups as one string", (a) => (a.groups = "Agents"), /^ssoApplication\.groups: must be a list of Identity Center group display names/],
    ["assignmentRequired as text", (a) => (a.assignmentRequired = "yes"), /^ssoApplication\.assignmentRequired: must be true or false/],
  ])("GIVEN %s WHEN parsed THEN it is refused", (_, edit, expected) => {
    expect(errors(withApp(edit))).toEqual([expect.stringMatching(expected)]);
  });
});
