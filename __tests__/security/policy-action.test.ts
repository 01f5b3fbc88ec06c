/** POLICY_ACTION: the federation policy allows only connect:GetFederationToken. */
import { POLICY_ACTION } from "../../lib/synth/security/policy-action";
import { expectAlone, itPassesTheExamples, mainStack, setPolicy, type Edit } from "./fixtures";

itPassesTheExamples(POLICY_ACTION);

test.each<[string, Edit]>([
  ["a policy allowing connect:*", setPolicy((s) => (s.Action = "connect:*"))],
  ["a policy adding another action", setPolicy((s) => (s.Action = ["connect:GetFederationToken", "connect:DescribeUser"]))],
  ["a policy allowing NotAction", setPolicy((s) => ((s.NotAction = s.Action), delete s.Action))],
])("GIVEN %s WHEN checked THEN POLICY_ACTION fires alone on the federation policy, saying what is allowed", (_, breakIt) => {
  const tf = mainStack();
  breakIt(tf);
  expectAlone(tf, POLICY_ACTION, "aws_iam_role_policy.federation_policy");
});
