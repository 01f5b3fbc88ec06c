/** POLICY_ACTION: the SAML federation role can do one thing: get a Connect federation token. */
import { defineRule } from "./rule";
import { asList, forEachStatement, policiesOf } from "./view";

export const POLICY_ACTION = defineRule({
  id: "POLICY_ACTION",
  why: "inline policy allows only connect:GetFederationToken, no wildcards (checkov CKV_AWS_62/63/286-290, cdk-nag AwsSolutions-IAM5)",
  reads: ["aws_iam_role", "aws_iam_role_policy"],
  check(view, fail) {
    for (const policy of policiesOf(view, ["federation"])) {
      forEachStatement(policy, "policy", fail, (s, where) => {
        if (s.Effect !== "Allow") return;
        const actions = asList(s.Action);
        if (s.NotAction !== undefined || actions.length === 0 || actions.some((a) => a !== "connect:GetFederationToken")) {
          fail(policy.address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "connect:GetFederationToken" only`);
        }
      });
    }
  },
});
