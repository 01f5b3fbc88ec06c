/** TRUST_ACTION: the federation role is assumable only with sts:AssumeRoleWithSAML. */
import { TRUST_ACTION } from "../../lib/synth/security/trust-action";
import { expectAlone, itPassesTheExamples, mainStack, setTrust } from "./fixtures";

itPassesTheExamples(TRUST_ACTION);

test("GIVEN a trust also allowing sts:AssumeRole WHEN checked THEN TRUST_ACTION fires alone on the federation role, saying what is allowed", () => {
  const tf = mainStack();
  setTrust((s) => (s.Action = ["sts:AssumeRoleWithSAML", "sts:AssumeRole"]))(tf);
  expectAlone(tf, TRUST_ACTION, "aws_iam_role.federation_role");
});
