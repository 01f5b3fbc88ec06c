/**
 * POLICY_ROLE_KNOWN: every inline policy references, by Terraform reference, a role of this
 * stack the rules know; a policy naming its role literally, or another role, would grant rights
 * the rules cannot attribute.
 */
import { perResourceRule } from "./shapes";
import { KNOWN_ROLES, rolePolicies } from "./view";

export const POLICY_ROLE_KNOWN = perResourceRule({
  id: "POLICY_ROLE_KNOWN",
  why: "every inline policy belongs to a role of this stack the rules know (fail closed)",
  reads: ["aws_iam_role_policy", "aws_iam_role"],
  each: rolePolicies,
  problem: (policy) =>
    policy.role === undefined
      ? `is attached to ${JSON.stringify(policy.body.role)}; allowed: a reference to a role of this stack the rules know (${KNOWN_ROLES})`
      : undefined,
});
