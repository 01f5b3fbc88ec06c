/**
 * TRUST_PRINCIPAL: the SAML federation role trusts only a SAML provider of its own stack, so no
 * other identity provider and no AWS principal can sign in as an agent.
 */
import { defineRule } from "./rule";
import { asList, asObject, forEachStatement, rolesOf } from "./view";

export const TRUST_PRINCIPAL = defineRule({
  id: "TRUST_PRINCIPAL",
  why: "trust policy principal is only a SAML provider of this stack (IAM Access Analyzer)",
  reads: ["aws_iam_role", "aws_iam_saml_provider"],
  check(view, fail) {
    const ownProviders = new Set<unknown>(view.resources("aws_iam_saml_provider").map(([address]) => `\${${address}.arn}`));
    for (const role of rolesOf(view, ["federation"])) {
      forEachStatement(role, "assume_role_policy", fail, (s, where) => {
        const principal = asObject(s.Principal);
        const federated = asList(principal?.Federated);
        if (s.Effect !== "Allow" || !principal || Object.keys(principal).join() !== "Federated" || federated.length !== 1 || !ownProviders.has(federated[0])) {
          fail(role.address, `${where} trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)}; allowed: only Federated = this stack's aws_iam_saml_provider`);
        }
      });
    }
  },
});
