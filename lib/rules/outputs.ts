/**
 * The stacks' Terraform outputs: `cdktf output`, the console sheet and the plan review read them by
 * these names, the stacks describe them in these words, and docs/reference/stack-outputs.md is
 * generated from them, so they are defined here and nowhere else.
 */
import { GITHUB_WORKFLOWS } from "./naming";

/** One output of a stack. */
export interface StackOutput {
  /** The Terraform output name. */
  readonly name: string;
  /** What it holds; `<env>` and `<owner>/<repo>` stand for the environment's values (see outputDescription). */
  readonly description: string;
  /** When the stack has it, if not always. */
  readonly only?: string;
}

/** Outputs of an environment's main stack. */
export const MAIN_STACK_OUTPUTS = {
  relayStateUrl: {
    name: "relay_state_url",
    description: "Relay state of the Identity Center application: the Connect instance's federation URL, with the landing page when one is set",
  },
  samlProviderArn: { name: "saml_provider_arn", description: "ARN of the IAM SAML provider that holds the application's metadata" },
  federationRoleArn: { name: "federation_role_arn", description: "ARN of the federation role a sign-in assumes (sts:AssumeRoleWithSAML)" },
  roleAttributeValue: {
    name: "sso_role_attribute_value",
    description: "Value of the https://aws.amazon.com/SAML/Attributes/Role attribute mapping: the role ARN, a comma, the provider ARN",
  },
} as const satisfies Record<string, StackOutput>;

/** Outputs of an environment's bootstrap stack: what a workflow and its administrator need. */
export const BOOTSTRAP_STACK_OUTPUTS = {
  stateBucketName: {
    name: "state_bucket_name",
    description: "Bucket of the environment's Terraform state (backend.s3.bucket)",
    only: "when the bootstrap stack creates the bucket (pipeline.stateBucket.create, the default)",
  },
  githubOidcProviderArn: { name: "github_oidc_provider_arn", description: "ARN of GitHub's OIDC provider, which the plan and apply roles trust" },
  planRoleArn: { name: "plan_role_arn", description: "Role of pull-request plans and drift runs (read-only)" },
  applyRoleArn: { name: "apply_role_arn", description: `Role of applies, for jobs of the GitHub environment <env> in ${GITHUB_WORKFLOWS.main} on main` },
  githubOidcSubjectCustomization: {
    name: "github_oidc_subject_customization",
    description: "Body of PUT /repos/<owner>/<repo>/actions/oidc/customization/sub: the roles trust subjects that name the workflow file and ref",
  },
} as const satisfies Record<string, StackOutput>;

/** Outputs of an environment's Identity Center bootstrap stack (identityCenter.account). */
export const IDENTITY_CENTER_BOOTSTRAP_OUTPUTS = {
  planRoleArn: {
    name: "identity_center_plan_role_arn",
    description: "Role the pipeline's plan role chains into: reads the application's assignments and the identity store",
  },
  applyRoleArn: {
    name: "identity_center_apply_role_arn",
    description: "Role the pipeline's apply role chains into: assigns users and groups to the application",
  },
} as const satisfies Record<string, StackOutput>;

/**
 * An output's description for one environment: `<env>` becomes its name, `<owner>/<repo>` its
 * repository as the REST API names it (without the immutable form's `@<id>`).
 */
export function outputDescription(output: StackOutput, environment: { readonly name: string; readonly repository?: string }): string {
  return output.description
    .replace(/<env>/g, environment.name)
    .replace(/<owner>\/<repo>/g, environment.repository === undefined ? "<owner>/<repo>" : environment.repository.replace(/@\d+/g, ""));
}
