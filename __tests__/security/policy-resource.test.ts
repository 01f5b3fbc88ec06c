/** POLICY_RESOURCE: the federation policy is for one instance's users (or `*` with connect:InstanceId). */
import { checkStack } from "../../lib/synth/security/pack";
import { POLICY_RESOURCE } from "../../lib/synth/security/policy-resource";
import { expectAlone, itPassesTheExamples, mainStack, setPolicy, type Edit } from "./fixtures";

itPassesTheExamples(POLICY_RESOURCE);

test.each<[string, Edit]>([
  ["a policy on * without the instance condition", setPolicy((s) => (s.Resource = "*"))],
  ["a policy on every instance", setPolicy((s) => (s.Resource = "arn:aws:connect:us-west-2:111122223333:instance/*"))],
  ["a policy on NotResource", setPolicy((s) => ((s.NotResource = "arn:aws:connect:us-west-2:111122223333:instance/x"), delete s.Resource))],
])("GIVEN %s WHEN checked THEN POLICY_RESOURCE fires alone on the federation policy, saying what is allowed", (_, breakIt) => {
  const tf = mainStack();
  breakIt(tf);
  expectAlone(tf, POLICY_RESOURCE, "aws_iam_role_policy.federation_policy");
});

test("GIVEN the doc's own policy form (* with connect:InstanceID) WHEN checked THEN it is accepted", () => {
  const tf = mainStack();
  setPolicy((s) => {
    s.Resource = "*";
    s.Condition = { StringEquals: { "connect:InstanceID": "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90" } };
  })(tf);
  expect(checkStack(tf)).toEqual([]);
});
