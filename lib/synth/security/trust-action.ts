/** TRUST_ACTION: the SAML federation role can be assumed only through a SAML sign-in. */
import { trustOf, statementRule } from "./shapes";
import { onlyAction } from "./view";

export const TRUST_ACTION = statementRule({
  id: "TRUST_ACTION",
  why: "trust policy action is only sts:AssumeRoleWithSAML (IAM Access Analyzer)",
  judges: trustOf("federation"),
  judge: () => (s) => onlyAction(s, "sts:AssumeRoleWithSAML"),
});
