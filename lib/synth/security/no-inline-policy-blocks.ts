/**
 * NO_INLINE_POLICY_BLOCKS: a role's rights are `aws_iam_role_policy` resources, which the policy
 * rules read by their role; `inline_policy` blocks on the role itself would go unchecked.
 */
import { perResourceRule } from "./shapes";
import { asList, roles } from "./view";

export const NO_INLINE_POLICY_BLOCKS = perResourceRule({
  id: "NO_INLINE_POLICY_BLOCKS",
  why: "the role's permissions are aws_iam_role_policy resources these rules check, not inline_policy blocks on the role (fail closed: rights the rules do not read go unreviewed)",
  reads: ["aws_iam_role"],
  each: roles,
  problem: ({ body }) =>
    asList(body.inline_policy).length > 0
      ? `role ${JSON.stringify(body.name)} sets inline_policy blocks; allowed: none (its permissions are an aws_iam_role_policy resource the rules check)`
      : undefined,
});
