/**
 * The attributes an in-place update may change without a reviewer's consent, per resource type.
 * The list is the gate's whole allowance: an attribute that is not here (a trust or permissions
 * policy, a maximum session, the SAML metadata, a user's security profiles, anything a new
 * provider version adds) and every attribute of a type that is not here needs consent.
 * Read it as a reviewer: each entry changes how someone is shown or routed, never who may sign in
 * or what they may do.
 */
export const HARMLESS_UPDATE_FIELDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  // Names, phone settings, routing and hierarchy are a contact center's daily work; security
  // profiles (security_profile_ids) grant permissions, so they are not here.
  aws_connect_user: ["identity_info", "phone_config", "routing_profile_id", "hierarchy_group_id", "tags", "tags_all"],
  aws_connect_instance: ["tags", "tags_all"],
  aws_iam_role: ["description", "tags", "tags_all"],
  aws_iam_saml_provider: ["tags", "tags_all"],
  aws_iam_openid_connect_provider: ["tags", "tags_all"],
  aws_s3_bucket: ["tags", "tags_all"],
};

/** The attributes of `changed` (top-level names) that need consent on an update of `type`. */
export function guardedFields(type: string, changed: ReadonlyArray<string>): string[] {
  const harmless = HARMLESS_UPDATE_FIELDS[type] ?? [];
  return changed.filter((field) => !harmless.includes(field));
}
