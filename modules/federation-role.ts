/**
 * Step 2b of the doc: the IAM role federated users assume, trusted for SAML, allowed to federate into Connect.
 */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { federationPermissionsPolicy, federationTrustPolicy } from "../lib/rules/policies";
import { IAM_ROLE_NAME } from "../lib/rules/naming";
import { requireMatch, requireRange } from "./props";

export interface FederationRoleProps {
  /** Role name; users mapped to a role cannot sign in through another, so keep it stable. */
  readonly roleName: string;
  /** ARN of the SAML provider the role trusts (and nothing else). */
  readonly samlProviderArn: string;
  /** Required `SAML:aud`: the partition's SAML sign-in endpoint. */
  readonly audience: string;
  /** ARN of the Connect instance users federate into. */
  readonly instanceArn: string;
  /** Longest role session, in seconds (3600..43200); must cover the application's session duration. */
  readonly maxSessionDurationSeconds: number;
  /**
   * Refuse `terraform destroy` and replacement.
   * @default false
   */
  readonly protect?: boolean;
  /**
   * Import a role of this name made by hand on the first apply; its trust, session length and
   * policies are then set to this module's (other inline and managed policies are removed).
   * @default false
   */
  readonly adopt?: boolean;
}

export class FederationRole extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: FederationRoleProps) {
    super(scope, id);
    requireMatch("FederationRole", "roleName", props.roleName, IAM_ROLE_NAME, "1..64 of A-Z a-z 0-9 _ + = , . @ -");
    requireRange("FederationRole", "maxSessionDurationSeconds", props.maxSessionDurationSeconds, 3600, 43200, "seconds");
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Amazon Connect sign-in through IAM Identity Center (SAML)",
      assumeRolePolicy: JSON.stringify(federationTrustPolicy(props.samlProviderArn, props.audience)),
      maxSessionDuration: props.maxSessionDurationSeconds,
      lifecycle: props.protect ? { preventDestroy: true } : undefined,
    });
    role.overrideLogicalId("federation_role");
    if (props.adopt) role.importFrom(props.roleName);
    const policy = new IamRolePolicy(this, "policy", {
      name: "connect-federation",
      role: role.id,
      policy: JSON.stringify(federationPermissionsPolicy(props.instanceArn)),
    });
    policy.overrideLogicalId("federation_policy");
    // The role holds this one inline policy and no managed policy: anything added by hand (or left
    // on an adopted role) is removed at the next apply.
    const inline = new IamRolePoliciesExclusive(this, "inline_policies", { roleName: role.name, policyNames: [policy.name] });
    inline.overrideLogicalId("federation_role_inline_policies");
    const managed = new IamRolePolicyAttachmentsExclusive(this, "managed_policies", { roleName: role.name, policyArns: [] });
    managed.overrideLogicalId("federation_role_managed_policies");
    this.arn = role.arn;
  }
}
