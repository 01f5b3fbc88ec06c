/**
 * The roles a GitHub workflow assumes for one environment: `plan` (pull requests and drift runs on
 * main; read-only) and `apply` (jobs of the GitHub environment named after it; its protection
 * rules gate them). Each holds exactly one inline policy and no managed policy.
 */
import { Construct } from "constructs";
import { githubOidcTrustPolicy, type PipelineRoleKind, type PolicyDocument } from "../lib/rules/policies";
import { PIPELINE_RESOURCE_NAMES, PIPELINE_SESSION_SECONDS, PULL_REQUEST_REF } from "../lib/rules/naming";
import { ValidationError, type ProtectionProps } from "./props";
import { singlePolicyRole } from "./single-policy-role";

export interface PipelineRoleProps extends ProtectionProps {
  readonly kind: PipelineRoleKind;
  /** Role name, such as `connect-sso-prod-plan` (see pipelineRoleName). */
  readonly roleName: string;
  /** ARN of GitHub's OIDC provider in the role's account. */
  readonly providerArn: string;
  /** Required `aud` of GitHub's token. */
  readonly audience: string;
  /** Accepted `sub` claims of GitHub's token (see githubSubjects); literal, no wildcard but a pull request's number in its merge ref. */
  readonly subjects: ReadonlyArray<string>;
  /** The role's only permissions (see pipelinePolicy). */
  readonly policy: PolicyDocument;
}

export class PipelineRole extends Construct {
  public readonly arn: string;

  constructor(scope: Construct, id: string, props: PipelineRoleProps) {
    super(scope, id);
    // A pull request's number in its merge ref is the one wildcard (see githubSubjects).
    const wildcard = props.subjects.find((s) => /[*?]/.test(s.replace(`@${PULL_REQUEST_REF}`, "")));
    if (props.subjects.length === 0 || wildcard !== undefined) {
      throw new ValidationError(
        this,
        `subjects ${JSON.stringify(props.subjects)} are not valid; allowed: one or more literal sub claims, no * or ? but in @${PULL_REQUEST_REF}`,
      );
    }
    // Rights added by hand to a pipeline role are removed at the next apply of the bootstrap stack.
    const role = singlePolicyRole(this, {
      ...props,
      description:
        props.kind === "plan"
          ? "connect-sso pipeline: read-only plans from pull requests and main"
          : "connect-sso pipeline: applies from the GitHub environment",
      trustPolicy: githubOidcTrustPolicy(props.providerArn, props.audience, props.subjects),
      // The longest IAM allows: a refreshing plan or drift run of a large environment takes hours at
      // Connect's API rate (docs/scaling-users.md, "Cost of a plan"); a workflow asks for what it needs (`role-duration-seconds`).
      maxSessionDuration: PIPELINE_SESSION_SECONDS,
      policyName: "connect-sso-pipeline",
      logicalIds: PIPELINE_RESOURCE_NAMES[props.kind],
    });
    this.arn = role.arn;
  }
}
