/** PIPELINE_PLAN_READ_ONLY: the plan role, assumable from any pull request, only reads. */
import { checkStack } from "../../lib/synth/security/pack";
import { PIPELINE_PLAN_READ_ONLY } from "../../lib/synth/security/pipeline-plan-read-only";
import { bootstrapStack, expectAlone, itPassesTheExamples, policyOf, type Edit } from "./fixtures";

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
