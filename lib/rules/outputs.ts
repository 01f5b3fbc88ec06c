/**
 * Names of the stacks' Terraform outputs: `cdktf output`, the console sheet and the plan review
 * read them by these names, so they are defined here and nowhere else.
 */

/** Outputs of an environment's main stack. */
export const MAIN_STACK_OUTPUTS = {
  /** Relay state of the Identity Center application. */
  relayStateUrl: "relay_state_url",
  samlProviderArn: "saml_provider_arn",
  federationRoleArn: "federation_role_arn",
  /** Value of the `https://aws.amazon.com/SAML/Attributes/Role` attribute mapping. */
  roleAttributeValue: "sso_role_attribute_value",
} as const;

/** Outputs of an environment's bootstrap stack: what a workflow and its administrator need. */
export const BOOTSTRAP_STACK_OUTPUTS = {
  stateBucketName: "state_bucket_name",
  githubOidcProviderArn: "github_oidc_provider_arn",
  planRoleArn: "plan_role_arn",
  applyRoleArn: "apply_role_arn",
  /** The body of GitHub's OIDC subject customization call the roles' trusts expect. */
  githubOidcSubjectCustomization: "github_oidc_subject_customization",
} as const;

/** Outputs of an environment's Identity Center bootstrap stack (identityCenter.account). */
export const IDENTITY_CENTER_BOOTSTRAP_OUTPUTS = {
  planRoleArn: "identity_center_plan_role_arn",
  applyRoleArn: "identity_center_apply_role_arn",
} as const;
