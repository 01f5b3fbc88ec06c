/** TRUST_PRINCIPAL: the federation role trusts only this stack's SAML provider. */
import { TRUST_PRINCIPAL } from "../../lib/synth/security/trust-principal";
import { expectAlone, itPassesTheExamples, mainStack, setTrust, type Edit } from "./fixtures";

itPassesTheExamples(TRUST_PRINCIPAL);

test.each<[string, Edit]>([
  ["a trust of any AWS principal", setTrust((s) => (s.Principal = { AWS: "*" }))],
  ["a trust of another SAML provider", setTrust((s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:saml-provider/Other" }))],
])("GIVEN %s WHEN checked THEN TRUST_PRINCIPAL fires alone on the federation role, saying what is allowed", (_, breakIt) => {
  const tf = mainStack();
  breakIt(tf);
  expectAlone(tf, TRUST_PRINCIPAL, "aws_iam_role.federation_role");
});
