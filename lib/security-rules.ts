/**
 * Security rules on a synthesized stack (Terraform JSON): what checkov, cdk-nag and IAM Access
 * Analyzer would say of the federation role, checked at synth because no scanner runs here.
 */
import { partitionOf, samlAudience } from "./naming";

export interface Violation {
  readonly rule: string;
  /** Terraform address, such as `aws_iam_role.federation_role`. */
  readonly address: string;
  readonly message: string;
}

/** The rules, with where each comes from (listed in the README). */
export const RULES = {
  TRUST_PRINCIPAL: "trust policy principal is only a SAML provider of this stack (IAM Access Analyzer)",
  TRUST_ACTION: "trust policy action is only sts:AssumeRoleWithSAML (IAM Access Analyzer)",
  TRUST_AUDIENCE: "trust policy requires SAML:aud of the partition's sign-in endpoint (aws-cdk #22091, #24243, #25723)",
  POLICY_ACTION: "inline policy allows only connect:GetFederationToken, no wildcards (checkov CKV_AWS_62/63/286-290, cdk-nag AwsSolutions-IAM5)",
  POLICY_RESOURCE: "inline policy resource is one instance's users, or * only with connect:InstanceId (checkov CKV_AWS_355, cdk-nag AwsSolutions-IAM5)",
  NO_MANAGED_POLICIES: "the role has no managed policies (cdk-nag AwsSolutions-IAM4)",
  SESSION_LENGTH: "role sessions last at most 12 hours (IAM limit)",
} as const;

/** Resource types the rules read: synth resolves only these (and the providers), not the users map. */
export const CHECKED_RESOURCE_TYPES = [
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_saml_provider",
  "aws_iam_role_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_role_policy_attachments_exclusive",
] as const;

type Json = Record<string, unknown>;
type Statement = Record<string, unknown>;

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function statements(policy: unknown): Statement[] | string {
  if (typeof policy !== "string") return "is not a JSON policy string";
  try {
    return asList((JSON.parse(policy) as Json).Statement) as Statement[];
  } catch {
    return "does not parse as JSON";
  }
}

function resources(tf: Json, type: string): Array<[string, Json]> {
  const byName = ((tf.resource as Json | undefined)?.[type] ?? {}) as Record<string, Json>;
  return Object.entries(byName).map(([name, body]) => [`${type}.${name}`, body]);
}

/** Checks one synthesized stack; returns every violation found. */
export function checkStack(tf: Json): Violation[] {
  const violations: Violation[] = [];
  const fail = (rule: keyof typeof RULES, address: string, message: string) => violations.push({ rule, address, message });
  const region = ((tf.provider as Json | undefined)?.aws as Json[] | undefined)?.[0]?.region;
  const partition = typeof region === "string" ? partitionOf(region) : undefined;
  const providerNames = new Set(resources(tf, "aws_iam_saml_provider").map(([address]) => address));

  for (const type of ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
    for (const [address] of resources(tf, type)) fail("NO_MANAGED_POLICIES", address, "attaches a managed policy; the role may hold only its inline federation policy");
  }
  // The exclusive attachment resource is how the stack enforces "none": it must list none.
  for (const [address, body] of resources(tf, "aws_iam_role_policy_attachments_exclusive")) {
    if (asList(body.policy_arns).length > 0) fail("NO_MANAGED_POLICIES", address, `attaches ${JSON.stringify(body.policy_arns)}; allowed: policy_arns = []`);
  }

  for (const [address, role] of resources(tf, "aws_iam_role")) {
    if (asList(role.managed_policy_arns).length > 0) fail("NO_MANAGED_POLICIES", address, "sets managed_policy_arns");
    const seconds = role.max_session_duration;
    if (typeof seconds !== "number" || seconds > 43200) fail("SESSION_LENGTH", address, `max_session_duration is ${JSON.stringify(seconds)}; allowed: 3600..43200`);
    const trust = statements(role.assume_role_policy);
    if (typeof trust === "string") {
      fail("TRUST_PRINCIPAL", address, `assume_role_policy ${trust}`);
      continue;
    }
    for (const [i, s] of trust.entries()) {
      const where = `assume_role_policy statement ${i}`;
      const principal = s.Principal as Json | undefined;
      const federated = principal && typeof principal === "object" ? asList(principal.Federated) : [];
      const ownProvider = (p: unknown) => typeof p === "string" && [...providerNames].some((a) => p === `\${${a}.arn}`);
      if (s.Effect !== "Allow" || !principal || Object.keys(principal).join() !== "Federated" || federated.length !== 1 || !ownProvider(federated[0])) {
        fail("TRUST_PRINCIPAL", address, `${where} trusts ${JSON.stringify(principal ?? s.NotPrincipal)}; allowed: only Federated = this stack's aws_iam_saml_provider`);
      }
      const actions = asList(s.Action);
      if (actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithSAML" || s.NotAction) {
        fail("TRUST_ACTION", address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "sts:AssumeRoleWithSAML" only`);
      }
      const audience = ((s.Condition as Json | undefined)?.StringEquals as Json | undefined)?.["SAML:aud"];
      const expected = partition ? samlAudience(partition) : undefined;
      if (!expected || asList(audience).length !== 1 || asList(audience)[0] !== expected) {
        fail("TRUST_AUDIENCE", address, `${where} requires SAML:aud ${JSON.stringify(audience)}; allowed: ${JSON.stringify(expected ?? "the audience of a known partition")}`);
      }
    }
  }

  for (const [address, body] of resources(tf, "aws_iam_role_policy")) {
    const policy = statements(body.policy);
    if (typeof policy === "string") {
      fail("POLICY_ACTION", address, `policy ${policy}`);
      continue;
    }
    for (const [i, s] of policy.entries()) {
      const where = `policy statement ${i}`;
      if (s.Effect !== "Allow") continue;
      const actions = asList(s.Action);
      if (s.NotAction || actions.length === 0 || actions.some((a) => a !== "connect:GetFederationToken")) {
        fail("POLICY_ACTION", address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "connect:GetFederationToken" only`);
      }
      const condition = (s.Condition as Json | undefined)?.StringEquals as Json | undefined;
      const instanceCondition = condition && Object.keys(condition).some((k) => k.toLowerCase() === "connect:instanceid");
      for (const r of s.NotResource ? ["NotResource"] : asList(s.Resource)) {
        const scoped = typeof r === "string" && /^(arn:[\w-]+:connect:[\w-]+:\d{12}:instance\/[0-9a-f-]{36}|\$\{aws_connect_instance\.\w+\.arn\})\/user\/\$\$\{aws:userid\}$/.test(r);
        if (!scoped && !(r === "*" && instanceCondition)) {
          fail("POLICY_RESOURCE", address, `${where} applies to ${JSON.stringify(r)}; allowed: arn:<partition>:connect:<region>:<account>:instance/<id>/user/\${aws:userid}, or "*" with a connect:InstanceId condition`);
        }
      }
    }
  }
  return violations;
}
