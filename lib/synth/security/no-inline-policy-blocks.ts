/**
 * NO_INLINE_POLICY_BLOCKS: a role's rights are `aws_iam_role_policy` resources, which the policy
 * rules read by their role; `inline_policy` blocks on the role itself would go unchecked.
 */
import { defineRule } from "./rule";
import { asList, roles } from "./view";

export const NO_INLINE_POLICY_BLOCKS = defineRule({
  id: "NO_INLINE_POLICY_BLOCKS",
  why: "the role's permissions are aws_iam_role_policy resources these rules check, not inline_policy blocks on the role (fail closed: rights the rules do not read go unreviewed)",
  reads: ["aws_iam_role"],
  check(view, fail) {
    for (const role of roles(view)) {
      if (asList(role.body.inline_policy).length > 0) {
        fail(
          role.address,
          `role ${JSON.stringify(role.body.name)} sets inline_policy blocks; allowed: none (its permissions are an aws_iam_role_policy resource the rules check)`,
        );
      }
    }
  },
});
