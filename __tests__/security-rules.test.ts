/**
 * Security rules on synthesized stacks: each rule is shown to pass the examples and to fire on a
 * deliberately broken stack.
 */
import { CHECKED_RESOURCE_TYPES, checkStack, RULES } from "../lib/security-rules";
import { securityView } from "../lib/synth";
import { ConnectSsoStack } from "../stacks/connect-sso-stack";
import { exampleEnvironment, synthStack, testApp } from "./support/environments";

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
  ["a trust of another SAML provider", "TRUST_PRINCIPAL", (tf) => setTrust(tf, (s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:saml-provider/Other" }))],
  ["a trust allowing sts:AssumeRole", "TRUST_ACTION", (tf) => setTrust(tf, (s) => (s.Action = ["sts:AssumeRoleWithSAML", "sts:AssumeRole"]))],
  ["a trust without SAML:aud", "TRUST_AUDIENCE", (tf) => setTrust(tf, (s) => delete s.Condition)],
  ["a trust with the China audience in us-west-2", "TRUST_AUDIENCE", (tf) => setTrust(tf, (s) => (s.Condition.StringEquals["SAML:aud"] = "https://signin.amazonaws.cn/saml"))],
  ["a policy allowing connect:*", "POLICY_ACTION", (tf) => setPolicy(tf, (s) => (s.Action = "connect:*"))],
  ["a policy adding another action", "POLICY_ACTION", (tf) => setPolicy(tf, (s) => (s.Action = ["connect:GetFederationToken", "connect:DescribeUser"]))],
  ["a policy on * without the instance condition", "POLICY_RESOURCE", (tf) => setPolicy(tf, (s) => (s.Resource = "*"))],
  ["a policy on every instance", "POLICY_RESOURCE", (tf) => setPolicy(tf, (s) => (s.Resource = "arn:aws:connect:us-west-2:111122223333:instance/*"))],
  ["a managed policy attachment", "NO_MANAGED_POLICIES", (tf) => (tf.resource.aws_iam_role_policy_attachment = { admin: { role: "x", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } })],
  ["a managed policy in the exclusive attachment list", "NO_MANAGED_POLICIES", (tf) => (tf.resource.aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies.policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"])],
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

test.each(["dev", "staging", "prod"])("GIVEN the %s example WHEN synth builds the rules' view THEN it is exactly the providers and IAM resources of the full JSON", (name) => {
  const app = testApp();
  const stack = new ConnectSsoStack(app, { environment: exampleEnvironment(name) });
  const full = stack.toTerraform() as Tf;
  const view = securityView(stack) as Tf;
  expect(view.provider.aws).toEqual(full.provider.aws.filter((p: Tf) => !p.alias));
  for (const type of CHECKED_RESOURCE_TYPES) expect(view.resource[type]).toEqual(full.resource[type]);
  expect(Object.keys(view.resource).sort()).toEqual(CHECKED_RESOURCE_TYPES.filter((t) => full.resource[t]).sort());
});
