/**
 * PIPELINE_DENY_TOKENS: each pipeline role denies, on everything and without conditions, the two
 * Connect actions that mint a Connect session, so no read right granted now or later can do it.
 * A deny that is broader (such as `connect:*`) still counts.
 */
import { CONNECT_TOKEN_ACTIONS } from "../../rules/policies";
import { defineRule } from "./rule";
import { asList, PIPELINE_ROLE_KINDS, policiesOf, rolesOf, statements, wildcardMatches } from "./view";

export const PIPELINE_DENY_TOKENS = defineRule({
  id: "PIPELINE_DENY_TOKENS",
  why: 'a pipeline role explicitly denies connect:GetFederationToken and connect:AdminGetEmergencyAccessToken on * (read-only Connect rights would let any pull request mint an admin\'s Connect session; docs/concepts/security-model.md, "Threat model")',
  reads: ["aws_iam_role", "aws_iam_role_policy"],
  check(view, fail) {
    const policies = policiesOf(view, PIPELINE_ROLE_KINDS);
    for (const role of rolesOf(view, PIPELINE_ROLE_KINDS)) {
      // A policy that cannot be read denies nothing here (the policy rules refuse it themselves).
      const denials = policies
        .filter((p) => p.role.address === role.address)
        .flatMap((p) => {
          const parsed = statements(p.body.policy);
          return typeof parsed === "string" ? [] : parsed;
        })
        .filter(
          (s) =>
            s.Effect === "Deny" && s.Condition === undefined && s.NotAction === undefined && s.NotResource === undefined && asList(s.Resource).includes("*"),
        );
      const missing = CONNECT_TOKEN_ACTIONS.filter(
        (token) => !denials.some((s) => asList(s.Action).some((a) => typeof a === "string" && wildcardMatches(a, token, "action"))),
      );
      if (missing.length > 0) {
        fail(
          role.address,
          `its policies do not deny ${missing.join(" and ")}; allowed: a statement Effect Deny, Action ${JSON.stringify(CONNECT_TOKEN_ACTIONS)}, Resource "*", no Condition`,
        );
      }
    }
  },
});
