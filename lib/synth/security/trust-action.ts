/** TRUST_ACTION: the SAML federation role can be assumed only through a SAML sign-in. */
import { defineRule } from "./rule";
import { asList, forEachStatement, rolesOf } from "./view";

export const TRUST_ACTION = defineRule({
  id: "TRUST_ACTION",
  why: "trust policy action is only sts:AssumeRoleWithSAML (IAM Access Analyzer)",
  reads: ["aws_iam_role"],
  check(view, fail) {
    for (const role of rolesOf(view, ["federation"])) {
      forEachStatement(role, "assume_role_policy", fail, (s, where) => {
        const actions = asList(s.Action);
        if (s.NotAction !== undefined || actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithSAML") {
          fail(role.address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "sts:AssumeRoleWithSAML" only`);
        }
      });
    }
  },
});
