/** PIPELINE_NO_WILDCARD_ACTIONS: a pipeline role's policies name every action they allow. */
import { policyOf, statementRule } from "./shapes";
import { asList, PIPELINE_ROLE_KINDS } from "./view";

export const PIPELINE_NO_WILDCARD_ACTIONS = statementRule({
  id: "PIPELINE_NO_WILDCARD_ACTIONS",
  why: "a pipeline role's policy names each action it allows: no * or ?, no NotAction (cdk-nag AwsSolutions-IAM5)",
  judges: policyOf(...PIPELINE_ROLE_KINDS),
  judge: () => (s) => {
    const wild = asList(s.Action).filter((a) => typeof a !== "string" || /[*?]/.test(a));
    return [
      ...(s.NotAction !== undefined ? ["uses NotAction, which allows every other action; allowed: Action with explicit names"] : []),
      ...(wild.length > 0 ? [`allows ${JSON.stringify(wild)}; allowed: explicit action names such as connect:DescribeUser`] : []),
    ];
  },
});
