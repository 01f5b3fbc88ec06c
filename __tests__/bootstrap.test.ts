/**
 * The pipeline's rules without synth: names, GitHub's claims, state object patterns, the policy
 * documents of the plan and apply roles (what each may do, on which resources). The bootstrap
 * constructs' own prop checks are in __tests__/constructs/.
 */
import type { Environment } from "../lib/config/environment";
import {
  bootstrapStackName,
  ENVIRONMENT_NAME,
  GITHUB_REPOSITORY,
  githubOidcAudience,
  githubSubjects,
  pipelineRoleName,
  stateObjectPatterns,
  usersStateKey,
} from "../lib/rules/naming";
import { githubOidcTrustPolicy, pipelinePolicy, stateBucketPolicy, type PipelineRoleKind } from "../lib/rules/policies";
import { wildcardMatches } from "../lib/synth/security/view";
import { exampleEnvironment } from "./support/environments";

type Statement = Record<string, any>;
const statementsOf = (env: Environment, kind: PipelineRoleKind): Statement[] => pipelinePolicy(env, kind).Statement as Statement[];
const sid = (env: Environment, kind: PipelineRoleKind, name: string): Statement | undefined => statementsOf(env, kind).find((s) => s.Sid === name);
const sids = (env: Environment, kind: PipelineRoleKind) => statementsOf(env, kind).map((s) => s.Sid);

describe("names and GitHub's claims", () => {
  test("GIVEN environment prod WHEN its pipeline names are made THEN they are connect-sso-prod-bootstrap, -plan and -apply", () => {
    expect([bootstrapStackName("prod"), pipelineRoleName("prod", "plan"), pipelineRoleName("prod", "apply")]).toEqual([
      "connect-sso-prod-bootstrap",
      "connect-sso-prod-plan",
      "connect-sso-prod-apply",
    ]);
  });

  test.each([
    ["x-bootstrap", false],
    ["prod-bootstrap", false],
    ["bootstrap", true],
    ["bootstrapper", true],
    ["bootstrap-eu", true],
  ])("GIVEN the environment name %s WHEN checked THEN allowed is %s (a -bootstrap ending would name another environment's bootstrap stack)", (name, ok) => {
    expect(ENVIRONMENT_NAME.test(name)).toBe(ok);
  });

  test.each([
    ["aws", "sts.amazonaws.com"],
    ["aws-us-gov", "sts.amazonaws.com"],
    ["aws-cn", "sts.amazonaws.com.cn"],
  ] as const)("GIVEN partition %s WHEN the OIDC audience is asked THEN it is %s", (partition, audience) => {
    expect(githubOidcAudience(partition)).toBe(audience);
  });

  test("GIVEN a repository and an environment WHEN the subjects are made THEN plans accept the pull-request workflow's pull requests and the main workflow on main, applies only the main workflow on main in the GitHub environment", () => {
    expect(githubSubjects("acme/contact-center", "prod")).toEqual({
      plan: [
        "repo:acme/contact-center:pull_request:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso-pr.yml@refs/pull/*/merge",
        "repo:acme/contact-center:ref:refs/heads/main:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/main",
      ],
      apply: ["repo:acme/contact-center:environment:prod:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/main"],
    });
    // The immutable form names the repository by IDs in `repo:`, by names in job_workflow_ref.
    expect(githubSubjects("acme@1/contact-center@2", "prod").apply).toEqual([
      "repo:acme@1/contact-center@2:environment:prod:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/main",
    ]);
  });

  test.each([
    ["acme/contact-center", true],
    ["Acme-1/contact_center.v2", true],
    ["acme/*", false],
    ["acme/contact?center", false],
    ["*/contact-center", false],
    ["-acme/x", false],
    ["acme", false],
    ["acme/x/y", false],
    ["acme/..", false],
    ["acme/.", false],
    ["acme /x", false],
    ["acme@1234/contact-center@5678", true],
    ["acme@1234/contact-center", true],
    ["acme@/contact-center@5678", false],
    ["acme@12a/contact-center@5678", false],
    ["acme/..@5678", false],
  ])("GIVEN the repository %p WHEN checked THEN allowed is %s (it goes into a StringLike condition)", (repository, ok) => {
    expect(GITHUB_REPOSITORY.test(repository)).toBe(ok);
  });
});

describe("state object patterns", () => {
  const KEY = "connect-sso/dev/terraform.tfstate";
  const matches = (key: string, mainKey = KEY) => stateObjectPatterns(mainKey).some((p) => wildcardMatches(p, key, "resource"));

  test("GIVEN the default key WHEN the patterns are made THEN they are the key and the users stacks' keys, each with its companions", () => {
    expect(stateObjectPatterns(KEY)).toEqual(["connect-sso/dev/terraform.tfstate*", "connect-sso/dev/users-*/terraform.tfstate*"]);
  });

  test("GIVEN every users stack of the environment WHEN their keys and lock files are matched THEN every one is covered", () => {
    const keys = [KEY, ...Array.from({ length: 64 }, (_, i) => usersStateKey(KEY, i + 1))];
    expect(keys.flatMap((k) => [k, `${k}.tflock`]).filter((k) => !matches(k))).toEqual([]);
  });

  test.each(["connect-sso/prod/terraform.tfstate", "connect-sso/dev-eu/terraform.tfstate", "connect-sso/terraform.tfstate", "other/dev/terraform.tfstate"])(
    "GIVEN another environment's key %s WHEN matched THEN it is not covered",
    (key) => {
      expect(matches(key)).toBe(false);
    },
  );

  test("GIVEN a key without a folder WHEN the patterns are made THEN the users stacks' keys sit in users-<n>/ beside it", () => {
    expect(stateObjectPatterns("terraform.tfstate")).toEqual(["terraform.tfstate*", "users-*/terraform.tfstate*"]);
    expect(matches(usersStateKey("terraform.tfstate", 3), "terraform.tfstate")).toBe(true);
  });
});

describe("policy documents", () => {
  test("GIVEN a provider, audience and subjects WHEN the trust policy is made THEN it is GitHub's web identity with aud and literal sub", () => {
    expect(
      githubOidcTrustPolicy("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", "sts.amazonaws.com", ["repo:a/b:pull_request"]),
    ).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "GitHubActionsOidc",
          Effect: "Allow",
          Principal: { Federated: "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" },
            StringLike: { "token.actions.githubusercontent.com:sub": ["repo:a/b:pull_request"] },
          },
        },
      ],
    });
  });

  test("GIVEN dev WHEN its plan role's policy is made THEN it is exactly the reviewed read-only document", () => {
    const instance = "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";
    expect(pipelinePolicy(exampleEnvironment("dev"), "plan")).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EnvironmentIdentityResources",
          Effect: "Allow",
          Action: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetSAMLProvider"],
          Resource: ["arn:aws:iam::111122223333:role/AmazonConnectSSO-dev", "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev"],
        },
        {
          Sid: "EnvironmentConnectUsers",
          Effect: "Allow",
          // The reviewed list, in the policy's order.
          Action: (
            "connect:DescribeInstance connect:DescribeInstanceAttribute connect:ListSecurityProfiles connect:DescribeSecurityProfile " +
            "connect:ListSecurityProfilePermissions connect:ListRoutingProfiles connect:DescribeRoutingProfile connect:ListRoutingProfileQueues " +
            "connect:ListUserHierarchyGroups connect:DescribeUserHierarchyGroup connect:DescribeUser connect:ListUsers connect:SearchUsers"
          ).split(" "),
          Resource: [instance, `${instance}/*`],
        },
        { Sid: "StateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::acme-connect-sso-state-dev" },
        {
          Sid: "StateObjects",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: [
            "arn:aws:s3:::acme-connect-sso-state-dev/connect-sso/dev/terraform.tfstate*",
            "arn:aws:s3:::acme-connect-sso-state-dev/connect-sso/dev/users-*/terraform.tfstate*",
          ],
        },
        { Sid: "NoConnectSessionTokens", Effect: "Deny", Action: ["connect:GetFederationToken", "connect:AdminGetEmergencyAccessToken"], Resource: "*" },
        { Sid: "NoFederationRoleSessions", Effect: "Deny", Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/AmazonConnectSSO-dev" },
      ],
    });
  });

  test("GIVEN dev WHEN its apply role's policy is made THEN it adds the writes on the same resources, and writes the state and its lock", () => {
    const dev = exampleEnvironment("dev");
    expect(sids(dev, "apply")).toEqual(sids(dev, "plan"));
    for (const name of ["EnvironmentIdentityResources", "EnvironmentConnectUsers", "StateObjects"]) {
      expect(sid(dev, "apply", name)!.Resource).toEqual(sid(dev, "plan", name)!.Resource);
      expect(sid(dev, "apply", name)!.Action).toEqual(expect.arrayContaining(sid(dev, "plan", name)!.Action));
    }
    expect(sid(dev, "apply", "EnvironmentIdentityResources")!.Action).toEqual(
      expect.arrayContaining(["iam:CreateSAMLProvider", "iam:UpdateSAMLProvider", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRole"]),
    );
    expect(sid(dev, "apply", "EnvironmentConnectUsers")!.Action).toEqual(
      expect.arrayContaining(["connect:CreateUser", "connect:UpdateUserIdentityInfo", "connect:DeleteUser"]),
    );
    expect(sid(dev, "apply", "StateObjects")!.Action).toEqual(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
  });

  test.each(["dev", "staging", "prod"])(
    "GIVEN %s WHEN both policies are made THEN neither names a Connect token action in an Allow, and both deny them on *",
    (name) => {
      const env = exampleEnvironment(name);
      for (const kind of ["plan", "apply"] as const) {
        const allowed = statementsOf(env, kind)
          .filter((s) => s.Effect === "Allow")
          .flatMap((s) => [s.Action].flat());
        expect(allowed.filter((a) => /Token/.test(a))).toEqual([]);
        expect(sid(env, kind, "NoConnectSessionTokens")).toEqual({
          Sid: "NoConnectSessionTokens",
          Effect: "Deny",
          Action: ["connect:GetFederationToken", "connect:AdminGetEmergencyAccessToken"],
          Resource: "*",
        });
      }
    },
  );

  test("GIVEN staging (a created instance, users assigned to the application) WHEN the policies are made THEN creation rights are the apply role's, and both read the application's assignments", () => {
    const staging = exampleEnvironment("staging");
    const application = "arn:aws:sso::222233334444:application/ssoins-7223a0b1c2d3e4f5/apl-5f4e3d2c1b0a9988";
    expect(sid(staging, "plan", "EnvironmentConnectUsers")!.Resource).toEqual([
      "arn:aws:connect:us-east-1:222233334444:instance/*",
      "arn:aws:connect:us-east-1:222233334444:instance/*/*",
    ]);
    expect(sid(staging, "plan", "FindCreatedInstance")).toEqual({
      Sid: "FindCreatedInstance",
      Effect: "Allow",
      Action: ["connect:ListInstances"],
      Resource: "*",
    });
    expect(sid(staging, "plan", "CreateSamlInstance")).toBeUndefined();
    expect(sid(staging, "apply", "CreateSamlInstance")!.Action).toEqual(expect.arrayContaining(["connect:CreateInstance", "ds:CreateIdentityPoolDirectory"]));
    expect(sid(staging, "apply", "ConnectServiceLinkedRole")).toEqual({
      Sid: "ConnectServiceLinkedRole",
      Effect: "Allow",
      Action: ["iam:CreateServiceLinkedRole"],
      Resource: "arn:aws:iam::222233334444:role/aws-service-role/connect.amazonaws.com/*",
      Condition: { StringEquals: { "iam:AWSServiceName": "connect.amazonaws.com" } },
    });
    expect(sid(staging, "apply", "EnvironmentConnectUsers")!.Action).toContain("connect:UpdateInstanceAttribute");
    expect(sid(staging, "plan", "ApplicationAssignments")).toEqual({
      Sid: "ApplicationAssignments",
      Effect: "Allow",
      Action: ["sso:DescribeApplicationAssignment", "sso:GetApplicationAssignmentConfiguration"],
      Resource: [application, "arn:aws:sso:::instance/ssoins-7223a0b1c2d3e4f5"],
    });
    expect(sid(staging, "apply", "ApplicationAssignments")!.Action).toEqual([
      "sso:DescribeApplicationAssignment",
      "sso:GetApplicationAssignmentConfiguration",
      "sso:CreateApplicationAssignment",
      "sso:DeleteApplicationAssignment",
      "sso:PutApplicationAssignmentConfiguration",
    ]);
    expect(sid(staging, "plan", "IdentityStoreUsers")!.Resource).toEqual([
      "arn:aws:identitystore::222233334444:identitystore/d-9067a1b2c3",
      "arn:aws:identitystore:::user/*",
    ]);
    // The store is named, so no instance look-up is needed.
    expect(sid(staging, "plan", "FindIdentityStore")).toBeUndefined();
  });

  test("GIVEN Identity Center in another account (assumeRoleArn) WHEN the policies are made THEN only the apply role may assume that role: it can assign users, which no pull request may", () => {
    const prod = exampleEnvironment("prod");
    const assumeRoleArn = "arn:aws:iam::999988887777:role/IdentityCenterAdmin";
    const env: Environment = { ...prod, identityCenter: { ...prod.identityCenter, assumeRoleArn } };
    expect(sid(env, "apply", "IdentityCenterAccountRole")).toEqual({
      Sid: "IdentityCenterAccountRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: assumeRoleArn,
    });
    expect(statementsOf(env, "plan").filter((s) => s.Effect === "Allow" && [s.Action].flat().some((a: string) => /^(sts|sso|identitystore):/.test(a)))).toEqual(
      [],
    );
  });

  test("GIVEN syncGroups WHEN the policies are made THEN the plan role may read group members in this account's store, for the scheduled sync; the apply role gains nothing", () => {
    const dev = exampleEnvironment("dev");
    const syncGroups = [{ group: "Agents", routingProfile: "Basic Routing Profile", securityProfiles: ["Agent"] }];
    const env: Environment = { ...dev, identityCenter: { ...dev.identityCenter, syncGroups } };
    expect(sid(env, "plan", "IdentityCenterSyncReads")).toEqual({
      Sid: "IdentityCenterSyncReads",
      Effect: "Allow",
      Action: ["identitystore:GetGroupId", "identitystore:ListGroupMemberships", "identitystore:DescribeUser"],
      Resource: ["arn:aws:identitystore::111122223333:identitystore/*", "arn:aws:identitystore:::group/*", "arn:aws:identitystore:::user/*"],
    });
    // dev names no identity store: the sync reads it from the instance list.
    expect(sid(env, "plan", "FindIdentityStore")).toEqual({ Sid: "FindIdentityStore", Effect: "Allow", Action: ["sso:ListInstances"], Resource: "*" });
    expect(sids(env, "apply")).toEqual(sids(dev, "apply"));
    expect(sids(dev, "plan")).not.toContain("IdentityCenterSyncReads");
    // In another account: the plan role may not assume the role there, so it gets no store rights at all.
    const elsewhere: Environment = { ...env, identityCenter: { ...env.identityCenter, assumeRoleArn: "arn:aws:iam::999988887777:role/IdentityCenterAdmin" } };
    expect(sids(elsewhere, "plan")).toEqual(sids(dev, "plan"));
  });

  test("GIVEN createUsers WHEN the policies are made THEN only the apply role may create and update directory users", () => {
    const prod = exampleEnvironment("prod");
    const env: Environment = { ...prod, identityCenter: { ...prod.identityCenter, createUsers: true } };
    expect(sid(env, "apply", "IdentityStoreUsers")!.Action).toEqual([
      "identitystore:GetUserId",
      "identitystore:DescribeUser",
      "identitystore:CreateUser",
      "identitystore:UpdateUser",
    ]);
    expect(sid(env, "plan", "IdentityStoreUsers")!.Action).toEqual(["identitystore:GetUserId", "identitystore:DescribeUser"]);
    // prod names no identity store: the stack reads it from the instance list.
    expect(sid(env, "plan", "FindIdentityStore")).toEqual({ Sid: "FindIdentityStore", Effect: "Allow", Action: ["sso:ListInstances"], Resource: "*" });
  });

  test("GIVEN a backend key and a different bucket alias WHEN the policies are made THEN each key gets a statement; an alias is matched through kms:ResourceAliases", () => {
    const dev = exampleEnvironment("dev");
    const key = "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const env: Environment = {
      ...dev,
      backend: { ...dev.backend!, kmsKeyId: key },
      pipeline: { ...dev.pipeline!, stateKmsKeyId: "arn:aws:kms:us-west-2:111122223333:alias/connect-sso-state" },
    };
    expect(sid(env, "plan", "StateKey1")).toEqual({ Sid: "StateKey1", Effect: "Allow", Action: ["kms:Decrypt"], Resource: key });
    expect(sid(env, "apply", "StateKey2")).toEqual({
      Sid: "StateKey2",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
      Resource: "arn:aws:kms:us-west-2:111122223333:key/*",
      Condition: { "ForAnyValue:StringEquals": { "kms:ResourceAliases": "alias/connect-sso-state" } },
    });
    // The same key named twice is one statement; no key, none.
    expect(sids({ ...env, pipeline: { ...env.pipeline!, stateKmsKeyId: key } }, "plan").filter((s) => /^StateKey/.test(s))).toEqual(["StateKey1"]);
    expect(sids(dev, "plan").filter((s) => /^StateKey/.test(s))).toEqual([]);
  });

  test("GIVEN an environment without backend.s3 WHEN a pipeline policy is asked THEN it throws, saying the roles are scoped to the state", () => {
    const dev = exampleEnvironment("dev");
    expect(() => pipelinePolicy({ ...dev, backend: undefined }, "plan")).toThrow(
      "pipelinePolicy: environment dev has no backend.s3; allowed: an environment with remote state (the roles are scoped to it)",
    );
  });

  test("GIVEN a bucket ARN WHEN the bucket policy is made THEN it denies every request without TLS on the bucket and its objects", () => {
    // The document IAM stores, exactly.
    expect(JSON.stringify(stateBucketPolicy("arn:aws:s3:::b"))).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"DenyWithoutTls","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}',
    );
  });
});
