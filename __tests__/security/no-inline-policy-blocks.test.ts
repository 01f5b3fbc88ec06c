/** NO_INLINE_POLICY_BLOCKS: a role's rights are aws_iam_role_policy resources, never inline_policy blocks. */
import { checkStack } from "../../lib/synth/security/pack";
import { NO_INLINE_POLICY_BLOCKS } from "../../lib/synth/security/no-inline-policy-blocks";
import { bootstrapStack, expectAlone, federationRole, itPassesTheExamples, mainStack, pipelineRole } from "./fixtures";

itPassesTheExamples(NO_INLINE_POLICY_BLOCKS);

test("GIVEN inline_policy blocks on the federation role WHEN checked THEN synth refuses them, naming the role and what is allowed", () => {
  const tf = mainStack();
  federationRole(tf).inline_policy = [
    { name: "extra", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "connect:*", Resource: "*" }] }) },
  ];
  expect(checkStack(tf)).toEqual([
    {
      rule: "NO_INLINE_POLICY_BLOCKS",
      address: "aws_iam_role.federation_role",
      message: 'role "AmazonConnectSSO-dev" sets inline_policy blocks; allowed: none (its permissions are an aws_iam_role_policy resource the rules check)',
    },
  ]);
});

test("GIVEN inline_policy blocks on a pipeline role WHEN checked THEN NO_INLINE_POLICY_BLOCKS fires alone on that role", () => {
  const tf = bootstrapStack();
  pipelineRole(tf, "plan").inline_policy = [{ name: "x", policy: "{}" }];
  expectAlone(tf, NO_INLINE_POLICY_BLOCKS, "aws_iam_role.pipeline_plan_role");
});
