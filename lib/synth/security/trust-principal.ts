/**
 * TRUST_PRINCIPAL: the SAML federation role trusts only a SAML provider of its own stack, so no
 * other identity provider and no AWS principal can sign in as an agent.
 */
import { trustOf, statementRule } from "./shapes";
import { asList, asObject } from "./view";

export const TRUST_PRINCIPAL = statementRule({
  id: "TRUST_PRINCIPAL",
  why: "trust policy principal is only a SAML provider of this stack (IAM Access Analyzer)",
  judges: trustOf("federation"),
  alsoReads: ["aws_iam_saml_provider"],
  judge: (view) => {
    const ownProviders = new Set<unknown>(view.resources("aws_iam_saml_provider").map(([address]) => `\${${address}.arn}`));
    return (s) => {
      const principal = asObject(s.Principal);
      const federated = asList(principal?.Federated);
      const own =
        s.Effect === "Allow" && principal && Object.keys(principal).join() === "Federated" && federated.length === 1 && ownProviders.has(federated[0]);
      return own ? [] : [`trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)}; allowed: only Federated = this stack's aws_iam_saml_provider`];
    };
  },
});
