/** ROLE_KNOWN: every role is the federation role or a pipeline role; any other is refused. */
import { checkStack } from "../../lib/synth/security/pack";
import { ROLE_KNOWN } from "../../lib/synth/security/role-known";
import { federationRole, itPassesTheExamples, mainStack } from "./fixtures";

itPassesTheExamples(ROLE_KNOWN);

test("GIVEN a role under another Terraform name WHEN checked THEN it is refused as an unknown role, and so is the policy attached to it", () => {
  const tf = mainStack();
  tf.resource.aws_iam_role.deploy = { ...federationRole(tf), name: "deploy" };
  tf.resource.aws_iam_role_policy.deploy_policy = { ...tf.resource.aws_iam_role_policy.federation_policy, role: "${aws_iam_role.deploy.id}" };
  const violations = checkStack(tf);
  expect(violations.map((v) => [v.rule, v.address]).sort()).toEqual([
    ["POLICY_ROLE_KNOWN", "aws_iam_role_policy.deploy_policy"],
    ["ROLE_KNOWN", "aws_iam_role.deploy"],
  ]);
  expect(violations.find((v) => v.rule === "ROLE_KNOWN")!.message).toMatch(
    /^unknown role: the rules do not know what it is for; allowed: aws_iam_role\.federation_role, /,
  );
});
