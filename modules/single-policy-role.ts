/**
 * An IAM role that holds exactly one inline policy and no managed policy, as the federation role
 * and the pipeline roles do: the role, its policy, and the two exclusive resources that remove
 * any policy added by hand at the next apply. A function, not a construct: the resources belong
 * to the caller's construct, so their paths and logical IDs stay the caller's.
 */
import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import type { PolicyDocument } from "../lib/rules/policies";
import { IAM_ROLE_NAME } from "../lib/rules/naming";
import { requireMatch, protection, type ProtectionProps } from "./props";

export interface SinglePolicyRoleProps extends ProtectionProps {
  /** Role name: 1..64 of A-Z a-z 0-9 _ + = , . @ - (checked here). */
  readonly roleName: string;
  readonly description: string;
  readonly trustPolicy: PolicyDocument;
  /** Longest role session, in seconds. */
  readonly maxSessionDuration: number;
  /** Name of the role's one inline policy. */
  readonly policyName: string;
  readonly policy: PolicyDocument;
  /** Logical IDs of the role (its exclusive resources get `<role>_inline_policies` and `<role>_managed_policies`) and of the policy. */
  readonly logicalIds: { readonly role: string; readonly policy: string };
}

/** Adds the role and its policies to `scope`; returns the role (to import an adopted one). */
export function singlePolicyRole(scope: Construct, props: SinglePolicyRoleProps): IamRole {
  requireMatch(scope, "roleName", props.roleName, IAM_ROLE_NAME, "1..64 of A-Z a-z 0-9 _ + = , . @ -");
  const role = new IamRole(scope, "role", {
    name: props.roleName,
    description: props.description,
    assumeRolePolicy: JSON.stringify(props.trustPolicy),
    maxSessionDuration: props.maxSessionDuration,
    lifecycle: protection(props),
  });
  role.overrideLogicalId(props.logicalIds.role);
  const policy = new IamRolePolicy(scope, "policy", { name: props.policyName, role: role.id, policy: JSON.stringify(props.policy) });
  policy.overrideLogicalId(props.logicalIds.policy);
  new IamRolePoliciesExclusive(scope, "inline_policies", { roleName: role.name, policyNames: [policy.name] }).overrideLogicalId(
    `${props.logicalIds.role}_inline_policies`,
  );
  new IamRolePolicyAttachmentsExclusive(scope, "managed_policies", { roleName: role.name, policyArns: [] }).overrideLogicalId(
    `${props.logicalIds.role}_managed_policies`,
  );
  return role;
}
