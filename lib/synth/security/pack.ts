/**
 * The security rule pack: what checkov, cdk-nag and IAM Access Analyzer would say of a
 * synthesized stack's roles and state bucket, checked at synth because no scanner runs here.
 * A rule counts only by being listed here; its id, text and the resource types it reads come
 * from its own file, so they cannot drift apart.
 *
 * Each role is checked for what it is for, known by its Terraform name (see view.ts): the SAML
 * federation role of a main stack, or a pipeline role of a bootstrap stack. A role the rules do
 * not know is a violation (fail closed), and so is a policy that belongs to no role they know.
 */
import { GITHUB_OIDC_PROVIDER } from "./github-oidc-provider";
import { IDENTITY_CENTER_TRUST } from "./identity-center-trust";
import { NO_INLINE_POLICY_BLOCKS } from "./no-inline-policy-blocks";
import { NO_MANAGED_POLICIES } from "./no-managed-policies";
import { PIPELINE_DENY_TOKENS } from "./pipeline-deny-tokens";
import { PIPELINE_NO_WILDCARD_ACTIONS } from "./pipeline-no-wildcard-actions";
import { PIPELINE_PLAN_READ_ONLY } from "./pipeline-plan-read-only";
import { PIPELINE_SUBJECTS } from "./pipeline-subjects";
import { PIPELINE_TRUST } from "./pipeline-trust";
import { POLICY_ACTION } from "./policy-action";
import { POLICY_RESOURCE } from "./policy-resource";
import { POLICY_ROLE_KNOWN } from "./policy-role-known";
import { ROLE_KNOWN } from "./role-known";
import type { SecurityRule, Violation } from "./rule";
import { SESSION_LENGTH } from "./session-length";
import { STATE_BUCKET_ENCRYPTION } from "./state-bucket-encryption";
import { STATE_BUCKET_KEPT } from "./state-bucket-kept";
import { STATE_BUCKET_LIFECYCLE } from "./state-bucket-lifecycle";
import { STATE_BUCKET_OWNERSHIP } from "./state-bucket-ownership";
import { STATE_BUCKET_PUBLIC_ACCESS } from "./state-bucket-public-access";
import { STATE_BUCKET_TLS } from "./state-bucket-tls";
import { STATE_BUCKET_VERSIONING } from "./state-bucket-versioning";
import { TRUST_ACTION } from "./trust-action";
import { TRUST_AUDIENCE } from "./trust-audience";
import { TRUST_PRINCIPAL } from "./trust-principal";
import { stackView, type Json } from "./view";

/** Every rule, in the order synth reports their violations. */
export const PACK = [
  TRUST_PRINCIPAL,
  TRUST_ACTION,
  TRUST_AUDIENCE,
  POLICY_ACTION,
  POLICY_RESOURCE,
  NO_MANAGED_POLICIES,
  NO_INLINE_POLICY_BLOCKS,
  SESSION_LENGTH,
  ROLE_KNOWN,
  POLICY_ROLE_KNOWN,
  PIPELINE_TRUST,
  PIPELINE_SUBJECTS,
  PIPELINE_DENY_TOKENS,
  PIPELINE_NO_WILDCARD_ACTIONS,
  PIPELINE_PLAN_READ_ONLY,
  IDENTITY_CENTER_TRUST,
  GITHUB_OIDC_PROVIDER,
  STATE_BUCKET_KEPT,
  STATE_BUCKET_VERSIONING,
  STATE_BUCKET_PUBLIC_ACCESS,
  STATE_BUCKET_ENCRYPTION,
  STATE_BUCKET_TLS,
  STATE_BUCKET_LIFECYCLE,
  STATE_BUCKET_OWNERSHIP,
] as const;

export type RuleId = (typeof PACK)[number]["id"];

/** Each rule's text (what it enforces, and its source) by id: printed with every violation. */
export const RULES = Object.fromEntries(PACK.map((rule) => [rule.id, rule.why])) as Readonly<Record<RuleId, string>>;

/** Resource types the rules read: synth resolves only these (and the providers), not the users map. */
export const CHECKED_RESOURCE_TYPES: ReadonlyArray<string> = [...new Set(PACK.flatMap((rule) => rule.reads))];

/** One rule on one stack, seeing only the resource types it declares. */
export function checkRule(rule: SecurityRule, tf: Json): Violation[] {
  return rule.check(stackView(tf, rule.reads));
}

/** Checks one synthesized stack against every rule of the pack; returns every violation found. */
export function checkStack(tf: Json): Violation[] {
  return PACK.flatMap((rule) => checkRule(rule, tf));
}
