/** PIPELINE_DENY_TOKENS: both pipeline roles deny the Connect token actions on everything, unconditionally. */
import { checkStack } from "../../lib/synth/security/pack";
import { PIPELINE_DENY_TOKENS } from "../../lib/synth/security/pipeline-deny-tokens";
import { bootstrapStack, expectAlone, itPassesTheExamples, policyOf, tokenDeny, type Edit } from "./fixtures";

itPassesTheExamples(PIPELINE_DENY_TOKENS);

test.each<[string, "plan" | "apply", Edit]>([
  ["an apply role without the token deny", "apply", policyOf("apply", (st) => st.splice(st.indexOf(tokenDeny(st)), 1))],
  ["a plan role denying only GetFederationToken", "plan", policyOf("plan", (st) => (tokenDeny(st).Action = ["connect:GetFederationToken"]))],
  ["a token deny with a condition", "plan", policyOf("plan", (st) => (tokenDeny(st).Condition = { Bool: { "aws:ViaAWSService": "false" } }))],
  ["a token deny on one instance only", "apply", policyOf("apply", (st) => (tokenDeny(st).Resource = "arn:aws:connect:us-west-2:111122223333:instance/*"))],
])("GIVEN %s WHEN checked THEN PIPELINE_DENY_TOKENS fires alone on the %s role, saying what is allowed", (_, kind, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_DENY_TOKENS, `aws_iam_role.pipeline_${kind}_role`);
});

test("GIVEN a token deny written as connect:* WHEN checked THEN it counts: a broader deny still denies both token actions", () => {
  const tf = bootstrapStack();
  policyOf("apply", (st) => (tokenDeny(st).Action = "connect:*"))(tf);
  expect(checkStack(tf)).toEqual([]);
});
