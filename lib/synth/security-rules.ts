/**
 * Security rules on a synthesized stack (Terraform JSON): what checkov, cdk-nag and IAM Access
 * Analyzer would say of its roles and state bucket, checked at synth because no scanner runs here.
 *
 * Each role is checked for what it is for, known by its Terraform name: the SAML federation role
 * of a main stack, or a pipeline role of a bootstrap stack. A role the rules do not know is a
 * violation (fail closed), and so is a policy that belongs to no role they know.
 */
import {
  githubOidcAudience,
  githubOidcProviderArn,
  GITHUB_OIDC_HOST,
  GITHUB_OIDC_URL,
  partitionOf,
  PIPELINE_RESOURCE_NAMES,
  samlAudience,
  type Partition,
} from "../rules/naming";
import { CONNECT_TOKEN_ACTIONS } from "../rules/policies";

export interface Violation {
  readonly rule: string;
  /** Terraform address, such as `aws_iam_role.federation_role`. */
  readonly address: string;
  readonly message: string;
}

/** The rules, with where each comes from (listed in the README). */
export const RULES = {
  TRUST_PRINCIPAL: "trust policy principal is only a SAML provider of this stack (IAM Access Analyzer)",
  TRUST_ACTION: "trust policy action is only sts:AssumeRoleWithSAML (IAM Access Analyzer)",
  TRUST_AUDIENCE: "trust policy requires SAML:aud of the partition's sign-in endpoint (aws-cdk #22091, #24243, #25723)",
  POLICY_ACTION: "inline policy allows only connect:GetFederationToken, no wildcards (checkov CKV_AWS_62/63/286-290, cdk-nag AwsSolutions-IAM5)",
  POLICY_RESOURCE: "inline policy resource is one instance's users, or * only with connect:InstanceId (checkov CKV_AWS_355, cdk-nag AwsSolutions-IAM5)",
  NO_MANAGED_POLICIES: "the role has no managed policies (cdk-nag AwsSolutions-IAM4)",
  NO_INLINE_POLICY_BLOCKS: "the role's permissions are aws_iam_role_policy resources these rules check, not inline_policy blocks on the role",
  SESSION_LENGTH: "role sessions last at most 12 hours (IAM limit)",
  ROLE_KNOWN: "every IAM role is one the rules know what it is for: the federation role or a pipeline role (fail closed)",
  POLICY_ROLE_KNOWN: "every inline policy belongs to a role of this stack the rules know (fail closed)",
  PIPELINE_TRUST:
    "a pipeline role trusts only GitHub's OIDC provider of this account, for sts:AssumeRoleWithWebIdentity, with the token's aud (StringEquals) and literal sub claims (no wildcards) of one repository",
  PIPELINE_SUBJECTS:
    "the plan role accepts pull requests and main only; the apply role only jobs of the GitHub environment named after its environment (its protection rules gate applies)",
  PIPELINE_DENY_TOKENS:
    "a pipeline role explicitly denies connect:GetFederationToken and connect:AdminGetEmergencyAccessToken on * (read-only Connect rights would let any pull request mint an admin's Connect session)",
  PIPELINE_NO_WILDCARD_ACTIONS: "a pipeline role's policy names each action it allows: no * or ?, no NotAction (cdk-nag AwsSolutions-IAM5)",
  PIPELINE_PLAN_READ_ONLY: "the plan role (assumable from any pull request) allows only reads: Get/List/Describe/Search actions and kms:Decrypt",
  GITHUB_OIDC_PROVIDER: "an OIDC provider is GitHub's (https://token.actions.githubusercontent.com) with the partition's STS audience as its only client ID",
  STATE_BUCKET_KEPT: "the state bucket refuses destruction: prevent_destroy, no force_destroy",
  STATE_BUCKET_VERSIONING: "the state bucket keeps versions (aws_s3_bucket_versioning status Enabled)",
  STATE_BUCKET_PUBLIC_ACCESS: "the state bucket blocks public access (all four public access block settings true)",
  STATE_BUCKET_ENCRYPTION: "the state bucket encrypts by default: aws:kms with a key, or AES256",
  STATE_BUCKET_TLS: "the state bucket's policy denies every request without TLS (aws:SecureTransport false)",
  STATE_BUCKET_LIFECYCLE: "the state bucket expires old versions of every object after a number of days",
  STATE_BUCKET_OWNERSHIP: "the state bucket disables ACLs (object ownership BucketOwnerEnforced)",
} as const;

type RuleId = keyof typeof RULES;

type RoleKind = "federation" | "plan" | "apply";

/** What each role is for, by its Terraform name; it decides the role's rules. */
const ROLE_KINDS: Readonly<Record<string, RoleKind>> = {
  federation_role: "federation",
  [PIPELINE_RESOURCE_NAMES.plan.role]: "plan",
  [PIPELINE_RESOURCE_NAMES.apply.role]: "apply",
};

/** Resource types the rules read: synth resolves only these (and the providers), not the users map. */
export const CHECKED_RESOURCE_TYPES = [
  "aws_iam_role",
  "aws_iam_role_policy",
  "aws_iam_saml_provider",
  "aws_iam_role_policy_attachment",
  "aws_iam_policy_attachment",
  "aws_iam_role_policy_attachments_exclusive",
  "aws_iam_openid_connect_provider",
  "aws_s3_bucket",
  "aws_s3_bucket_versioning",
  "aws_s3_bucket_public_access_block",
  "aws_s3_bucket_server_side_encryption_configuration",
  "aws_s3_bucket_policy",
  "aws_s3_bucket_lifecycle_configuration",
  "aws_s3_bucket_ownership_controls",
] as const;

type Json = Record<string, unknown>;
type Statement = Record<string, unknown>;
type Fail = (rule: RuleId, address: string, message: string) => void;

/** What the rules know of the stack besides the resource being checked. */
interface StackContext {
  readonly partition?: Partition;
  /** The account the provider is limited to (`allowed_account_ids`), when exactly one. */
  readonly account?: string;
  readonly tf: Json;
}

const asList = (value: unknown): unknown[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]);
const asObject = (value: unknown): Json | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined);
/** A nested block: cdktf writes one as an object, Terraform JSON also allows a list of them. */
const blocks = (value: unknown): Json[] =>
  asList(value)
    .map(asObject)
    .filter((b): b is Json => b !== undefined);

function statements(policy: unknown): Statement[] | string {
  if (typeof policy !== "string") return "is not a JSON policy string";
  try {
    return asList((JSON.parse(policy) as Json).Statement) as Statement[];
  } catch {
    return "does not parse as JSON";
  }
}

function resources(tf: Json, type: string): Array<[string, Json]> {
  const byName = ((tf.resource as Json | undefined)?.[type] ?? {}) as Record<string, Json>;
  return Object.entries(byName).map(([name, body]) => [`${type}.${name}`, body]);
}

/** The Terraform name of the resource of `type` that `value` references (`${type.name.attr}`), if it is only that. */
function referencedName(value: unknown, type: string, attributes: ReadonlyArray<string>): string | undefined {
  const match = typeof value === "string" ? new RegExp(`^\\$\\{${type}\\.(\\w+)\\.(\\w+)\\}$`).exec(value) : null;
  return match && attributes.includes(match[2]) ? match[1] : undefined;
}

/**
 * IAM's wildcard match (`*` any run of characters, `?` one): actions compare ignoring case,
 * resource ARNs exactly.
 */
export function wildcardMatches(pattern: string, value: string, kind: "action" | "resource"): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".")}$`,
    kind === "action" ? "i" : "",
  );
  return re.test(value);
}

/** Checks one synthesized stack; returns every violation found. */
export function checkStack(tf: Json): Violation[] {
  const violations: Violation[] = [];
  const fail: Fail = (rule, address, message) => violations.push({ rule, address, message });
  const provider = ((tf.provider as Json | undefined)?.aws as Json[] | undefined)?.[0];
  const region = provider?.region;
  const accounts = asList(provider?.allowed_account_ids);
  const ctx: StackContext = {
    partition: typeof region === "string" ? partitionOf(region) : undefined,
    account: accounts.length === 1 && typeof accounts[0] === "string" ? accounts[0] : undefined,
    tf,
  };

  for (const type of ["aws_iam_role_policy_attachment", "aws_iam_policy_attachment"]) {
    for (const [address] of resources(tf, type)) fail("NO_MANAGED_POLICIES", address, "attaches a managed policy; a role may hold only its inline policy");
  }
  // The exclusive attachment resource is how a stack enforces "none": it must list none.
  for (const [address, body] of resources(tf, "aws_iam_role_policy_attachments_exclusive")) {
    if (asList(body.policy_arns).length > 0) fail("NO_MANAGED_POLICIES", address, `attaches ${JSON.stringify(body.policy_arns)}; allowed: policy_arns = []`);
  }

  // Each inline policy belongs to the role it references.
  const policiesOf = new Map<string, Array<[string, Json]>>();
  for (const [address, body] of resources(tf, "aws_iam_role_policy")) {
    const role = referencedName(body.role, "aws_iam_role", ["id", "name"]);
    const kind = role === undefined ? undefined : ROLE_KINDS[role];
    if (role === undefined || kind === undefined || !resources(tf, "aws_iam_role").some(([a]) => a === `aws_iam_role.${role}`)) {
      fail(
        "POLICY_ROLE_KNOWN",
        address,
        `is attached to ${JSON.stringify(body.role)}; allowed: a reference to a role of this stack the rules know (${Object.keys(ROLE_KINDS)
          .map((n) => `aws_iam_role.${n}`)
          .join(", ")})`,
      );
      continue;
    }
    policiesOf.set(role, [...(policiesOf.get(role) ?? []), [address, body]]);
    if (kind === "federation") checkFederationPolicy(address, body, fail);
    else checkPipelinePolicy(address, body, kind, fail);
  }

  const repositories = new Map<string, string[]>();
  for (const [address, role] of resources(tf, "aws_iam_role")) {
    const name = address.slice("aws_iam_role.".length);
    const kind = ROLE_KINDS[name];
    if (kind === undefined) {
      fail(
        "ROLE_KNOWN",
        address,
        `unknown role: the rules do not know what it is for; allowed: ${Object.keys(ROLE_KINDS)
          .map((n) => `aws_iam_role.${n}`)
          .join(", ")}, each checked for its purpose`,
      );
      continue;
    }
    if (asList(role.managed_policy_arns).length > 0)
      fail(
        "NO_MANAGED_POLICIES",
        address,
        `role ${JSON.stringify(role.name)} sets managed_policy_arns; allowed: none (its permissions are its aws_iam_role_policy)`,
      );
    if (asList(role.inline_policy).length > 0) {
      fail(
        "NO_INLINE_POLICY_BLOCKS",
        address,
        `role ${JSON.stringify(role.name)} sets inline_policy blocks; allowed: none (its permissions are an aws_iam_role_policy resource the rules check)`,
      );
    }
    const seconds = role.max_session_duration;
    if (typeof seconds !== "number" || seconds > 43200)
      fail("SESSION_LENGTH", address, `max_session_duration is ${JSON.stringify(seconds)}; allowed: 3600..43200`);
    if (kind === "federation") {
      checkFederationTrust(address, role, ctx, fail);
    } else {
      for (const repository of checkPipelineTrust(address, role, kind, ctx, fail))
        repositories.set(repository, [...(repositories.get(repository) ?? []), address]);
      checkDeniesTokens(address, policiesOf.get(name) ?? [], fail);
    }
  }
  if (repositories.size > 1) {
    const named = [...repositories.keys()].sort().join(", ");
    for (const address of new Set([...repositories.values()].flat()))
      fail("PIPELINE_TRUST", address, `the stack's pipeline roles trust several repositories (${named}); allowed: one`);
  }

  checkOidcProviders(ctx, fail);
  checkStateBuckets(ctx, fail);
  return violations;
}

// ---- The SAML federation role (main stacks) ----

function checkFederationTrust(address: string, role: Json, ctx: StackContext, fail: Fail): void {
  const trust = statements(role.assume_role_policy);
  if (typeof trust === "string") {
    fail("TRUST_PRINCIPAL", address, `assume_role_policy ${trust}`);
    return;
  }
  const providerNames = new Set(resources(ctx.tf, "aws_iam_saml_provider").map(([a]) => a));
  for (const [i, s] of trust.entries()) {
    const where = `assume_role_policy statement ${i}`;
    const principal = asObject(s.Principal);
    const federated = principal ? asList(principal.Federated) : [];
    const ownProvider = (p: unknown) => typeof p === "string" && [...providerNames].some((a) => p === `\${${a}.arn}`);
    if (s.Effect !== "Allow" || !principal || Object.keys(principal).join() !== "Federated" || federated.length !== 1 || !ownProvider(federated[0])) {
      fail(
        "TRUST_PRINCIPAL",
        address,
        `${where} trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)}; allowed: only Federated = this stack's aws_iam_saml_provider`,
      );
    }
    const actions = asList(s.Action);
    if (actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithSAML" || s.NotAction) {
      fail("TRUST_ACTION", address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "sts:AssumeRoleWithSAML" only`);
    }
    const audience = asObject(asObject(s.Condition)?.StringEquals)?.["SAML:aud"];
    const expected = ctx.partition ? samlAudience(ctx.partition) : undefined;
    if (!expected || asList(audience).length !== 1 || asList(audience)[0] !== expected) {
      fail(
        "TRUST_AUDIENCE",
        address,
        `${where} requires SAML:aud ${JSON.stringify(audience)}; allowed: ${JSON.stringify(expected ?? "the audience of a known partition")}`,
      );
    }
  }
}

function checkFederationPolicy(address: string, body: Json, fail: Fail): void {
  const policy = statements(body.policy);
  if (typeof policy === "string") {
    fail("POLICY_ACTION", address, `policy ${policy}`);
    return;
  }
  for (const [i, s] of policy.entries()) {
    const where = `policy statement ${i}`;
    if (s.Effect !== "Allow") continue;
    const actions = asList(s.Action);
    if (s.NotAction || actions.length === 0 || actions.some((a) => a !== "connect:GetFederationToken")) {
      fail("POLICY_ACTION", address, `${where} allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "connect:GetFederationToken" only`);
    }
    const condition = asObject(asObject(s.Condition)?.StringEquals);
    const instanceCondition = condition && Object.keys(condition).some((k) => k.toLowerCase() === "connect:instanceid");
    for (const r of s.NotResource ? ["NotResource"] : asList(s.Resource)) {
      const scoped =
        typeof r === "string" &&
        /^(arn:[\w-]+:connect:[\w-]+:\d{12}:instance\/[0-9a-f-]{36}|\$\{aws_connect_instance\.\w+\.arn\})\/user\/\$\$\{aws:userid\}$/.test(r);
      if (!scoped && !(r === "*" && instanceCondition)) {
        fail(
          "POLICY_RESOURCE",
          address,
          `${where} applies to ${JSON.stringify(r)}; allowed: arn:<partition>:connect:<region>:<account>:instance/<id>/user/\${aws:userid}, or "*" with a connect:InstanceId condition`,
        );
      }
    }
  }
}

// ---- The pipeline's roles (bootstrap stacks) ----

const AUD = `${GITHUB_OIDC_HOST}:aud`;
const SUB = `${GITHUB_OIDC_HOST}:sub`;

/** Checks a pipeline role's trust; returns the repositories its `sub` conditions name. */
function checkPipelineTrust(address: string, role: Json, kind: "plan" | "apply", ctx: StackContext, fail: Fail): string[] {
  const trust = statements(role.assume_role_policy);
  if (typeof trust === "string" || trust.length === 0) {
    fail(
      "PIPELINE_TRUST",
      address,
      `assume_role_policy ${typeof trust === "string" ? trust : "has no statement"}; allowed: one statement trusting GitHub's OIDC provider`,
    );
    return [];
  }
  const audience = ctx.partition ? githubOidcAudience(ctx.partition) : undefined;
  const ownProviders = new Set([
    ...resources(ctx.tf, "aws_iam_openid_connect_provider").map(([a]) => `\${${a}.arn}`),
    ...(ctx.partition && ctx.account ? [githubOidcProviderArn(ctx.partition, ctx.account)] : []),
  ]);
  const repositories: string[] = [];
  for (const [i, s] of trust.entries()) {
    const where = `assume_role_policy statement ${i}`;
    const problems: string[] = [];
    const principal = asObject(s.Principal);
    const federated = principal ? asList(principal.Federated) : [];
    if (
      s.Effect !== "Allow" ||
      !principal ||
      Object.keys(principal).join() !== "Federated" ||
      federated.length !== 1 ||
      !ownProviders.has(federated[0] as string)
    ) {
      problems.push(
        `trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)}; allowed: only Federated = GitHub's OIDC provider of account ${ctx.account ?? "<the provider's allowed account>"}`,
      );
    }
    const actions = asList(s.Action);
    if (s.NotAction || actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithWebIdentity") {
      problems.push(`allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "sts:AssumeRoleWithWebIdentity" only`);
    }
    const condition = asObject(s.Condition) ?? {};
    const equals = asObject(condition.StringEquals) ?? {};
    const like = asObject(condition.StringLike) ?? {};
    const extra = [
      ...Object.keys(condition).filter((op) => op !== "StringEquals" && op !== "StringLike"),
      ...Object.keys(equals).filter((k) => k !== AUD && k !== SUB),
      ...Object.keys(like).filter((k) => k !== SUB),
    ];
    if (extra.length > 0) problems.push(`has conditions ${JSON.stringify(extra)}; allowed: StringEquals ${AUD}, and ${SUB} under StringEquals or StringLike`);
    const aud = asList(equals[AUD]);
    if (!audience || aud.length !== 1 || aud[0] !== audience)
      problems.push(`requires ${AUD} ${JSON.stringify(equals[AUD])}; allowed: exactly ${JSON.stringify(audience ?? "the STS audience of a known partition")}`);
    const subs = [...asList(equals[SUB]), ...asList(like[SUB])];
    if (subs.length === 0) problems.push(`has no ${SUB} condition: any repository's workflow could assume it`);
    for (const sub of subs) {
      const parsed = typeof sub === "string" ? /^repo:([^:*?]+\/[^:*?]+):([^*?]+)$/.exec(sub) : null;
      if (!parsed) {
        problems.push(`accepts sub ${JSON.stringify(sub)}; allowed: repo:<owner>/<name>:<context>, literal (no * or ?)`);
        continue;
      }
      repositories.push(parsed[1]);
      const subjectProblem = kind === "plan" ? planSubjectProblem(parsed[2]) : applySubjectProblem(parsed[2], role.name);
      if (subjectProblem) fail("PIPELINE_SUBJECTS", address, `${where} accepts sub ${JSON.stringify(sub)}; ${subjectProblem}`);
    }
    for (const problem of problems) fail("PIPELINE_TRUST", address, `${where} ${problem}`);
  }
  return [...new Set(repositories)];
}

function planSubjectProblem(context: string): string | undefined {
  return context === "pull_request" || context === "ref:refs/heads/main" ? undefined : "allowed for the plan role: pull_request and ref:refs/heads/main";
}

/** The apply role of `connect-sso-<env>-apply` accepts only jobs of GitHub environment `<env>`. */
function applySubjectProblem(context: string, roleName: unknown): string | undefined {
  const environment = typeof roleName === "string" ? /^connect-sso-(.+)-apply$/.exec(roleName)?.[1] : undefined;
  if (environment === undefined)
    return `the role's name ${JSON.stringify(roleName)} names no environment; allowed: connect-sso-<env>-apply, accepting environment:<env>`;
  return context === `environment:${environment}` ? undefined : `allowed for the apply role of ${environment}: environment:${environment} only`;
}

function checkPipelinePolicy(address: string, body: Json, kind: "plan" | "apply", fail: Fail): void {
  const policy = statements(body.policy);
  if (typeof policy === "string") {
    fail("PIPELINE_NO_WILDCARD_ACTIONS", address, `policy ${policy}`);
    return;
  }
  for (const [i, s] of policy.entries()) {
    if (s.Effect !== "Allow") continue;
    const where = `policy statement ${i}${typeof s.Sid === "string" ? ` (${s.Sid})` : ""}`;
    if (s.NotAction !== undefined)
      fail("PIPELINE_NO_WILDCARD_ACTIONS", address, `${where} uses NotAction, which allows every other action; allowed: Action with explicit names`);
    const actions = asList(s.Action);
    const wild = actions.filter((a) => typeof a !== "string" || /[*?]/.test(a));
    if (wild.length > 0)
      fail("PIPELINE_NO_WILDCARD_ACTIONS", address, `${where} allows ${JSON.stringify(wild)}; allowed: explicit action names such as connect:DescribeUser`);
    if (kind === "plan") {
      const writes = actions.filter((a) => typeof a === "string" && !wild.includes(a) && !isReadAction(a));
      if (writes.length > 0)
        fail(
          "PIPELINE_PLAN_READ_ONLY",
          address,
          `${where} allows ${JSON.stringify(writes)}; allowed for the plan role: Get/List/Describe/Search actions and kms:Decrypt`,
        );
    }
  }
}

function isReadAction(action: string): boolean {
  if ((CONNECT_TOKEN_ACTIONS as ReadonlyArray<string>).some((t) => t.toLowerCase() === action.toLowerCase())) return false;
  return /^[a-z0-9-]+:(Get|List|Describe|Search)[A-Za-z0-9]*$/.test(action) || action === "kms:Decrypt";
}

/** The role's policies must deny both token actions on everything, without conditions. */
function checkDeniesTokens(address: string, policies: ReadonlyArray<[string, Json]>, fail: Fail): void {
  const denials = policies
    .flatMap(([, body]) => {
      const policy = statements(body.policy);
      return typeof policy === "string" ? [] : policy;
    })
    .filter(
      (s) => s.Effect === "Deny" && s.Condition === undefined && s.NotAction === undefined && s.NotResource === undefined && asList(s.Resource).includes("*"),
    );
  const missing = CONNECT_TOKEN_ACTIONS.filter(
    (token) => !denials.some((s) => asList(s.Action).some((a) => typeof a === "string" && wildcardMatches(a, token, "action"))),
  );
  if (missing.length > 0) {
    fail(
      "PIPELINE_DENY_TOKENS",
      address,
      `its policies do not deny ${missing.join(" and ")}; allowed: a statement Effect Deny, Action ${JSON.stringify(CONNECT_TOKEN_ACTIONS)}, Resource "*", no Condition`,
    );
  }
}

function checkOidcProviders(ctx: StackContext, fail: Fail): void {
  const audience = ctx.partition ? githubOidcAudience(ctx.partition) : undefined;
  for (const [address, body] of resources(ctx.tf, "aws_iam_openid_connect_provider")) {
    const clients = asList(body.client_id_list);
    if (body.url !== GITHUB_OIDC_URL || !audience || clients.length !== 1 || clients[0] !== audience) {
      fail(
        "GITHUB_OIDC_PROVIDER",
        address,
        `is ${JSON.stringify(body.url)} for client IDs ${JSON.stringify(body.client_id_list)}; allowed: ${GITHUB_OIDC_URL} for [${JSON.stringify(audience ?? "the STS audience of a known partition")}] only`,
      );
    }
  }
}

// ---- The state bucket (bootstrap stacks) ----

function checkStateBuckets(ctx: StackContext, fail: Fail): void {
  for (const [address, bucket] of resources(ctx.tf, "aws_s3_bucket")) {
    const name = JSON.stringify(bucket.bucket);
    // The bucket's companion resources name it by reference (or by its literal name).
    const ownReferences = [`\${${address}.id}`, `\${${address}.bucket}`, bucket.bucket];
    const companions = (type: string) =>
      resources(ctx.tf, type)
        .filter(([, body]) => ownReferences.includes(body.bucket))
        .map(([, body]) => body);
    const check = (rule: RuleId, ok: boolean, missing: string) => {
      if (!ok) fail(rule, address, `bucket ${name} ${missing}`);
    };

    check(
      "STATE_BUCKET_KEPT",
      asObject(bucket.lifecycle)?.prevent_destroy === true && bucket.force_destroy !== true,
      "may be destroyed; allowed: lifecycle { prevent_destroy = true } and no force_destroy",
    );
    check(
      "STATE_BUCKET_VERSIONING",
      companions("aws_s3_bucket_versioning").some((v) => blocks(v.versioning_configuration).some((c) => c.status === "Enabled")),
      "has no aws_s3_bucket_versioning with status Enabled",
    );
    check(
      "STATE_BUCKET_PUBLIC_ACCESS",
      companions("aws_s3_bucket_public_access_block").some((b) =>
        ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"].every((k) => b[k] === true),
      ),
      "has no aws_s3_bucket_public_access_block with all four settings true",
    );
    check(
      "STATE_BUCKET_ENCRYPTION",
      companions("aws_s3_bucket_server_side_encryption_configuration").some((c) => {
        const defaults = blocks(c.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
        return (
          defaults.length > 0 &&
          defaults.every(
            (d) => d.sse_algorithm === "AES256" || (d.sse_algorithm === "aws:kms" && typeof d.kms_master_key_id === "string" && d.kms_master_key_id !== ""),
          )
        );
      }),
      "has no default encryption; allowed: aws_s3_bucket_server_side_encryption_configuration with sse_algorithm AES256, or aws:kms with kms_master_key_id",
    );
    const arns = [`\${${address}.arn}`, ...(ctx.partition && typeof bucket.bucket === "string" ? [`arn:${ctx.partition}:s3:::${bucket.bucket}`] : [])];
    check(
      "STATE_BUCKET_TLS",
      companions("aws_s3_bucket_policy").some((p) => deniesPlainHttp(p.policy, arns)),
      'has no bucket policy denying requests without TLS; allowed: a statement Effect Deny, Principal "*", Action "s3:*", Resource [bucket, bucket/*], Condition Bool aws:SecureTransport "false"',
    );
    check(
      "STATE_BUCKET_LIFECYCLE",
      companions("aws_s3_bucket_lifecycle_configuration").some((l) => blocks(l.rule).some(expiresOldVersions)),
      "has no lifecycle rule expiring noncurrent versions of every object; allowed: a rule with status Enabled, no filter narrower than the bucket, noncurrent_version_expiration { noncurrent_days >= 1 }",
    );
    check(
      "STATE_BUCKET_OWNERSHIP",
      companions("aws_s3_bucket_ownership_controls").some((o) => blocks(o.rule).some((r) => r.object_ownership === "BucketOwnerEnforced")),
      "keeps ACLs; allowed: aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced",
    );
  }
}

function deniesPlainHttp(policy: unknown, bucketArns: ReadonlyArray<string>): boolean {
  const parsed = statements(policy);
  if (typeof parsed === "string") return false;
  return parsed.some((s) => {
    const principal = s.Principal === "*" || asList(asObject(s.Principal)?.AWS).includes("*");
    const targets = asList(s.Resource);
    const coversBucket = bucketArns.some((arn) => targets.includes(arn) && targets.includes(`${arn}/*`));
    const secure = asObject(asObject(s.Condition)?.Bool)?.["aws:SecureTransport"];
    return (
      s.Effect === "Deny" &&
      principal &&
      asList(s.Action).includes("s3:*") &&
      coversBucket &&
      (secure === "false" || secure === false) &&
      Object.keys(asObject(s.Condition) ?? {}).join() === "Bool"
    );
  });
}

/** An enabled rule for the whole bucket that expires noncurrent versions. */
function expiresOldVersions(rule: Json): boolean {
  const filters = blocks(rule.filter);
  const wholeBucket =
    (rule.prefix === undefined || rule.prefix === "") && filters.every((f) => Object.entries(f).every(([k, v]) => k === "prefix" && v === ""));
  const days = blocks(rule.noncurrent_version_expiration).map((e) => e.noncurrent_days);
  return rule.status === "Enabled" && wholeBucket && days.some((d) => typeof d === "number" && Number.isInteger(d) && d >= 1);
}
