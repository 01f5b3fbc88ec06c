/**
 * Step 2b of the doc: the IAM role federated users assume, trusted for SAML, allowed to federate into Connect.
 */
import { Construct } from "constructs";
import { federationPermissionsPolicy, federationTrustPolicy } from "../lib/rules/policies";
import { ROLE_SESSION_SECONDS } from "../lib/rules/naming";
import { adoptedNames, requireRange, type AdoptionProps, type ProtectionProps } from "./props";
import { singlePolicyRole } from "./single-policy-role";

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
    requireRange(this, "maxSessionDurationSeconds", props.maxSessionDurationSeconds, ROLE_SESSION_SECONDS.min, ROLE_SESSION_SECONDS.max, "seconds");
    const role = singlePolicyRole(this, {
      ...props,
      description: "Amazon Connect sign-in through IAM Identity Center (SAML)",
      trustPolicy: federationTrustPolicy(props.samlProviderArn, props.audiences),
      maxSessionDuration: props.maxSessionDurationSeconds,
      policyName: "connect-federation",
      policy: federationPermissionsPolicy(props.instanceArn),
      logicalIds: { role: "federation_role", policy: "federation_policy" },
    });
    // An adopted role made by hand is imported; its trust, session length and policies are then set
    // to this construct's (other inline and managed policies are removed).
    if (adoptedNames(this, props, new Set([props.roleName]), `this role's name ${JSON.stringify(props.roleName)}`).length > 0) role.importFrom(props.roleName);
    this.arn = role.arn;
  }
}
