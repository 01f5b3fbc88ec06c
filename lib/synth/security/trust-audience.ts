/**
 * TRUST_AUDIENCE: the SAML federation role accepts only assertions addressed to its partition's
 * sign-in endpoint; an unknown partition has no audience to accept, so it is refused.
 */
import { samlAudience } from "../../rules/naming";
import { defineRule } from "./rule";
import { asList, asObject, forEachStatement, rolesOf } from "./view";

export const TRUST_AUDIENCE = defineRule({
  id: "TRUST_AUDIENCE",
  why: "trust policy requires SAML:aud of the partition's sign-in endpoint (aws-cdk PR #28704, issues #22091, #24243, #25723)",
  reads: ["aws_iam_role"],
  check(view, fail) {
    const expected = view.partition ? samlAudience(view.partition) : undefined;
    for (const role of rolesOf(view, ["federation"])) {
      forEachStatement(role, "assume_role_policy", fail, (s, where) => {
        const audience = asObject(asObject(s.Condition)?.StringEquals)?.["SAML:aud"];
        if (!expected || asList(audience).length !== 1 || asList(audience)[0] !== expected) {
          fail(
            role.address,
            `${where} requires SAML:aud ${JSON.stringify(audience)}; allowed: ${JSON.stringify(expected ?? "the audience of a known partition")}`,
          );
        }
      });
    }
  },
});
