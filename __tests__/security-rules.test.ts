/**
 * Security rules on synthesized stacks: each rule is shown to pass the examples and to fire on a
 * deliberately broken stack.
 */
import { Testing } from "cdktf";
import type { Environment } from "../lib/config/environment";
import { CHECKED_RESOURCE_TYPES, checkStack, RULES } from "../lib/synth/security-rules";
import { securityView } from "../lib/synth/synth";
import { BootstrapStack } from "../stacks/bootstrap-stack";
import { ConnectSsoStack } from "../stacks/connect-sso-stack";
import { exampleEnvironment, synthStack, testApp } from "./support/environments";

type RuleId = keyof typeof RULES;

type Tf = Record<string, any>;
const good = (name = "dev"): Tf => JSON.parse(synthStack(exampleEnvironment(name)));
const role = (tf: Tf) => tf.resource.aws_iam_role.federation_role;
const trust = (tf: Tf) => JSON.parse(role(tf).assume_role_policy);
const setTrust = (tf: Tf, edit: (s: Record<string, any>) => void) => {
  const doc = trust(tf);
  edit(doc.Statement[0]);
  role(tf).assume_role_policy = JSON.stringify(doc);
};
const setPolicy = (tf: Tf, edit: (s: Record<string, any>) => void) => {
  const body = tf.resource.aws_iam_role_policy.federation_policy;
  const doc = JSON.parse(body.policy);
  edit(doc.Statement[0]);
  body.policy = JSON.stringify(doc);
};
const rulesFired = (tf: Tf) => checkStack(tf).map((v) => v.rule);

test.each(["dev", "staging", "prod"])("GIVEN the %s example WHEN checked THEN no rule fires", (name) => {
  expect(checkStack(good(name))).toEqual([]);
});

test("GIVEN a GovCloud stack WHEN checked THEN the GovCloud audience is the one required", () => {
  const tf = good();
  tf.provider.aws[0].region = "us-gov-west-1";
  expect(rulesFired(tf)).toEqual(["TRUST_AUDIENCE"]);
  setTrust(tf, (s) => (s.Condition.StringEquals["SAML:aud"] = "https://signin.amazonaws-us-gov.com/saml"));
  expect(rulesFired(tf)).toEqual([]);
});

test.each<[string, keyof typeof RULES, (tf: Tf) => void]>([
  ["a trust of any AWS principal", "TRUST_PRINCIPAL", (tf) => setTrust(tf, (s) => (s.Principal = { AWS: "*" }))],
  [
    "a trust of another SAML provider",
    "TRUST_PRINCIPAL",
    (tf) => setTrust(tf, (s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:saml-provider/Other" })),
  ],
  ["a trust allowing sts:AssumeRole", "TRUST_ACTION", (tf) => setTrust(tf, (s) => (s.Action = ["sts:AssumeRoleWithSAML", "sts:AssumeRole"]))],
  ["a trust without SAML:aud", "TRUST_AUDIENCE", (tf) => setTrust(tf, (s) => delete s.Condition)],
  [
    "a trust with the China audience in us-west-2",
    "TRUST_AUDIENCE",
    (tf) => setTrust(tf, (s) => (s.Condition.StringEquals["SAML:aud"] = "https://signin.amazonaws.cn/saml")),
  ],
  ["a policy allowing connect:*", "POLICY_ACTION", (tf) => setPolicy(tf, (s) => (s.Action = "connect:*"))],
  ["a policy adding another action", "POLICY_ACTION", (tf) => setPolicy(tf, (s) => (s.Action = ["connect:GetFederationToken", "connect:DescribeUser"]))],
  ["a policy on * without the instance condition", "POLICY_RESOURCE", (tf) => setPolicy(tf, (s) => (s.Resource = "*"))],
  ["a policy on every instance", "POLICY_RESOURCE", (tf) => setPolicy(tf, (s) => (s.Resource = "arn:aws:connect:us-west-2:111122223333:instance/*"))],
  [
    "a managed policy attachment",
    "NO_MANAGED_POLICIES",
    (tf) => (tf.resource.aws_iam_role_policy_attachment = { admin: { role: "x", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }),
  ],
  [
    "a managed policy in the exclusive attachment list",
    "NO_MANAGED_POLICIES",
    (tf) => (tf.resource.aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies.policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
  ],
  ["managed_policy_arns on the role", "NO_MANAGED_POLICIES", (tf) => (role(tf).managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"])],
  ["a 13-hour session", "SESSION_LENGTH", (tf) => (role(tf).max_session_duration = 46800)],
])("GIVEN %s WHEN checked THEN rule %s fires", (_, rule, breakIt) => {
  const tf = good();
  breakIt(tf);
  const violations = checkStack(tf);
  expect(violations.map((v) => v.rule)).toEqual([rule]);
  expect(violations[0].address).toMatch(/^aws_iam_(role|role_policy|role_policy_attachment|role_policy_attachments_exclusive)\./);
});

test("GIVEN the doc's own policy form (* with connect:InstanceID) WHEN checked THEN it is accepted", () => {
  const tf = good();
  setPolicy(tf, (s) => {
    s.Resource = "*";
    s.Condition = { StringEquals: { "connect:InstanceID": "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90" } };
  });
  expect(checkStack(tf)).toEqual([]);
});

test.each(["dev", "staging", "prod"])(
  "GIVEN the %s example WHEN synth builds the rules' view THEN it is exactly the providers and IAM resources of the full JSON",
  (name) => {
    const app = testApp();
    const stack = new ConnectSsoStack(app, { environment: exampleEnvironment(name) });
    const full = stack.toTerraform() as Tf;
    const view = securityView(stack) as Tf;
    expect(view.provider.aws).toEqual(full.provider.aws.filter((p: Tf) => !p.alias));
    for (const type of CHECKED_RESOURCE_TYPES) expect(view.resource[type]).toEqual(full.resource[type]);
    expect(Object.keys(view.resource).sort()).toEqual(CHECKED_RESOURCE_TYPES.filter((t) => full.resource[t]).sort());
  },
);

describe("roles the rules do not know, and the federation role's own policies", () => {
  test("GIVEN a role under another Terraform name WHEN checked THEN it is refused as an unknown role, and so is the policy attached to it", () => {
    const tf = good();
    tf.resource.aws_iam_role.deploy = { ...role(tf), name: "deploy" };
    tf.resource.aws_iam_role_policy.deploy_policy = { ...tf.resource.aws_iam_role_policy.federation_policy, role: "${aws_iam_role.deploy.id}" };
    const violations = checkStack(tf);
    expect(violations.map((v) => [v.rule, v.address])).toEqual([
      ["POLICY_ROLE_KNOWN", "aws_iam_role_policy.deploy_policy"],
      ["ROLE_KNOWN", "aws_iam_role.deploy"],
    ]);
    expect(violations[1].message).toMatch(/^unknown role: the rules do not know what it is for; allowed: aws_iam_role\.federation_role, /);
  });

  test("GIVEN a policy naming its role literally (not by reference) WHEN checked THEN it is refused: the rules cannot tell which role it grants", () => {
    const tf = good();
    tf.resource.aws_iam_role_policy.federation_policy.role = "AmazonConnectSSO-dev";
    expect(rulesFired(tf)).toEqual(["POLICY_ROLE_KNOWN"]);
  });

  test("GIVEN inline_policy blocks on the federation role WHEN checked THEN synth refuses them, naming the role and what is allowed", () => {
    const tf = good();
    role(tf).inline_policy = [
      { name: "extra", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }) },
    ];
    const violations = checkStack(tf);
    expect(violations.map((v) => v.rule)).toEqual(["NO_INLINE_POLICY_BLOCKS"]);
    expect(violations[0].message).toBe(
      'role "AmazonConnectSSO-dev" sets inline_policy blocks; allowed: none (its permissions are an aws_iam_role_policy resource the rules check)',
    );
  });
});

describe("bootstrap stacks: the pipeline's roles, GitHub's OIDC provider and the state bucket", () => {
  const bootstrap = (environment: Environment): Tf => JSON.parse(Testing.synth(new BootstrapStack(testApp(), { environment })));
  const goodBootstrap = (name = "dev"): Tf => bootstrap(exampleEnvironment(name));
  const editJson = (body: Tf, attribute: string, edit: (doc: Tf) => void) => {
    const doc = JSON.parse(body[attribute]);
    edit(doc);
    body[attribute] = JSON.stringify(doc);
  };
  const pipelineRole = (tf: Tf, kind: "plan" | "apply") => tf.resource.aws_iam_role[`pipeline_${kind}_role`];
  const trustOf = (kind: "plan" | "apply", edit: (s: Tf) => void) => (tf: Tf) =>
    editJson(pipelineRole(tf, kind), "assume_role_policy", (doc) => edit(doc.Statement[0]));
  const policyOf = (kind: "plan" | "apply", edit: (statements: Tf[]) => void) => (tf: Tf) =>
    editJson(tf.resource.aws_iam_role_policy[`pipeline_${kind}_policy`], "policy", (doc) => edit(doc.Statement));
  const withoutDeny = (statements: Tf[]) =>
    statements.splice(
      statements.findIndex((s) => s.Sid === "NoConnectSessionTokens"),
      1,
    );
  const SUB = "token.actions.githubusercontent.com:sub";
  const AUD = "token.actions.githubusercontent.com:aud";

  test.each(["dev", "staging", "prod"])("GIVEN the %s example's bootstrap stack WHEN checked THEN no rule fires", (name) => {
    expect(checkStack(goodBootstrap(name))).toEqual([]);
  });

  test("GIVEN a bucket encrypted with a KMS key and in another region than the environment WHEN checked THEN no rule fires", () => {
    const dev = exampleEnvironment("dev");
    const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const tf = bootstrap({ ...dev, backend: { ...dev.backend!, region: "us-east-1" }, pipeline: { ...dev.pipeline!, stateKmsKeyId: key } });
    expect(tf.resource.aws_s3_bucket.state_bucket.provider).toBe("aws.state_region");
    expect(tf.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: "aws:kms",
      kms_master_key_id: key,
    });
    expect(checkStack(tf)).toEqual([]);
  });

  test.each<[string, RuleId, (tf: Tf) => void]>([
    [
      "a plan role trusting another account's GitHub provider",
      "PIPELINE_TRUST",
      trustOf("plan", (s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com" })),
    ],
    ["an apply role trusting any AWS principal", "PIPELINE_TRUST", trustOf("apply", (s) => (s.Principal = { AWS: "*" }))],
    ["a trust allowing sts:AssumeRole", "PIPELINE_TRUST", trustOf("plan", (s) => (s.Action = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"]))],
    ["a trust without the aud condition", "PIPELINE_TRUST", trustOf("apply", (s) => delete s.Condition.StringEquals)],
    ["a trust for another audience", "PIPELINE_TRUST", trustOf("apply", (s) => (s.Condition.StringEquals[AUD] = "sigstore"))],
    ["a trust without a sub condition (any repository)", "PIPELINE_TRUST", trustOf("plan", (s) => delete s.Condition.StringLike)],
    ["a sub with a wildcard", "PIPELINE_TRUST", trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:acme/contact-center:*"]))],
    ["another condition operator", "PIPELINE_TRUST", trustOf("plan", (s) => (s.Condition["ForAnyValue:StringLike"] = { [SUB]: ["repo:acme/*"] }))],
    [
      "a plan role accepting the GitHub environment's jobs",
      "PIPELINE_SUBJECTS",
      trustOf("plan", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:environment:dev")),
    ],
    [
      "a plan role accepting any branch's pushes",
      "PIPELINE_SUBJECTS",
      trustOf("plan", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:ref:refs/heads/feature")),
    ],
    [
      "dev's apply role accepting prod's environment",
      "PIPELINE_SUBJECTS",
      trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:acme/contact-center:environment:prod"])),
    ],
    [
      "an apply role accepting pull requests",
      "PIPELINE_SUBJECTS",
      trustOf("apply", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:pull_request")),
    ],
    ["an apply role without the token deny", "PIPELINE_DENY_TOKENS", policyOf("apply", withoutDeny)],
    [
      "a plan role denying only GetFederationToken",
      "PIPELINE_DENY_TOKENS",
      policyOf("plan", (st) => (st.find((s) => s.Sid === "NoConnectSessionTokens")!.Action = ["connect:GetFederationToken"])),
    ],
    [
      "a token deny with a condition",
      "PIPELINE_DENY_TOKENS",
      policyOf("plan", (st) => (st.find((s) => s.Sid === "NoConnectSessionTokens")!.Condition = { Bool: { "aws:ViaAWSService": "false" } })),
    ],
    [
      "an apply role allowing connect:*",
      "PIPELINE_NO_WILDCARD_ACTIONS",
      policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "connect:*", Resource: "*" })),
    ],
    ["an apply role allowing *", "PIPELINE_NO_WILDCARD_ACTIONS", policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "*", Resource: "*" }))],
    [
      "an apply role allowing NotAction",
      "PIPELINE_NO_WILDCARD_ACTIONS",
      policyOf("apply", (st) => st.push({ Effect: "Allow", NotAction: "iam:*", Resource: "*" })),
    ],
    ["a plan role allowing connect:CreateUser", "PIPELINE_PLAN_READ_ONLY", policyOf("plan", (st) => st[1].Action.push("connect:CreateUser"))],
    [
      "a plan role allowing connect:GetFederationToken (a Get that mints a session)",
      "PIPELINE_PLAN_READ_ONLY",
      policyOf("plan", (st) => st[1].Action.push("connect:GetFederationToken")),
    ],
    [
      "managed_policy_arns on a pipeline role",
      "NO_MANAGED_POLICIES",
      (tf) => (pipelineRole(tf, "apply").managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]),
    ],
    ["inline_policy blocks on a pipeline role", "NO_INLINE_POLICY_BLOCKS", (tf) => (pipelineRole(tf, "plan").inline_policy = [{ name: "x", policy: "{}" }])],
    ["a 13-hour pipeline session", "SESSION_LENGTH", (tf) => (pipelineRole(tf, "apply").max_session_duration = 46800)],
    [
      "an OIDC provider for another issuer",
      "GITHUB_OIDC_PROVIDER",
      (tf) => (tf.resource.aws_iam_openid_connect_provider.github_oidc_provider.url = "https://gitlab.com"),
    ],
    [
      "an OIDC provider with a second client ID",
      "GITHUB_OIDC_PROVIDER",
      (tf) => tf.resource.aws_iam_openid_connect_provider.github_oidc_provider.client_id_list.push("sigstore"),
    ],
    ["a bucket without prevent_destroy", "STATE_BUCKET_KEPT", (tf) => delete tf.resource.aws_s3_bucket.state_bucket.lifecycle],
    ["a bucket with force_destroy", "STATE_BUCKET_KEPT", (tf) => (tf.resource.aws_s3_bucket.state_bucket.force_destroy = true)],
    [
      "versioning suspended",
      "STATE_BUCKET_VERSIONING",
      (tf) => (tf.resource.aws_s3_bucket_versioning.state_bucket_versioning.versioning_configuration.status = "Suspended"),
    ],
    ["versioning of another bucket", "STATE_BUCKET_VERSIONING", (tf) => (tf.resource.aws_s3_bucket_versioning.state_bucket_versioning.bucket = "other-bucket")],
    [
      "public policies allowed",
      "STATE_BUCKET_PUBLIC_ACCESS",
      (tf) => (tf.resource.aws_s3_bucket_public_access_block.state_bucket_public_access.block_public_policy = false),
    ],
    ["no default encryption", "STATE_BUCKET_ENCRYPTION", (tf) => delete tf.resource.aws_s3_bucket_server_side_encryption_configuration],
    [
      "aws:kms without a key",
      "STATE_BUCKET_ENCRYPTION",
      (tf) =>
        (tf.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule[0].apply_server_side_encryption_by_default = {
          sse_algorithm: "aws:kms",
        }),
    ],
    ["no bucket policy", "STATE_BUCKET_TLS", (tf) => delete tf.resource.aws_s3_bucket_policy],
    [
      "a TLS deny on the objects only",
      "STATE_BUCKET_TLS",
      (tf) =>
        editJson(
          tf.resource.aws_s3_bucket_policy.state_bucket_policy,
          "policy",
          (doc) => (doc.Statement[0].Resource = ["${aws_s3_bucket.state_bucket.arn}/*"]),
        ),
    ],
    [
      "a lifecycle rule disabled",
      "STATE_BUCKET_LIFECYCLE",
      (tf) => (tf.resource.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].status = "Disabled"),
    ],
    [
      "a lifecycle rule for one prefix only",
      "STATE_BUCKET_LIFECYCLE",
      (tf) => (tf.resource.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].filter = [{ prefix: "logs/" }]),
    ],
    [
      "ACLs kept",
      "STATE_BUCKET_OWNERSHIP",
      (tf) => (tf.resource.aws_s3_bucket_ownership_controls.state_bucket_ownership.rule.object_ownership = "ObjectWriter"),
    ],
  ])("GIVEN %s WHEN checked THEN rule %s fires, alone", (_, rule, breakIt) => {
    const tf = goodBootstrap();
    breakIt(tf);
    const violations = checkStack(tf);
    expect(violations.map((v) => v.rule)).toEqual([rule]);
    expect(violations[0].address).toMatch(/^aws_(iam_role|iam_role_policy|iam_openid_connect_provider|s3_bucket)\./);
  });

  test("GIVEN a token deny written as connect:* WHEN checked THEN it counts: a broader deny still denies both token actions", () => {
    const tf = goodBootstrap();
    policyOf("apply", (st) => (st.find((s) => s.Sid === "NoConnectSessionTokens")!.Action = "connect:*"))(tf);
    expect(checkStack(tf)).toEqual([]);
  });

  test("GIVEN the two roles trusting two repositories WHEN checked THEN both are refused, naming both repositories", () => {
    const tf = goodBootstrap();
    trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:someone/else:environment:dev"]))(tf);
    const violations = checkStack(tf);
    expect(violations.map((v) => [v.rule, v.address])).toEqual([
      ["PIPELINE_TRUST", "aws_iam_role.pipeline_apply_role"],
      ["PIPELINE_TRUST", "aws_iam_role.pipeline_plan_role"],
    ]);
    expect(violations[0].message).toBe("the stack's pipeline roles trust several repositories (acme/contact-center, someone/else); allowed: one");
  });

  test("GIVEN prod, which names its account's existing provider WHEN checked THEN the literal ARN is trusted, and another account's literal ARN is not", () => {
    const tf = goodBootstrap("prod");
    expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
    expect(JSON.parse(pipelineRole(tf, "plan").assume_role_policy).Statement[0].Principal.Federated).toBe(
      "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
    );
    trustOf("plan", (s) => (s.Principal.Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"))(tf);
    expect(rulesFired(tf)).toEqual(["PIPELINE_TRUST"]);
  });

  test("GIVEN a China stack WHEN checked THEN the provider and the trust must use the China STS audience", () => {
    const tf = goodBootstrap();
    tf.provider.aws[0].region = "cn-north-1";
    expect(new Set(rulesFired(tf))).toEqual(new Set(["GITHUB_OIDC_PROVIDER", "PIPELINE_TRUST"]));
  });

  test.each(["dev", "staging", "prod"])(
    "GIVEN the %s bootstrap stack WHEN synth builds the rules' view THEN it is exactly the providers and checked resources of the full JSON",
    (name) => {
      const stack = new BootstrapStack(testApp(), { environment: exampleEnvironment(name) });
      const full = stack.toTerraform() as Tf;
      const view = securityView(stack) as Tf;
      expect(view.provider.aws).toEqual(full.provider.aws.filter((p: Tf) => !p.alias));
      for (const type of CHECKED_RESOURCE_TYPES) expect(view.resource[type]).toEqual(full.resource[type]);
      expect(Object.keys(view.resource).sort()).toEqual(CHECKED_RESOURCE_TYPES.filter((t) => full.resource[t]).sort());
    },
  );
});
