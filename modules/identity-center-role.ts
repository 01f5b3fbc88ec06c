/**
 * A role in Identity Center's account (when it is not the environment's) that one pipeline role
 * chains into: `plan` reads the application's assignments and the identity store, `apply` also
 * writes them. It trusts only that pipeline role and holds exactly one inline policy.
 */
import { Construct } from "constructs";
import { chainedRoleTrustPolicy, type PipelineRoleKind, type PolicyDocument } from "../lib/rules/policies";
import { IAM_ROLE_ARN, PIPELINE_RESOURCE_NAMES } from "../lib/rules/naming";
import { requireMatch, type ProtectionProps } from "./props";
import { singlePolicyRole } from "./single-policy-role";

export interface IdentityCenterRoleProps extends ProtectionProps {
  readonly kind: PipelineRoleKind;
  /** Role name, such as `connect-sso-prod-ic-plan` (see identityCenterRoleName). */
  readonly roleName: string;
  /** The pipeline role of the same kind, in the environment's account: the only principal trusted. */
  readonly pipelineRoleArn: string;
  /** The role's only permissions (see identityCenterRolePolicy). */
  readonly policy: PolicyDocument;
}

export class IdentityCenterRole extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: IdentityCenterRoleProps) {
    super(scope, id);
    requireMatch(
      this,
      "pipelineRoleArn",
      props.pipelineRoleArn,
      IAM_ROLE_ARN,
      "one IAM role ARN, such as arn:aws:iam::111122223333:role/connect-sso-prod-plan",
    );
    const role = singlePolicyRole(this, {
      ...props,
      description:
        props.kind === "plan"
          ? "connect-sso pipeline: reads the Amazon Connect application's assignments (plans, drift)"
          : "connect-sso pipeline: assigns users and groups to the Amazon Connect application (applies)",
      trustPolicy: chainedRoleTrustPolicy(props.pipelineRoleArn),
      // A chained session lasts at most an hour (IAM); the provider renews it.
      maxSessionDuration: 3600,
      policyName: "connect-sso-identity-center",
      logicalIds: PIPELINE_RESOURCE_NAMES[props.kind === "plan" ? "identityCenterPlan" : "identityCenterApply"],
    });
    this.arn = role.arn;
  }
}
