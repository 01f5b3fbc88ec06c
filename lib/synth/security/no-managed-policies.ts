/**
 * NO_MANAGED_POLICIES: a role's rights are only its inline policies, which the other rules read;
 * a managed policy (attached, or named on the role) would bring rights no rule has seen.
 */
import { defineRule } from "./rule";
import { asList, roles } from "./view";

export const NO_MANAGED_POLICIES = defineRule({
  id: "NO_MANAGED_POLICIES",
  why: "the role has no managed policies (cdk-nag AwsSolutions-IAM4)",
  reads: ["aws_iam_role", "aws_iam_role_policy_attachment", "aws_iam_policy_attachment", "aws_iam_role_policy_attachments_exclusive"],
  check(view, fail) {
    for (const type of ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
      for (const [address, body] of view.resources(type)) {
        fail(address, `attaches the managed policy ${JSON.stringify(body.policy_arn)}; allowed: none (a role holds only its aws_iam_role_policy)`);
      }
    }
    // The exclusive attachment resource is how a stack enforces "none": it must list none.
    for (const [address, body] of view.resources("aws_iam_role_policy_attachments_exclusive")) {
      if (asList(body.policy_arns).length > 0) fail(address, `attaches ${JSON.stringify(body.policy_arns)}; allowed: policy_arns = []`);
    }
    for (const role of roles(view)) {
      if (asList(role.body.managed_policy_arns).length > 0) {
        fail(role.address, `role ${JSON.stringify(role.body.name)} sets managed_policy_arns; allowed: none (its permissions are its aws_iam_role_policy)`);
      }
    }
  },
});
