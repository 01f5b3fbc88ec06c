/** PIPELINE_NO_WILDCARD_ACTIONS: a pipeline role's policies name every action they allow. */
import { defineRule } from "./rule";
import { asList, forEachStatement, policiesOf } from "./view";

export const PIPELINE_NO_WILDCARD_ACTIONS = defineRule({
  id: "PIPELINE_NO_WILDCARD_ACTIONS",
  why: "a pipeline role's policy names each action it allows: no * or ?, no NotAction (cdk-nag AwsSolutions-IAM5)",
  reads: ["aws_iam_role", "aws_iam_role_policy"],
  check(view, fail) {
    for (const policy of policiesOf(view, ["plan", "apply"])) {
      forEachStatement(policy, "policy", fail, (s, where) => {
        if (s.Effect !== "Allow") return;
        if (s.NotAction !== undefined) {
          fail(policy.address, `${where} uses NotAction, which allows every other action; allowed: Action with explicit names`);
        }
        const wild = asList(s.Action).filter((a) => typeof a !== "string" || /[*?]/.test(a));
        if (wild.length > 0) {
          fail(policy.address, `${where} allows ${JSON.stringify(wild)}; allowed: explicit action names such as connect:DescribeUser`);
        }
      });
    }
  },
});
