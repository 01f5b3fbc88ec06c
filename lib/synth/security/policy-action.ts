/** POLICY_ACTION: the SAML federation role can do one thing: get a Connect federation token. */
import { policyOf, statementRule } from "./shapes";
import { onlyAction } from "./view";

export const POLICY_ACTION = statementRule({
  id: "POLICY_ACTION",
  why: "inline policy allows only connect:GetFederationToken, no wildcards (checkov CKV_AWS_62/63/286-290, cdk-nag AwsSolutions-IAM5)",
  judges: policyOf("federation"),
  judge: () => (s) => onlyAction(s, "connect:GetFederationToken"),
});
