/** IDENTITY_CENTER_TRUST: a role in Identity Center's account trusts only its own kind's pipeline role. */
import { IDENTITY_CENTER_TRUST } from "../../lib/synth/security/identity-center-trust";
import { editJson, expectAlone, identityCenterBootstrapStack, itPassesTheExamples, type Tf } from "./fixtures";

itPassesTheExamples(IDENTITY_CENTER_TRUST);

const trust = (tf: Tf, kind: "plan" | "apply", edit: (statement: Tf) => void) =>
  editJson(tf.resource.aws_iam_role[`identity_center_${kind}_role`], "assume_role_policy", (doc) => edit(doc.Statement[0]));

test.each<[string, "plan" | "apply", (s: Tf) => void]>([
  ["the read-only role trusting the apply role", "plan", (s) => (s.Principal.AWS = s.Principal.AWS.replace(/-plan$/, "-apply"))],
  ["the apply role trusting the plan role (a pull request could assign)", "apply", (s) => (s.Principal.AWS = s.Principal.AWS.replace(/-apply$/, "-plan"))],
  ["a role trusting a whole account", "plan", (s) => (s.Principal.AWS = "arn:aws:iam::222233334444:root")],
  ["a role trusting every principal", "apply", (s) => (s.Principal = "*")],
  ["a role trusting a wildcard role name", "plan", (s) => (s.Principal.AWS = "arn:aws:iam::222233334444:role/connect-sso-*")],
  ["a role trusting another environment's pipeline role", "plan", (s) => (s.Principal.AWS = s.Principal.AWS.replace("-staging-", "-prod-"))],
  ["a role trusting its own account's role of that name", "plan", (s) => (s.Principal.AWS = s.Principal.AWS.replace("222233334444", "999988887777"))],
  [
    "a role trusting GitHub's OIDC provider directly",
    "plan",
    (s) => (s.Principal = { Federated: "arn:aws:iam::999988887777:oidc-provider/token.actions.githubusercontent.com" }),
  ],
  ["a role allowing sts:* to its principal", "apply", (s) => (s.Action = "sts:*")],
  ["a role with a condition that a reader must judge", "plan", (s) => (s.Condition = { StringLike: { "aws:PrincipalArn": "*" } })],
])("GIVEN %s WHEN checked THEN IDENTITY_CENTER_TRUST fires alone on that role, saying what is allowed", (_, kind, breakIt) => {
  const tf = identityCenterBootstrapStack();
  trust(tf, kind, breakIt);
  expectAlone(tf, IDENTITY_CENTER_TRUST, `aws_iam_role.identity_center_${kind}_role`);
});
