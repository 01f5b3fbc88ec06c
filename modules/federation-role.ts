/**
 * Step 2b of the doc: the IAM role federated users assume, trusted for SAML, allowed to federate into Connect.
 */
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePoliciesExclusive } from "@cdktf/provider-aws/lib/iam-role-policies-exclusive";
import { IamRolePolicyAttachmentsExclusive } from "@cdktf/provider-aws/lib/iam-role-policy-attachments-exclusive";
import { federationPermissionsPolicy, federationTrustPolicy } from "../lib/rules/policies";
import { IAM_ROLE_NAME, ROLE_SESSION_SECONDS } from "../lib/rules/naming";
import { adoptedNames, requireMatch, requireRange, type AdoptionProps, protection, type ProtectionProps } from "./props";

export interface FederationRoleProps extends AdoptionProps, ProtectionProps {
  /** Role name; users mapped to a role cannot sign in through another, so keep it stable. */
  readonly roleName: string;
  /** ARN of the SAML provider the role trusts (and nothing else). */
  readonly samlProviderArn: string;
  /** `SAML:aud` values the trust admits: the partition's SAML sign-in endpoint, and the Region's own (lib/rules/naming.ts samlAudiences). */
  readonly audiences: ReadonlyArray<string>;
  /** ARN of the Connect instance users federate into. */
  readonly instanceArn: string;
  /** Longest role session, in seconds (ROLE_SESSION_SECONDS: 3600..43200); must cover the application's session duration. */
  readonly maxSessionDurationSeconds: number;
}

export class FederationRole extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: FederationRoleProps) {
    super(scope, id);
    requireMatch(this, "roleName", props.roleName, IAM_ROLE_NAME, "1..64 of A-Z a-z 0-9 _ + = , . @ -");
    requireRange(this, "maxSessionDurationSeconds", props.maxSessionDurationSeconds, ROLE_SESSION_SECONDS.min, ROLE_SESSION_SECONDS.max, "seconds");
    const role = new IamRole(this, "role", {
      name: props.roleName,
      description: "Amazon Connect sign-in through IAM Identity Center (SAML)",
      assumeRolePolicy: JSON.stringify(federationTrustPolicy(props.samlProviderArn, props.audiences)),
      maxSessionDuration: props.maxSessionDurationSeconds,
      lifecycle: protection(props),
    });
    role.overrideLogicalId("federation_role");
    // An adopted role made by hand is imported; its trust, session length and policies are then set
    // to this construct's (other inline and managed policies are removed).
    if (adoptedNames(this, props, new Set([props.roleName]), `this role's name ${JSON.stringify(props.roleName)}`).length > 0) role.importFrom(props.roleName);
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
