/** PIPELINE_PLAN_READ_ONLY: the plan role, assumable from any pull request, only reads. */
import { checkStack } from "../../lib/synth/security/pack";
import { PIPELINE_PLAN_READ_ONLY } from "../../lib/synth/security/pipeline-plan-read-only";
import {
  bootstrapStack,
  crossAccountBootstrapStack,
  editJson,
  expectAlone,
  identityCenterBootstrapStack,
  itPassesTheExamples,
  policyOf,
  type Edit,
  type Tf,
} from "./fixtures";

itPassesTheExamples(PIPELINE_PLAN_READ_ONLY);

test.each<[string, Edit]>([
  ["a plan role allowing connect:CreateUser", policyOf("plan", (st) => st[1].Action.push("connect:CreateUser"))],
  ["a plan role allowing connect:GetFederationToken (a Get that mints a session)", policyOf("plan", (st) => st[1].Action.push("connect:GetFederationToken"))],
])("GIVEN %s WHEN checked THEN PIPELINE_PLAN_READ_ONLY fires alone on the plan policy, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_PLAN_READ_ONLY, "aws_iam_role_policy.pipeline_plan_policy");
});

test("GIVEN a plan role allowing connect:* WHEN checked THEN it is refused as a write too: a wildcard is not known to read only", () => {
  const tf = bootstrapStack();
  policyOf("plan", (st) => st.push({ Effect: "Allow", Action: "connect:*", Resource: "*" }))(tf);
  expect(checkStack(tf).map((v) => [v.rule, v.address])).toEqual([
    ["PIPELINE_NO_WILDCARD_ACTIONS", "aws_iam_role_policy.pipeline_plan_policy"],
    ["PIPELINE_PLAN_READ_ONLY", "aws_iam_role_policy.pipeline_plan_policy"],
  ]);
});

test("GIVEN an apply role allowing writes WHEN checked THEN PIPELINE_PLAN_READ_ONLY stays silent: it is the plan role's rule", () => {
  const tf = bootstrapStack();
  policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "connect:CreateUser", Resource: "*" }))(tf);
  expect(checkStack(tf)).toEqual([]);
});

describe("Identity Center in another account", () => {
  const chain = (tf: Tf) =>
    JSON.parse(tf.resource.aws_iam_role_policy.pipeline_plan_policy.policy).Statement.find((s: Tf) => s.Sid === "IdentityCenterAccountRole");

  test("GIVEN staging with Identity Center in another account WHEN its plan role is synthesized THEN it may assume only the read-only role there, and that passes", () => {
    const tf = crossAccountBootstrapStack();
    expect(chain(tf)).toEqual({
      Sid: "IdentityCenterAccountRole",
      Effect: "Allow",
      Action: ["sts:AssumeRole"],
      Resource: "arn:aws:iam::999988887777:role/connect-sso-staging-ic-plan",
    });
    expect(checkStack(tf)).toEqual([]);
  });

  test.each<[string, (s: Tf) => void]>([
    ["the plan role chaining into the apply role there", (s) => (s.Resource = s.Resource.replace(/-ic-plan$/, "-ic-apply"))],
    ["the plan role chaining into any role there", (s) => (s.Resource = "arn:aws:iam::999988887777:role/*")],
    ["the plan role chaining into another environment's read-only role", (s) => (s.Resource = s.Resource.replace("-staging-", "-prod-"))],
  ])("GIVEN %s WHEN checked THEN PIPELINE_PLAN_READ_ONLY fires alone", (_, breakIt) => {
    const tf = crossAccountBootstrapStack();
    policyOf("plan", (st) => breakIt(st.find((s) => s.Sid === "IdentityCenterAccountRole")!))(tf);
    expectAlone(tf, PIPELINE_PLAN_READ_ONLY, "aws_iam_role_policy.pipeline_plan_policy");
  });

  test("GIVEN the read-only role in Identity Center's account allowing an assignment WHEN checked THEN PIPELINE_PLAN_READ_ONLY fires alone on it", () => {
    const tf = identityCenterBootstrapStack();
    editJson(tf.resource.aws_iam_role_policy.identity_center_plan_policy, "policy", (doc) => doc.Statement[0].Action.push("sso:CreateApplicationAssignment"));
    expectAlone(tf, PIPELINE_PLAN_READ_ONLY, "aws_iam_role_policy.identity_center_plan_policy");
  });
});
