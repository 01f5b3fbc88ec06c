/**
 * ROLE_KNOWN: every role is one the rules know the purpose of (the SAML federation role, or a
 * pipeline role), because only then do they know what to check; any other role is refused.
 */
import { defineRule } from "./rule";
import { KNOWN_ROLES, roles } from "./view";

export const ROLE_KNOWN = defineRule({
  id: "ROLE_KNOWN",
  why: "every IAM role is one the rules know what it is for: the federation role or a pipeline role (fail closed)",
  reads: ["aws_iam_role"],
  check(view, fail) {
    for (const role of roles(view)) {
      if (role.kind === undefined) {
        fail(role.address, `unknown role: the rules do not know what it is for; allowed: ${KNOWN_ROLES}, each checked for its purpose`);
      }
    }
  },
});
