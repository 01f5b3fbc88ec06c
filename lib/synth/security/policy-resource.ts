/**
 * POLICY_RESOURCE: a federation token only for the session's own Connect user on one instance
 * (the resource-scoped form), or the doc's `*` narrowed to one instance by `connect:InstanceId`.
 */
import { policyOf, statementRule } from "./shapes";
import { asList, asObject } from "./view";

/** One instance's user named by the session: a literal instance ARN, or this stack's created instance. */
const OWN_USER = /^(arn:[\w-]+:connect:[\w-]+:\d{12}:instance\/[0-9a-f-]{36}|\$\{aws_connect_instance\.\w+\.arn\})\/user\/\$\$\{aws:userid\}$/;

export const POLICY_RESOURCE = statementRule({
  id: "POLICY_RESOURCE",
  why: "inline policy resource is one instance's users, or * only with connect:InstanceId (checkov CKV_AWS_355, cdk-nag AwsSolutions-IAM5)",
  judges: policyOf("federation"),
  judge: () => (s) => {
    // Condition key names compare ignoring case: the doc writes connect:InstanceID.
    const condition = asObject(asObject(s.Condition)?.StringEquals);
    const oneInstance = condition !== undefined && Object.keys(condition).some((k) => k.toLowerCase() === "connect:instanceid");
    return (s.NotResource !== undefined ? ["NotResource"] : asList(s.Resource))
      .filter((r) => !(typeof r === "string" && OWN_USER.test(r)) && !(r === "*" && oneInstance))
      .map(
        (r) =>
          `applies to ${JSON.stringify(r)}; allowed: arn:<partition>:connect:<region>:<account>:instance/<id>/user/\${aws:userid}, or "*" with a connect:InstanceId condition`,
      );
  },
});
