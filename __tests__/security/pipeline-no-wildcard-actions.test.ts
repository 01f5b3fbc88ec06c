/** PIPELINE_NO_WILDCARD_ACTIONS: a pipeline role's policy names every action it allows. */
import { PIPELINE_NO_WILDCARD_ACTIONS } from "../../lib/synth/security/pipeline-no-wildcard-actions";
import { bootstrapStack, expectAlone, itPassesTheExamples, policyOf, type Edit } from "./fixtures";

itPassesTheExamples(PIPELINE_NO_WILDCARD_ACTIONS);

test.each<[string, Edit]>([
  ["an apply role allowing connect:*", policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "connect:*", Resource: "*" }))],
  ["an apply role allowing *", policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "*", Resource: "*" }))],
  ["an apply role allowing connect:Describe?ser", policyOf("apply", (st) => st.push({ Effect: "Allow", Action: "connect:Describe?ser", Resource: "*" }))],
  ["an apply role allowing NotAction", policyOf("apply", (st) => st.push({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }))],
])("GIVEN %s WHEN checked THEN PIPELINE_NO_WILDCARD_ACTIONS fires alone on the apply policy, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_NO_WILDCARD_ACTIONS, "aws_iam_role_policy.pipeline_apply_policy");
});
