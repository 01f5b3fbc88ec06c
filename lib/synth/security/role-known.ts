/**
 * ROLE_KNOWN: every role is one the rules know the purpose of (the SAML federation role, or a
 * pipeline role, in the environment's account or in Identity Center's), because only then do they know what to check; any other role is refused.
 */
import { perResourceRule } from "./shapes";
import { KNOWN_ROLES, roles } from "./view";

export const ROLE_KNOWN = perResourceRule({
  id: "ROLE_KNOWN",
  why: "every IAM role is one the rules know what it is for: the federation role or a pipeline role (fail closed)",
  reads: ["aws_iam_role"],
  each: roles,
  problem: (role) =>
    role.kind === undefined ? `unknown role: the rules do not know what it is for; allowed: ${KNOWN_ROLES}, each checked for its purpose` : undefined,
});
