/** PIPELINE_TRUST: pipeline roles trust only this account's GitHub OIDC provider, with aud and literal sub of one repository. */
import { checkStack } from "../../lib/synth/security/pack";
import { PIPELINE_TRUST } from "../../lib/synth/security/pipeline-trust";
import { AUD, bootstrapStack, expectAlone, itPassesTheExamples, pipelineRole, rulesFired, SUB, trustOf, type Edit } from "./fixtures";

itPassesTheExamples(PIPELINE_TRUST);

test.each<[string, "plan" | "apply", Edit]>([
  [
    "a plan role trusting another account's GitHub provider",
    "plan",
    trustOf("plan", (s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com" })),
  ],
  ["an apply role trusting any AWS principal", "apply", trustOf("apply", (s) => (s.Principal = { AWS: "*" }))],
  ["a trust allowing sts:AssumeRole", "plan", trustOf("plan", (s) => (s.Action = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"]))],
  ["a trust without the aud condition", "apply", trustOf("apply", (s) => delete s.Condition.StringEquals)],
  ["a trust for another audience", "apply", trustOf("apply", (s) => (s.Condition.StringEquals[AUD] = "sigstore"))],
  ["a trust without a sub condition (any repository)", "plan", trustOf("plan", (s) => delete s.Condition.StringLike)],
  ["a sub with a wildcard", "apply", trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:acme/contact-center:*"]))],
  [
    "a wildcard in a job_workflow_ref other than a pull request's number",
    "apply",
    trustOf(
      "apply",
      (s) =>
        (s.Condition.StringLike[SUB] = [
          "repo:acme/contact-center:environment:dev:job_workflow_ref:acme/contact-center/.github/workflows/connect-sso.yml@refs/heads/*",
        ]),
    ),
  ],
  ["another condition operator", "plan", trustOf("plan", (s) => (s.Condition["ForAnyValue:StringLike"] = { [SUB]: ["repo:acme/*"] }))],
  ["a trust with no statement", "plan", (tf) => (pipelineRole(tf, "plan").assume_role_policy = JSON.stringify({ Version: "2012-10-17", Statement: [] }))],
])("GIVEN %s WHEN checked THEN PIPELINE_TRUST fires alone on the %s role, saying what is allowed", (_, kind, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_TRUST, `aws_iam_role.pipeline_${kind}_role`);
});

test("GIVEN the two roles trusting two repositories WHEN checked THEN both are refused, naming both repositories", () => {
  const tf = bootstrapStack();
  trustOf(
    "apply",
    (s) =>
      (s.Condition.StringLike[SUB] = ["repo:someone/else:environment:dev:job_workflow_ref:someone/else/.github/workflows/connect-sso.yml@refs/heads/main"]),
  )(tf);
  const violations = checkStack(tf);
  expect(violations.map((v) => [v.rule, v.address])).toEqual([
    ["PIPELINE_TRUST", "aws_iam_role.pipeline_apply_role"],
    ["PIPELINE_TRUST", "aws_iam_role.pipeline_plan_role"],
  ]);
  expect(violations[0].message).toBe("the stack's pipeline roles trust several repositories (acme/contact-center, someone/else); allowed: one");
});

test("GIVEN prod, which names its account's existing provider WHEN checked THEN the literal ARN is trusted, and another account's literal ARN is not", () => {
  const tf = bootstrapStack("prod");
  expect(tf.resource.aws_iam_openid_connect_provider).toBeUndefined();
  expect(JSON.parse(pipelineRole(tf, "plan").assume_role_policy).Statement[0].Principal.Federated).toBe(
    "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
  );
  trustOf("plan", (s) => (s.Principal.Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"))(tf);
  expect(rulesFired(tf)).toEqual(["PIPELINE_TRUST"]);
});
