/** POLICY_ROLE_KNOWN: every inline policy references a role of this stack the rules know. */
import { POLICY_ROLE_KNOWN } from "../../lib/synth/security/policy-role-known";
import { expectAlone, itPassesTheExamples, mainStack, type Edit } from "./fixtures";

itPassesTheExamples(POLICY_ROLE_KNOWN);

test.each<[string, Edit]>([
  // The rules could not tell which role it grants.
  ["a policy naming its role literally (not by reference)", (tf) => (tf.resource.aws_iam_role_policy.federation_policy.role = "AmazonConnectSSO-dev")],
  // A known name, but no such role here: its rights would be checked against nothing.
  [
    "a policy referencing a known role absent from the stack",
    (tf) => (tf.resource.aws_iam_role_policy.federation_policy.role = "${aws_iam_role.pipeline_plan_role.id}"),
  ],
])("GIVEN %s WHEN checked THEN POLICY_ROLE_KNOWN fires alone on the policy, saying what is allowed", (_, breakIt) => {
  const tf = mainStack();
  breakIt(tf);
  expectAlone(tf, POLICY_ROLE_KNOWN, "aws_iam_role_policy.federation_policy");
});
