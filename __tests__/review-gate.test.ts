/**
 * `npm run review` as a gate that fails closed, on plan files under fixtures/plans/.
 *
 * The fixtures come from REAL terraform 1.11.4 plans (hashicorp/aws 5.100.0, the prod example
 * with `identityCenter.createUsers`, and a move of dev's users into two users stacks, on the
 * Connect fake and moto), reduced to the top-level keys the review reads (format_version,
 * terraform_version, resource_changes, output_changes, timestamp, applyable, complete, errored).
 * Edited by hand where terraform cannot be made to write the case, each said here:
 * - destroy, users-move, no-changes: as terraform wrote them (`plan -destroy`; the move; a plan of
 *   the applied example).
 * - remove-user: bob.martin's three deletions out of the destroy plan (what removing him plans).
 * - forget-identity: the provider and the role with `["forget"]` (a `removed` block's action).
 * - unknown-actions: `["delete","forget"]` and `["Delete"]`, which terraform 1.11 never writes.
 * - replace: the role renamed (`["delete","create"]`) and a user on another instance
 *   (`["create","delete"]`, create_before_destroy).
 * - errored, incomplete, not-applyable: one deletion with the flag terraform sets when it would
 *   not apply the plan as shown. deferred: a plan with `deferred_changes`.
 * - certificate-rotation, other-identity-provider: the provider's in-place update with metadata
 *   around fixed certificates (valid to 2099, fingerprints below from `openssl x509 -fingerprint
 *   -sha256`). role-inline-policy: the role's `after` sets `inline_policy` and
 *   `managed_policy_arns`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runReview } from "../lib/tools/review/cli";
import { REPO } from "./support/environments";
import { describeResult, makeTempDir, removeTempDir, runCommand } from "./support/terraform";

const FIXTURES = path.join(__dirname, "fixtures", "plans");
const fixture = (name: string, stack = "connect-sso-prod") => path.join(FIXTURES, name, `${stack}.json`);
const PROD = "connect-sso-prod";
const BOB = "bob.martin@example.com";

function review(argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runReview(
    argv,
    (t) => (out += t),
    (t) => (err += t),
  );
  return { code, out, err };
}

const consentFlags = (stack: string, targets: ReadonlyArray<string>) => targets.flatMap((t) => ["--consent", `${stack}:${t}`]);

let dir: string;
beforeAll(() => (dir = makeTempDir("review-gate")));
afterAll(() => removeTempDir(dir));

/** A consents file as `npm run consents` writes it. */
function consentsFile(name: string, consents: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof consents === "string" ? consents : JSON.stringify(consents));
  return file;
}

describe("the gate refuses every change but create, update, import, read and no-op until consent names it", () => {
  const user = (name: string) => `aws_connect_user.connect_users["${name}"]`;
  const cases: Array<[string, Array<[string, string]>]> = [
    [
      "destroy",
      [
        [`Connect user \`${user("alice.nguyen@example.com")}\` would be deleted`, "alice.nguyen@example.com"],
        [`Connect user \`${user(BOB)}\` would be deleted`, BOB],
        [`Connect user \`${user("jose.pena@example.com")}\` would be deleted`, "jose.pena@example.com"],
        [`Connect user \`${user("supervisor.kim@example.com")}\` would be deleted`, "supervisor.kim@example.com"],
        ["federation role `aws_iam_role.federation_role` would be deleted", "aws_iam_role.federation_role"],
        [
          "role's exclusive list of inline policies `aws_iam_role_policies_exclusive.federation_role_inline_policies` would be deleted",
          "aws_iam_role_policies_exclusive.federation_role_inline_policies",
        ],
        ["role's inline policy `aws_iam_role_policy.federation_policy` would be deleted", "aws_iam_role_policy.federation_policy"],
        [
          "role's exclusive list of managed policies `aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies` would be deleted",
          "aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies",
        ],
        ["SAML provider `aws_iam_saml_provider.saml_provider` would be deleted", "aws_iam_saml_provider.saml_provider"],
        ['Identity Center user `aws_identitystore_user.identity_center_users["alice.nguyen@example.com"]` would be deleted', "alice.nguyen@example.com"],
        [`Identity Center user \`aws_identitystore_user.identity_center_users["${BOB}"]\` would be deleted`, BOB],
        ['Identity Center user `aws_identitystore_user.identity_center_users["jose.pena@example.com"]` would be deleted', "jose.pena@example.com"],
        ['Identity Center user `aws_identitystore_user.identity_center_users["supervisor.kim@example.com"]` would be deleted', "supervisor.kim@example.com"],
        [
          'Identity Center application assignment `aws_ssoadmin_application_assignment.application_assignments["alice.nguyen@example.com"]` would be deleted',
          "alice.nguyen@example.com",
        ],
        [`Identity Center application assignment \`aws_ssoadmin_application_assignment.application_assignments["${BOB}"]\` would be deleted`, BOB],
        [
          'Identity Center application assignment `aws_ssoadmin_application_assignment.application_assignments["jose.pena@example.com"]` would be deleted',
          "jose.pena@example.com",
        ],
        [
          'Identity Center application assignment `aws_ssoadmin_application_assignment.application_assignments["supervisor.kim@example.com"]` would be deleted',
          "supervisor.kim@example.com",
        ],
      ],
    ],
    [
      "forget-identity",
      [
        [
          "SAML provider `aws_iam_saml_provider.saml_provider` would no longer be managed by Terraform (left in AWS, out of this stack's state)",
          "aws_iam_saml_provider.saml_provider",
        ],
        [
          "federation role `aws_iam_role.federation_role` would no longer be managed by Terraform (left in AWS, out of this stack's state)",
          "aws_iam_role.federation_role",
        ],
      ],
    ],
    [
      "unknown-actions",
      [
        [`Connect user \`${user(BOB)}\` has actions \`["delete","forget"]\`, which this review does not know`, BOB],
        [
          'SAML provider `aws_iam_saml_provider.saml_provider` has actions `["Delete"]`, which this review does not know',
          "aws_iam_saml_provider.saml_provider",
        ],
      ],
    ],
    [
      "replace",
      [
        ["federation role `aws_iam_role.federation_role` would be replaced (deleted, then created again)", "aws_iam_role.federation_role"],
        [`Connect user \`${user("jose.pena@example.com")}\` would be replaced (the new one created, then the old one deleted)`, "jose.pena@example.com"],
      ],
    ],
  ];

  test.each(cases)("GIVEN the %s plan WHEN reviewed without consent THEN it exits 1 and each change says which consent line allows it", (name, expected) => {
    const { code, out, err } = review([fixture(name)]);
    expect(code).toBe(1);
    const refused = out
      .slice(out.indexOf("### ⛔ Needs consent"))
      .split("\n")
      .filter((l) => l.startsWith("- "));
    expect(refused).toEqual(expected.map(([line, target]) => `- ${line}: \`consent: ${PROD} ${target}\``));
    expect(err).toContain(`review: ${expected.length} gated change(s) lack consent`);
    for (const [, target] of expected) expect(err).toContain(`\n  consent: ${PROD} ${target}`);
  });

  test.each(cases)(
    "GIVEN the %s plan WHEN a consents file names each target for its stack THEN it exits 0 and lists each change as allowed and each consent as used",
    (name, expected) => {
      const targets = [...new Set(expected.map(([, target]) => target))];
      const file = consentsFile(`${name}.json`, {
        consents: targets.map((target, i) => ({ stack: PROD, target, by: "sam-reviewer", source: `approving review ${100 + i} on #45` })),
      });
      const { code, out, err } = review(["--consents", file, fixture(name)]);
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out).not.toContain("Needs consent");
      for (const [line] of expected) expect(out).toMatch(new RegExp(`^- ${escape(line)}: allowed by sam-reviewer \\(approving review \\d+ on #45\\)$`, "m"));
      targets.forEach((target, i) => expect(out).toContain(`| \`${PROD}\` | \`${target}\` | sam-reviewer | approving review ${100 + i} on #45 |`));
      expect(out).not.toContain("Given but not used");
    },
  );

  test("GIVEN the role and provider deleted or replaced THEN the review warns that agents cannot sign in until re-provisioned", () => {
    for (const name of ["destroy", "replace"])
      expect(review([fixture(name)]).out).toContain("cannot sign in through the new one until their Connect users are deleted and re-created");
    expect(review([fixture("forget-identity")]).out).not.toContain("cannot sign in");
  });
});

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("consent is scoped to one stack and one target", () => {
  const deletions = [
    `Connect user \`aws_connect_user.connect_users["${BOB}"]\``,
    `Identity Center user \`aws_identitystore_user.identity_center_users["${BOB}"]\``,
    `Identity Center application assignment \`aws_ssoadmin_application_assignment.application_assignments["${BOB}"]\``,
  ];

  test("GIVEN bob removed from prod WHEN the consent names bob in connect-sso-staging THEN it does not count: exit 1, and it is listed as given but not used", () => {
    const { code, out } = review([...consentFlags("connect-sso-staging", [BOB]), fixture("remove-user")]);
    expect(code).toBe(1);
    expect(out).toContain(
      [
        "**Given but not used (1)**: nothing in these plans matches them (another stack, or a target the plans do not change).",
        "",
        `- \`consent: connect-sso-staging ${BOB}\` by command line (--consent flag)`,
      ].join("\n"),
    );
    for (const d of deletions) expect(out).toContain(`- ${d} would be deleted: \`consent: ${PROD} ${BOB}\``);
  });

  test("GIVEN bob removed from prod WHEN the consent names his user name in prod THEN his Connect user, Identity Center user and assignment are all allowed (exit 0)", () => {
    const { code, out, err } = review([...consentFlags(PROD, [BOB]), fixture("remove-user")]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    for (const d of deletions) expect(out).toContain(`- ${d} would be deleted: allowed by command line (--consent flag)`);
    expect(out).toContain(
      ["**Used (1)**", "", "| Stack | Target | By | Where |", "| --- | --- | --- | --- |", `| \`${PROD}\` | \`${BOB}\` | command line | --consent flag |`].join(
        "\n",
      ),
    );
  });

  test.each([
    [`aws_connect_user.connect_users["${BOB}"]`, "the full address"],
    ["aws_connect_user.connect_users", "the resource address (every instance)"],
  ])(
    "GIVEN bob removed WHEN the only consent is %s (%s) THEN only the Connect user is allowed: his Identity Center user and assignment still need consent",
    (target) => {
      const { code, out } = review([...consentFlags(PROD, [target]), fixture("remove-user")]);
      expect(code).toBe(1);
      expect(out).toContain(`- ${deletions[0]} would be deleted: allowed by command line (--consent flag)`);
      for (const d of deletions.slice(1)) expect(out).toContain(`- ${d} would be deleted: \`consent: ${PROD} ${BOB}\``);
    },
  );

  test("GIVEN a consent for another user and one with another case THEN neither allows bob's deletion", () => {
    for (const target of ["alice.nguyen@example.com", "Bob.Martin@example.com", "aws_connect_user"]) {
      const { code, out } = review([...consentFlags(PROD, [target]), fixture("remove-user")]);
      expect({ target, code }).toEqual({ target, code: 1 });
      expect(out).toContain("**Given but not used (1)**");
    }
  });
});

describe("a users-stack move: forget in one stack, import in another of the same environment", () => {
  const main = fixture("users-move", "connect-sso-dev");
  const one = fixture("users-move", "connect-sso-dev-users-1");
  const two = fixture("users-move", "connect-sso-dev-users-2");

  test("GIVEN the main stack's forgets and both users stacks' imports in one run THEN it passes without consent and says where each user moves", () => {
    const { code, out, err } = review([main, one, two]);
    expect({ code, err }).toEqual({ code: 0, err: "" });
    expect(out).toContain(
      [
        "**No longer managed (left in Connect) (2)**",
        "",
        "- `alice.nguyen@example.com`",
        "  - moves to `connect-sso-dev-users-1`, which imports it in this review",
        "- `dev.lead@example.com`",
        "  - moves to `connect-sso-dev-users-2`, which imports it in this review",
      ].join("\n"),
    );
    expect(out).not.toContain("consent");
  });

  test("GIVEN the forgets without the imports THEN each forgotten user needs consent (exit 1)", () => {
    const alone = review([main]);
    expect(alone.code).toBe(1);
    expect(alone.err).toContain("review: 2 gated change(s) lack consent");
    const half = review([main, one]);
    expect(half.code).toBe(1);
    expect(half.out).toContain(
      '- Connect user `aws_connect_user.connect_users_forgotten["dev.lead@example.com"]` would no longer be managed (left in Connect), and no other stack of its environment imports it in this review: `consent: connect-sso-dev dev.lead@example.com`',
    );
    expect(half.out).not.toContain("consent: connect-sso-dev alice.nguyen@example.com");
  });

  test("GIVEN the import in a stack of ANOTHER environment, or of another Connect user object THEN the forget is not a move (exit 1)", () => {
    const elsewhere = path.join(dir, "elsewhere", "connect-sso-staging-users-1.json");
    fs.mkdirSync(path.dirname(elsewhere), { recursive: true });
    fs.copyFileSync(one, elsewhere);
    const other = path.join(dir, "other-object", "connect-sso-dev-users-1.json");
    fs.mkdirSync(path.dirname(other), { recursive: true });
    const plan = JSON.parse(fs.readFileSync(one, "utf8"));
    // The same user name imported from another Connect user ID (say, a re-created user).
    plan.resource_changes[0].change.importing.id = plan.resource_changes[0].change.importing.id.replace(/:[^:]+$/, ":00000000-0000-4000-8000-000000000000");
    fs.writeFileSync(other, JSON.stringify(plan));
    for (const imports of [elsewhere, other]) {
      const { code, out } = review([main, imports, two]);
      expect({ imports, code }).toEqual({ imports, code: 1 });
      expect(out).toContain("`consent: connect-sso-dev alice.nguyen@example.com`");
    }
  });
});

describe("removed stacks need consent to retire", () => {
  test("GIVEN --removed-stack connect-sso-qa WHEN no consent retires it THEN exit 1 naming the retire line; a consent for one of its resources does not count", () => {
    for (const consents of [[], ["aws_iam_role.federation_role"]]) {
      const { code, out } = review(["--removed-stack", "connect-sso-qa", ...consentFlags("connect-sso-qa", consents)]);
      expect({ consents, code }).toEqual({ consents, code: 1 });
      expect(out).toContain("## connect-sso-qa (removed)");
      expect(out).toContain("- Stack `connect-sso-qa` is removed (no environment file synthesizes it any more): `consent: connect-sso-qa retire`");
    }
  });

  test("GIVEN --removed-stack with `retire` consent for that stack THEN exit 0; a retire consent for another stack does not count", () => {
    expect(review(["--removed-stack", "connect-sso-qa", "--consent", "connect-sso-qa:retire", fixture("no-changes")])).toMatchObject({ code: 0, err: "" });
    expect(review(["--removed-stack", "connect-sso-qa", "--consent", "connect-sso-dev:retire"]).code).toBe(1);
  });
});

describe("SAML metadata: a new certificate or identity provider is shown and gated, though it updates in place", () => {
  const OLD = "13:27:CE:B5:6B:2F:7E:8D:B6:1D:71:52:7F:76:1D:54:9C:10:25:2D:E4:84:B6:E2:7B:B9:2C:62:33:36:99:F8";
  const ROTATED = "88:43:47:4D:B0:7E:28:62:81:3A:2A:04:75:C9:BD:26:7A:72:01:AF:EC:D6:96:78:BC:C1:56:6C:29:3A:19:83";
  const OTHER = "38:1F:A6:7A:98:EC:F0:44:DA:22:91:9B:16:6A:F8:98:60:18:23:56:65:C1:76:15:82:E6:5E:49:98:15:FA:B7";
  const SUBJECT = "CN=idp.example.invalid, OU=Generated test metadata, O=Example";
  const GATED =
    "- SAML provider `aws_iam_saml_provider.saml_provider` would change whom IAM trusts for sign-in (entityID or signing certificates, see IAM above): `consent: connect-sso-prod aws_iam_saml_provider.saml_provider`";

  test("GIVEN a certificate rotation THEN both fingerprints are shown with subject and expiry, and it needs consent (exit 1), given by the provider's address (exit 0)", () => {
    const { code, out } = review([fixture("certificate-rotation")]);
    expect(code).toBe(1);
    expect(out).toContain(
      [
        "- `aws_iam_saml_provider.saml_provider`: update",
        `  - signing certificate removed: ${SUBJECT}, expires 2099-12-31, SHA-256 \`${OLD}\``,
        `  - signing certificate added: ${SUBJECT}, expires 2098-06-30, SHA-256 \`${ROTATED}\``,
        "",
      ].join("\n"),
    );
    expect(out).not.toContain("entityID):");
    expect(out).toContain(GATED);
    expect(review(["--consent", `${PROD}:aws_iam_saml_provider.saml_provider`, fixture("certificate-rotation")])).toMatchObject({ code: 0, err: "" });
  });

  test("GIVEN metadata of another identity provider THEN the entityID is shown old → new with the certificates, and it needs consent", () => {
    const { code, out } = review([fixture("other-identity-provider")]);
    expect(code).toBe(1);
    expect(out).toContain(
      [
        "  - identity provider (entityID): `https://portal.sso.us-west-2.amazonaws.com/saml/assertion/MDAwMDAwMDAtZXhhbXBsZS1pZHA` → `https://portal.sso.eu-west-1.amazonaws.com/saml/assertion/T1RIRVItSURQLWV4YW1wbGU`",
        `  - signing certificate removed: ${SUBJECT}, expires 2099-12-31, SHA-256 \`${OLD}\``,
        `  - signing certificate added: ${SUBJECT}, expires 2097-03-15, SHA-256 \`${OTHER}\``,
      ].join("\n"),
    );
    expect(out).toContain(GATED);
  });
});

test("GIVEN the role's own inline_policy and managed_policy_arns set by the configuration THEN both are shown as diffs and the widening update needs consent", () => {
  const { code, out, err } = review([fixture("role-inline-policy")]);
  expect({ code, err }).toEqual({ code: 1, err: expect.stringContaining("consent: connect-sso-prod aws_iam_role.federation_role") });
  expect(out).toMatch(/would change `inline_policy`, `managed_policy_arns`, which no update changes without consent/);
  expect(review([fixture("role-inline-policy"), "--consent", "connect-sso-prod:aws_iam_role.federation_role"]).code).toBe(0);
  expect(out).toContain(
    ["  - inline policies set on the role itself (`inline_policy`) change:", "", "  ```diff", "    [", "      {", '        "name": "connect-federation",'].join(
      "\n",
    ),
  );
  expect(out).toContain(
    [
      "  +   {",
      '  +     "name": "extra-admin",',
      '  +     "policy": {',
      '  +       "Version": "2012-10-17",',
      '  +       "Statement": [',
      "  +         {",
      '  +           "Effect": "Allow",',
      '  +           "Action": "connect:*",',
      '  +           "Resource": "*"',
    ].join("\n"),
  );
  expect(out).toContain(
    [
      "  - managed policies attached by the role itself (`managed_policy_arns`) change:",
      "",
      "  ```diff",
      "  - []",
      "  + [",
      '  +   "arn:aws:iam::aws:policy/AdministratorAccess"',
      "  + ]",
      "  ```",
    ].join("\n"),
  );
});

test("GIVEN the applied prod example planned again with no changes (terraform writes applyable: false) THEN it is accepted: No changes, exit 0", () => {
  expect(JSON.parse(fs.readFileSync(fixture("no-changes"), "utf8")).applyable).toBe(false);
  expect(review([fixture("no-changes")])).toEqual({ code: 0, out: "# Plan review\n\n## connect-sso-prod\n\nNo changes.\n", err: "" });
});

describe("unusable input exits 2 with one line naming the file or flag and why, and prints no review", () => {
  test.each([
    ["errored", [fixture("errored")], /^review: .*errored\/connect-sso-prod\.json: is marked errored \(`errored: true`\)/],
    ["incomplete", [fixture("incomplete")], /incomplete\/connect-sso-prod\.json: is marked incomplete \(`complete: false`\)/],
    ["changes but not applyable", [fixture("not-applyable")], /not-applyable\/connect-sso-prod\.json: has changes but is marked not applyable/],
    ["not JSON", [fixture("not-json")], /not-json\/connect-sso-prod\.json: is not JSON \(/],
    ["a state file, not a plan", [fixture("not-a-plan")], /not-a-plan\/connect-sso-prod\.json: has no format_version/],
    ["an unknown top-level key", [fixture("deferred")], /deferred\/connect-sso-prod\.json: has `deferred_changes`, which this tool was never taught to read/],
    ["a missing file", [path.join(FIXTURES, "nowhere", "connect-sso-prod.json")], /nowhere\/connect-sso-prod\.json: file not found/],
    ["a folder", [path.join(FIXTURES, "destroy")], /destroy: cannot tell its stack/],
    [
      "two plans of one stack",
      [fixture("destroy"), fixture("remove-user")],
      /destroy\/connect-sso-prod\.json and .*remove-user\/connect-sso-prod\.json are both plans of connect-sso-prod; give one plan per stack/,
    ],
  ])("%s", (_, argv, message) => {
    const { code, out, err } = review(argv);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(message);
    expect(err.trim().split("\n")).toHaveLength(1);
  });

  test("GIVEN a file not named after a stack, or a folder named like one THEN it is refused (the consents' scope is the stack)", () => {
    const unnamed = path.join(dir, "review-input.tfplan.json");
    fs.copyFileSync(fixture("no-changes"), unnamed);
    expect(review([unnamed])).toMatchObject({ code: 2, out: "" });
    expect(review([unnamed]).err).toContain(
      "review-input.tfplan.json: cannot tell its stack; name the file or a folder above it after the stack, e.g. plans/connect-sso-prod.json",
    );
    const folder = path.join(dir, "connect-sso-prod");
    fs.mkdirSync(folder, { recursive: true });
    expect(review([folder]).err).toMatch(/connect-sso-prod: is not a file/);
  });
});

describe("command-line and consent input", () => {
  test.each([
    [
      "--allow-delete (replaced)",
      ["--allow-delete", BOB, fixture("remove-user")],
      /^review: --allow-delete is gone: consent is now scoped to one stack and one target\. Use --consent <stack>:<target>/,
    ],
    ["--allow-delete=… (replaced)", [`--allow-delete=${BOB}`, fixture("remove-user")], /--allow-delete is gone/],
    ["an unknown flag", ["--allow-everything", fixture("remove-user")], /Unknown option '--allow-everything'[\s\S]*\nusage: npm run review -- /],
    ["no plan", [], /^review: no plan file given\nusage: npm run review -- /],
    ["--consent without a colon", ["--consent", BOB, fixture("remove-user")], /--consent "bob\.martin@example\.com": stack "" is not a stack name/],
    [
      "--consent for no stack",
      ["--consent", `prod:${BOB}`, fixture("remove-user")],
      /--consent "prod:bob\.martin@example\.com": stack "prod" is not a stack name/,
    ],
    ["--consent with a space in the target", ["--consent", `${PROD}:bob martin`, fixture("remove-user")], /target "bob martin" is not one token/],
    ["--consent with an empty target", ["--consent", `${PROD}:`, fixture("remove-user")], /target "" is not one token/],
    [
      "a bad --removed-stack",
      ["--removed-stack", "prod"],
      /--removed-stack "prod" is not a stack name; expected connect-sso-<env> or connect-sso-<env>-users-<n>/,
    ],
  ])("%s exits 2 with the reason", (_, argv, message) => {
    const { code, out, err } = review(argv);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toMatch(message);
  });

  test.each([
    ["not JSON", "{ consents: [", /consents-bad\.json: is not JSON/],
    ["a list", "[]", /is not \{"consents": \[\{"stack", "target", "by", "source"\}, \.\.\.\]\} as written by npm run consents/],
    ["another top-level key", { consents: [], allowAll: true }, /is not \{"consents"/],
    [
      "an entry without `by`",
      { consents: [{ stack: PROD, target: BOB, source: "x" }] },
      /consents\[0\] is not \{"stack", "target", "by", "source"\} with four non-empty strings/,
    ],
    ["an entry with an extra key", { consents: [{ stack: PROD, target: BOB, by: "a", source: "b", scope: "*" }] }, /consents\[0\] is not/],
    ["an entry for a wildcard stack", { consents: [{ stack: "*", target: BOB, by: "a", source: "b" }] }, /consents\[0\]: stack "\*" is not a stack name/],
  ])("a consents file that is %s exits 2 naming the file", (_, content, message) => {
    const file = consentsFile("consents-bad.json", content);
    const { code, out, err } = review(["--consents", file, fixture("remove-user")]);
    expect({ code, out }).toEqual({ code: 2, out: "" });
    expect(err).toContain(`review: --consents ${file}: `);
    expect(err).toMatch(message);
  });

  test("a missing consents file exits 2 naming it", () => {
    const missing = path.join(dir, "none.json");
    expect(review(["--consents", missing, fixture("remove-user")])).toEqual({ code: 2, out: "", err: `review: --consents ${missing}: file not found` });
  });

  test("GIVEN the npm script run with bad arguments THEN the process prints the reason and usage and exits 2, never a stack trace", async () => {
    const result = await runCommand(
      process.execPath,
      [path.join(REPO, "node_modules", "tsx", "dist", "cli.mjs"), path.join(REPO, "scripts", "review.ts"), "--allow-delete", BOB, fixture("remove-user")],
      {
        cwd: REPO,
        env: { ...process.env },
        timeoutMs: 60_000,
      },
    );
    if (result.code !== 2) throw new Error(describeResult(result, "expected exit 2"));
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("--allow-delete is gone");
    expect(result.stderr).not.toMatch(/Error:|at .*\.ts:\d+/);
  }, 60_000);
});
