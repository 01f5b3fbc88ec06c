/**
 * Adoption (`adopt: { samlProvider, role, users }` → Terraform import blocks) under real
 * terraform: identity resources made by hand before the stack existed are imported by the first
 * apply instead of failing with "already exists", then set to the configuration.
 *
 * By hand, on moto_server (IAM query API) and on the Connect fake (its REST API), both on
 * 127.0.0.1: the SAML provider (older metadata), the role (a trust policy without the SAML:aud
 * condition, plus an extra inline policy and an attached managed policy) and the Connect user
 * alice.nguyen@example.com (first name mistyped). The dev example is then built in-process with
 * `adopt: { samlProvider: true, role: true, users: [alice] }`.
 *
 * The hand-made role keeps the configured description and maximum session on purpose: moto's
 * UpdateRole clears a role's description when the request carries none (AWS leaves it), and the
 * provider sends MaxSessionDuration alone, so a session change would show as a description change
 * on the next plan against moto only. Trust, policies, metadata and the user cover the import.
 */
import type { Environment } from "../../lib/config/environment";
import { runReview } from "../../lib/tools/review/cli";
import { makeMetadata } from "../../lib/devtools/make-metadata";
import { exampleEnvironment } from "../support/environments";
import { startSandbox, type Sandbox, type SavedPlan, type Workspace } from "../support/sandbox";
import { describeIfTools, missingSandboxTools } from "../support/tools";

const ACCOUNT = "111122223333";
const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/AmazonConnectSSO-dev`;
const ROLE = "AmazonConnectSSO-dev";
const ALICE = "alice.nguyen@example.com";
const LEGACY_MANAGED_ARN = `arn:aws:iam::${ACCOUNT}:policy/LegacyManaged`;

/** The role as someone made it by hand: SAML trust without the audience condition. */
const HAND_MADE_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Federated: PROVIDER_ARN }, Action: "sts:AssumeRoleWithSAML" }],
};

describeIfTools(
  "adopting a hand-made SAML provider, role and Connect user (real terraform; moto_server and the Connect fake on loopback)",
  missingSandboxTools(),
  () => {
    let sandbox: Sandbox | undefined;
    let env: Environment;
    let ws: Workspace;
    let firstPlan: SavedPlan | undefined;
    let handMadeUserId: string;
    let applied = false;
    const needApply = () => {
      if (!applied) throw new Error("the adopting apply did not succeed (see the failing test above)");
    };

    beforeAll(async () => {
      const dev = exampleEnvironment("dev");
      if (dev.account !== ACCOUNT || dev.iam.roleName !== ROLE || !dev.users.some((u) => u.username === ALICE)) {
        throw new Error("the dev example changed (account, role, users): update this test's hand-written expectations");
      }
      sandbox = await startSandbox(dev);
      const s = sandbox;

      // Made by hand, before any stack.
      await s.iam({ Action: "CreateSAMLProvider", Name: dev.iam.samlProviderName, SAMLMetadataDocument: await makeMetadata() });
      await s.iam({
        Action: "CreateRole",
        RoleName: ROLE,
        AssumeRolePolicyDocument: JSON.stringify(HAND_MADE_TRUST),
        Description: "Amazon Connect sign-in through IAM Identity Center (SAML)",
        MaxSessionDuration: "36000",
      });
      await s.iam({
        Action: "PutRolePolicy",
        RoleName: ROLE,
        PolicyName: "legacy-inline",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }),
      });
      await s.iam({
        Action: "CreatePolicy",
        PolicyName: "LegacyManaged",
        PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:Describe*", Resource: "*" }] }),
      });
      await s.iam({ Action: "AttachRolePolicy", RoleName: ROLE, PolicyArn: LEGACY_MANAGED_ARN });
      const made = await s.connect("PUT", `/users/${s.instanceId}`, {
        Username: ALICE,
        IdentityInfo: { FirstName: "Alicia", LastName: "Nguyen" },
        PhoneConfig: { PhoneType: "SOFT_PHONE", AutoAccept: false, AfterContactWorkTimeLimit: 0 },
        SecurityProfileIds: [s.profileIds.Agent],
        RoutingProfileId: s.profileIds["Basic Routing Profile"],
      });
      handMadeUserId = made.UserId;

      env = { ...dev, adopt: { samlProvider: true, role: true, users: [ALICE] } };
      ws = await s.workspace("adopt", env);
    }, 60_000);

    afterAll(async () => {
      await sandbox?.stop();
    }, 30_000);

    test("GIVEN hand-made resources and adopt WHEN planned THEN the provider, the role and the user are imported (not created), and the review lists them as imported with what the apply changes", async () => {
      firstPlan = await ws.plan();
      const changes = Object.fromEntries(
        (firstPlan.json.resource_changes ?? []).map((rc) => [rc.address, { actions: rc.change.actions.join(","), importing: rc.change.importing?.id }]),
      );
      expect(changes).toEqual({
        "aws_iam_saml_provider.saml_provider": { actions: "update", importing: PROVIDER_ARN },
        "aws_iam_role.federation_role": { actions: "update", importing: ROLE },
        [`aws_connect_user.connect_users["${ALICE}"]`]: { actions: "update", importing: `${sandbox!.instanceId}:${handMadeUserId}` },
        'aws_connect_user.connect_users["dev.lead@example.com"]': { actions: "create", importing: undefined },
        "aws_iam_role_policy.federation_policy": { actions: "create", importing: undefined },
        "aws_iam_role_policies_exclusive.federation_role_inline_policies": { actions: "create", importing: undefined },
        "aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies": { actions: "create", importing: undefined },
      });

      let out = "";
      let err = "";
      // Adopting the hand-made provider puts this file's certificate on it: a trust change, consented;
      // adopting the hand-made role changes its trust policy: a guarded field, consented.
      const refused = runReview(
        ["--consent", "connect-sso-dev:aws_iam_saml_provider.saml_provider", firstPlan.jsonFile],
        () => undefined,
        (t) => (err += t),
      );
      expect(refused).toBe(1);
      expect(err).toContain("consent: connect-sso-dev aws_iam_role.federation_role");
      err = "";
      const code = runReview(
        ["--consent", "connect-sso-dev:aws_iam_saml_provider.saml_provider", "--consent", "connect-sso-dev:aws_iam_role.federation_role", firstPlan.jsonFile],
        (t) => (out += t),
        (t) => (err += t),
      );
      expect({ code, err }).toEqual({ code: 0, err: "" });
      expect(out).toContain(["**Added (1)**", "", "- `dev.lead@example.com`"].join("\n"));
      expect(out).toContain(["**Imported (already existed) (1)**", "", `- \`${ALICE}\``, "  - first name: `Alicia` → `Alice`", ""].join("\n"));
      expect(out).toMatch(
        /- `aws_iam_saml_provider\.saml_provider`: import\n {2}- signing certificate removed: CN=idp\.example\.invalid, .*, SHA-256 `[0-9A-F:]{95}`\n {2}- signing certificate added: CN=idp\.example\.invalid, .*, SHA-256 `[0-9A-F:]{95}`\n/,
      );
      expect(out).toContain(
        "- SAML provider `aws_iam_saml_provider.saml_provider` would change whom IAM trusts for sign-in (entityID or signing certificates, see IAM above): allowed by command line (--consent flag)",
      );
      expect(out).toContain("- `aws_iam_role.federation_role`: import\n  - trust policy changes:");
      expect(out).toContain(
        '  +       "Condition": {\n  +         "StringEquals": {\n  +           "SAML:aud": [\n  +             "https://signin.aws.amazon.com/saml",\n  +             "https://us-west-2.signin.aws.amazon.com/saml"',
      );
      expect(out).toContain("  - inline policies (the apply deletes any other): `legacy-inline` → `connect-federation`");
      expect(out).toContain(`  - managed policies (the apply detaches any other): \`${LEGACY_MANAGED_ARN}\` → _(none)_`);
      expect(out).toContain("- federation role `aws_iam_role.federation_role` would change `assume_role_policy`, which no update changes without consent");
      expect(out).not.toMatch(/Needs consent|Removed|### Change by hand/);
    }, 180_000);

    test("WHEN that plan is applied THEN it imports instead of failing with 'already exists', and the hand-made user keeps its ID with the configured name", async () => {
      if (!firstPlan) throw new Error("the adopting plan did not succeed (see the failing test above)");
      const result = await ws.apply(firstPlan);
      expect(result.stdout).toContain("Apply complete! Resources: 3 imported, 4 added, 3 changed, 0 destroyed.");
      expect(result.stdout + result.stderr).not.toMatch(/already exists/i);
      applied = true;
      const alice = sandbox!.fake.user(sandbox!.instanceId!, ALICE);
      expect({ id: alice?.Id, names: alice?.IdentityInfo }).toEqual({ id: handMadeUserId, names: { FirstName: "Alice", LastName: "Nguyen" } });
      expect(sandbox!.fake.users(sandbox!.instanceId!).map((u) => u.Username)).toEqual([ALICE, "dev.lead@example.com"]);
      const provider = await sandbox!.iam({ Action: "GetSAMLProvider", SAMLProviderArn: PROVIDER_ARN });
      expect(provider.GetSAMLProviderResponse.GetSAMLProviderResult.SAMLMetadataDocument).toBe(env.ssoApplication.metadataXml);
    }, 180_000);

    test("WHEN planned again THEN there are no changes (exit 0 with -detailed-exitcode)", async () => {
      needApply();
      const again = await ws.plan();
      expect(again.exitCode).toBe(0);
      expect((again.json.resource_changes ?? []).filter((rc) => rc.change.actions.join() !== "no-op").map((rc) => rc.address)).toEqual([]);
    }, 180_000);

    test("THEN the role holds only the connect-federation inline policy, no managed policy, and the configured SAML trust (the exclusive resources removed the rest)", async () => {
      needApply();
      const inline = await sandbox!.iam({ Action: "ListRolePolicies", RoleName: ROLE });
      expect(inline.ListRolePoliciesResponse.ListRolePoliciesResult.PolicyNames.member).toEqual(["connect-federation"]);
      const managed = await sandbox!.iam({ Action: "ListAttachedRolePolicies", RoleName: ROLE });
      expect(managed.ListAttachedRolePoliciesResponse.ListAttachedRolePoliciesResult.AttachedPolicies).toBe("");
      const role = (await sandbox!.iam({ Action: "GetRole", RoleName: ROLE })).GetRoleResponse.GetRoleResult.Role;
      expect(JSON.parse(decodeURIComponent(role.AssumeRolePolicyDocument)).Statement).toEqual([
        {
          Sid: "IdentityCenterSamlFederation",
          Effect: "Allow",
          Principal: { Federated: PROVIDER_ARN },
          Action: "sts:AssumeRoleWithSAML",
          Condition: { StringEquals: { "SAML:aud": ["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"] } },
        },
      ]);
    }, 60_000);

    test("GIVEN the same existing resources WHEN a stack WITHOUT adopt applies THEN it fails with 'already exists' (what adoption avoids)", async () => {
      needApply();
      const control = await sandbox!.workspace("control", { ...env, adopt: { samlProvider: false, role: false, users: [] } });
      const result = await control.apply(undefined, ["-target=aws_iam_role.federation_role", `-target=aws_connect_user.connect_users["${ALICE}"]`], [1]);
      expect(result.stderr).toContain(`EntityAlreadyExists: Role with name ${ROLE} already exists.`);
      expect(result.stderr).toContain(`DuplicateResourceException: User with username ${ALICE} already exists.`);
    }, 180_000);
  },
);
