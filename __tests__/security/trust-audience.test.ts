/** TRUST_AUDIENCE: the federation role requires SAML:aud of its partition's sign-in endpoint. */
import { TRUST_AUDIENCE } from "../../lib/synth/security/trust-audience";
import { expectAlone, itPassesTheExamples, mainStack, rulesFired, setTrust, type Edit } from "./fixtures";

itPassesTheExamples(TRUST_AUDIENCE);

test.each<[string, Edit]>([
  ["a trust without SAML:aud", setTrust((s) => delete s.Condition)],
  ["a trust with the China audience in us-west-2", setTrust((s) => (s.Condition.StringEquals["SAML:aud"] = "https://signin.amazonaws.cn/saml"))],
])("GIVEN %s WHEN checked THEN TRUST_AUDIENCE fires alone on the federation role, saying what is allowed", (_, breakIt) => {
  const tf = mainStack();
  breakIt(tf);
  expectAlone(tf, TRUST_AUDIENCE, "aws_iam_role.federation_role");
});

test("GIVEN a GovCloud stack WHEN checked THEN the GovCloud audience is the one required", () => {
  const tf = mainStack();
  tf.provider.aws[0].region = "us-gov-west-1";
  expect(rulesFired(tf)).toEqual(["TRUST_AUDIENCE"]);
  setTrust((s) => (s.Condition.StringEquals["SAML:aud"] = "https://signin.amazonaws-us-gov.com/saml"))(tf);
  expect(rulesFired(tf)).toEqual([]);
});

test("GIVEN a region of no known partition WHEN checked THEN TRUST_AUDIENCE refuses every audience (fail closed)", () => {
  const tf = mainStack();
  tf.provider.aws[0].region = "xx-nowhere-1";
  expect(rulesFired(tf)).toContain("TRUST_AUDIENCE");
});
