/** NO_MANAGED_POLICIES: no role holds a managed policy, attached or named on the role. */
import { NO_MANAGED_POLICIES } from "../../lib/synth/security/no-managed-policies";
import { bootstrapStack, expectAlone, federationRole, itPassesTheExamples, mainStack, pipelineRole, type Edit, type Tf } from "./fixtures";

itPassesTheExamples(NO_MANAGED_POLICIES);

test.each<[string, () => Tf, Edit, string]>([
  [
    "a managed policy attachment",
    mainStack,
    (tf) => (tf.resource.aws_iam_role_policy_attachment = { admin: { role: "x", policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } }),
    "aws_iam_role_policy_attachment.admin",
  ],
  [
    "a managed policy in the exclusive attachment list",
    mainStack,
    (tf) => (tf.resource.aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies.policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    "aws_iam_role_policy_attachments_exclusive.federation_role_managed_policies",
  ],
  [
    "managed_policy_arns on the federation role",
    mainStack,
    (tf) => (federationRole(tf).managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    "aws_iam_role.federation_role",
  ],
  [
    "managed_policy_arns on a pipeline role",
    bootstrapStack,
    (tf) => (pipelineRole(tf, "apply").managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]),
    "aws_iam_role.pipeline_apply_role",
  ],
])("GIVEN %s WHEN checked THEN NO_MANAGED_POLICIES fires alone, naming the resource and what is allowed", (_, stack, breakIt, address) => {
  const tf = stack();
  breakIt(tf);
  expectAlone(tf, NO_MANAGED_POLICIES, address);
});
