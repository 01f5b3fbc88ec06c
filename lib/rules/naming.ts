/**
 * Naming, ARN and URL rules: pure functions, partition-aware, unit-tested without synth.
 *
 * Every string AWS or the SSO console will compare against is built here and nowhere else.
 */

/** The AWS partitions whose Identity Center and IAM this project can target. */
export type Partition = "aws" | "aws-cn" | "aws-us-gov";

interface PartitionRules {
  /** Shape of the partition's region names. */
  readonly regionPattern: RegExp;
  /** The SAML sign-in endpoint: the role's `SAML:aud` and the application's ACS URL. */
  readonly signinSaml: string;
  /** Console host for the Connect federation relay state (undefined region = regionless host). */
  readonly consoleHost: (region: string) => string;
}

const PARTITIONS: Record<Partition, PartitionRules> = {
  aws: {
    // us-east-1, eu-central-2, ap-southeast-4, il-central-1, mx-central-1 ... (not gov, not iso).
    regionPattern: /^(?!us-gov-|us-iso)(af|ap|ca|eu|il|me|mx|sa|us)-(central|north|northeast|northwest|south|southeast|southwest|east|west)-\d{1,2}$/,
    signinSaml: "https://signin.aws.amazon.com/saml",
    consoleHost: (region) => `${region}.console.aws.amazon.com`,
  },
  "aws-cn": {
    regionPattern: /^cn-(north|northwest)-\d{1,2}$/,
    signinSaml: "https://signin.amazonaws.cn/saml",
    consoleHost: (region) => `${region}.console.amazonaws.cn`,
  },
  "aws-us-gov": {
    regionPattern: /^us-gov-(east|west)-\d{1,2}$/,
    signinSaml: "https://signin.amazonaws-us-gov.com/saml",
    // GovCloud's console has no region prefix in the federation URL.
    consoleHost: () => "console.amazonaws-us-gov.com",
  },
};

/** Regions of the isolated partitions: real regions, but without Identity Center SAML apps for Connect. */
const ISOLATED_REGION = /^(us-iso|us-isob|us-isof|eu-isoe)-[a-z]+-\d{1,2}$/;

/** The partition a region belongs to, or undefined when the name is not a region of a supported partition. */
export function partitionOf(region: string): Partition | undefined {
  for (const [partition, rules] of Object.entries(PARTITIONS) as [Partition, PartitionRules][]) {
    if (rules.regionPattern.test(region)) return partition;
  }
  return undefined;
}

/** Why a region name is refused, for the error message; undefined when it is valid. */
export function regionProblem(region: string): string | undefined {
  if (partitionOf(region)) return undefined;
  if (ISOLATED_REGION.test(region)) {
    return "isolated partitions (aws-iso*) are not supported: Amazon Connect SAML sign-in through Identity Center is not offered there";
  }
  return "allowed: a region name such as us-west-2, eu-central-1, us-gov-west-1 or cn-north-1";
}

function rules(partition: Partition): PartitionRules {
  return PARTITIONS[partition];
}

/** `SAML:aud` the federation role must require: the partition's SAML sign-in endpoint. */
export function samlAudience(partition: Partition): string {
  return rules(partition).signinSaml;
}

/** The Application ACS URL to type into the Identity Center application (same endpoint as the audience). */
export function acsUrl(partition: Partition): string {
  return rules(partition).signinSaml;
}

/**
 * Host suffix of a partition's Regional sign-in endpoints (AWS General Reference, "AWS Sign-In
 * endpoints"); undefined where AWS lists none (GovCloud (US) lists only the partition's endpoint).
 */
const REGIONAL_SIGNIN_DOMAIN: Record<Partition, string | undefined> = {
  aws: "signin.aws.amazon.com",
  "aws-cn": "signin.amazonaws.cn",
  "aws-us-gov": undefined,
};

/** The Region whose own sign-in endpoint is the partition's (the table lists us-east-1 as signin.aws.amazon.com). */
const REGION_OF_PARTITION_ENDPOINT: Partial<Record<Partition, string>> = { aws: "us-east-1" };

/** The sign-in endpoints of a Region: the partition's one, and the Region's own when it has another. */
export function signinEndpoints(partition: Partition, region: string): { readonly partition: string; readonly regional?: string } {
  const domain = REGIONAL_SIGNIN_DOMAIN[partition];
  const own = domain && REGION_OF_PARTITION_ENDPOINT[partition] !== region ? `https://${region}.${domain}/saml` : undefined;
  return { partition: acsUrl(partition), ...(own ? { regional: own } : {}) };
}

/**
 * `SAML:aud` values the federation role admits: the partition's sign-in endpoint and the
 * environment Region's own. IAM takes `SAML:aud` from the response's Recipient, which is the
 * application's ACS URL, so either endpoint works as the ACS URL (the Regional one keeps sign-in
 * working when us-east-1's endpoint does not answer: AWS Security Blog, "How to use regional SAML
 * endpoints for failover").
 */
export function samlAudiences(partition: Partition, region: string): string[] {
  const { partition: own, regional } = signinEndpoints(partition, region);
  return regional ? [own, regional] : [own];
}

/** Landing pages the relay state can open after federation. */
export const DESTINATIONS = ["agent-app-v2", "ccp-v2-chat"] as const;
export type Destination = (typeof DESTINATIONS)[number];

const DESTINATION_QUERY: Record<Destination, string> = {
  "agent-app-v2": "?destination=%2Fagent-app-v2",
  "ccp-v2-chat": "?destination=%2Fccp-v2%2Fchat&new_domain=true",
};

/** Relay state URL of the Identity Center application: federates into one Connect instance. */
export function relayStateUrl(args: {
  readonly partition: Partition;
  readonly region: string;
  readonly instanceId: string;
  readonly destination?: Destination;
}): string {
  const base = `https://${rules(args.partition).consoleHost(args.region)}/connect/federate/${args.instanceId}`;
  return args.destination ? base + DESTINATION_QUERY[args.destination] : base;
}

export function samlProviderArn(partition: Partition, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:saml-provider/${name}`;
}

export function roleArn(partition: Partition, account: string, name: string): string {
  return `arn:${partition}:iam::${account}:role/${name}`;
}

export function connectInstanceArn(partition: Partition, region: string, account: string, instanceId: string): string {
  return `arn:${partition}:connect:${region}:${account}:instance/${instanceId}`;
}

/**
 * Resource of the federation policy: only the Connect user whose name is the caller's session name.
 * `$${...}` is Terraform's escape, so AWS receives the IAM policy variable `${aws:userid}`.
 */
export function federationTokenResource(instanceArn: string): string {
  return `${instanceArn}/user/$\${aws:userid}`;
}

/** Value of the `https://aws.amazon.com/SAML/Attributes/Role` mapping: role ARN, comma, provider ARN, no space. */
export function roleAttributeValue(roleArnValue: string, providerArnValue: string): string {
  return `${roleArnValue},${providerArnValue}`;
}

/** The three attribute mappings of the Identity Center application (names are case-sensitive). */
export function attributeMappings(roleAttribute: string): ReadonlyArray<{ attribute: string; value: string; format: string }> {
  return [
    { attribute: "Subject", value: "${user:email}", format: "emailAddress" },
    { attribute: "https://aws.amazon.com/SAML/Attributes/RoleSessionName", value: "${user:email}", format: "unspecified" },
    { attribute: "https://aws.amazon.com/SAML/Attributes/Role", value: roleAttribute, format: "unspecified" },
  ];
}

/** Every stack's name starts with this, then the environment name (see stackName). */
export const STACK_PREFIX = "connect-sso-";

/** Stack name of an environment. */
export function stackName(environment: string): string {
  return `${STACK_PREFIX}${environment}`;
}

/** Default IAM names (SAML provider and role) of an environment. */
export function defaultIamName(environment: string): string {
  return `AmazonConnectSSO-${environment}`;
}

/** S3 state key of an environment's stack. */
export function defaultStateKey(environment: string): string {
  return `connect-sso/${environment}/terraform.tfstate`;
}

/** S3 state key of users stack `n` (`*`: of every users stack, as a pattern): a `users-<n>/` folder beside the main stack's key. */
export function usersStateKey(mainKey: string, n: number | "*"): string {
  const slash = mainKey.lastIndexOf("/");
  return `${mainKey.slice(0, slash + 1)}users-${n}/${mainKey.slice(slash + 1)}`;
}

/** An IAM role's maximum session duration, in seconds: IAM allows 1 to 12 hours. */
export const ROLE_SESSION_SECONDS = { min: 3600, max: 43200 } as const;
/** The longest a GitHub-hosted job runs (six hours): no pipeline job needs a longer session. */
export const PIPELINE_SESSION_SECONDS = 21600;

/** Role sessions must last at least as long as the application session. */
export function maxSessionDurationSeconds(sessionDurationHours: number): number {
  return Math.min(ROLE_SESSION_SECONDS.max, Math.max(ROLE_SESSION_SECONDS.min, Math.ceil(sessionDurationHours * 3600)));
}

// ---- Name and value patterns (AWS API references; see docs/reference/facts.md) ----

/** Environment names become stack names, state keys and default IAM names. */
// Not ending in -users-<n>, -bootstrap or -identity-center: that would name another environment's users or bootstrap stacks.
export const ENVIRONMENT_NAME = /^(?!.*-(users-\d+|bootstrap|identity-center)$)[a-z][a-z0-9-]{0,30}$/;
export const ACCOUNT_ID = /^\d{12}$/;
export const CONNECT_INSTANCE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Connect instance aliases: 1..45 letters, digits and inner hyphens, not starting with `d-`. */
export const CONNECT_INSTANCE_ALIAS = /^(?!d-)(?=.{1,45}$)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
/** A Connect hierarchy group ID (the last part of its ARN, `…/agent-group/<id>`): 1..100 of letters, digits and hyphens. */
export const HIERARCHY_GROUP_ID = /^[A-Za-z0-9-]{1,100}$/;
/** An IAM role ARN (any partition), path allowed. */
export const IAM_ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** IAM role names: 1..64 of `[\w+=,.@-]`. */
export const IAM_ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** IAM SAML provider names (CreateSAMLProvider API pattern, stricter than the Terraform provider's check). */
export const SAML_PROVIDER_NAME = /^[\w._-]{1,128}$/;
/** Connect user IDs (ListUsers' Id): a lowercase UUID, as instance IDs are. */
export const CONNECT_USER_ID = CONNECT_INSTANCE_ID;
/** Connect user names: 2..64 of `[A-Za-z0-9_.@-]`. */
export const CONNECT_USERNAME = /^[a-zA-Z0-9_.@-]{2,64}$/;

/**
 * The two `aws_connect_user` blocks of a stack, keyed by user name: `fileGroups` holds the users whose
 * hierarchy group the file sets (or, when the environment leaves groups to the console, every user);
 * `consoleGroups` those whose group the console keeps while the environment manages others'.
 * Terraform's ignore_changes is per block, so a user moves between them (moved blocks) when that changes.
 */
export const CONNECT_USER_BLOCKS = { fileGroups: "connect_users", consoleGroups: "connect_users_console_group" } as const;
/** Their addresses without a key, as plans and states name them. */
export const CONNECT_USER_RESOURCES: ReadonlyArray<string> = Object.values(CONNECT_USER_BLOCKS).map((name) => `aws_connect_user.${name}`);
export const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/;
export const E164 = /^\+[1-9]\d{1,14}$/;
/** S3 bucket names: 3..63 of a-z 0-9 . -, starting and ending with a letter or digit. */
export const S3_BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
export const SSO_APPLICATION_ARN = /^arn:(aws|aws-cn|aws-us-gov):sso::\d{12}:application\/ssoins-[a-zA-Z0-9-.]{16}\/apl-[a-zA-Z0-9]{16}$/;
export const IDENTITY_STORE_ID = /^d-[0-9a-f]{10}$|^[0-9a-f]{8}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{4}\b-[0-9a-f]{12}$/;

/** Partition named inside an ARN. */
export function partitionOfArn(arn: string): string | undefined {
  return /^arn:([^:]+):/.exec(arn)?.[1];
}

/**
 * Start of the entityID Identity Center gives the SAML applications of an instance whose home
 * region is `region`: `https://portal.sso.<region>.amazonaws.com/saml/assertion/`, then the
 * instance's id. AWS shows this shape for the aws partition only. Assumed for the others: the host
 * of Identity Center's portal endpoint in the SDKs' endpoint rules, i.e. `amazonaws.com` in
 * aws-us-gov (portal.sso.us-gov-west-1.amazonaws.com) and `amazonaws.com.cn` in aws-cn
 * (portal.sso.cn-north-1.amazonaws.com.cn).
 */
export function identityCenterEntityIdPrefix(partition: Partition, region: string): string {
  const dnsSuffix: Record<Partition, string> = { aws: "amazonaws.com", "aws-us-gov": "amazonaws.com", "aws-cn": "amazonaws.com.cn" };
  return `https://portal.sso.${region}.${dnsSuffix[partition]}/saml/assertion/`;
}

// ---- The pipeline's identity and state: the bootstrap stack (see stacks/bootstrap-stack.ts) ----

const BOOTSTRAP_SUFFIX = "-bootstrap";

/** Stack of an environment's pipeline roles and state bucket, applied by an administrator. */
export function bootstrapStackName(environment: string): string {
  return `${stackName(environment)}${BOOTSTRAP_SUFFIX}`;
}

/** Whether a stack is an environment's bootstrap stack (applied by an administrator, never by the pipeline). */
export function isBootstrapStack(name: string): boolean {
  return (
    name.startsWith(STACK_PREFIX) && name.endsWith(BOOTSTRAP_SUFFIX) && /^[a-z][a-z0-9-]*$/.test(name.slice(STACK_PREFIX.length, -BOOTSTRAP_SUFFIX.length))
  );
}

/** Role a pipeline job assumes for an environment: `plan` (pull requests, drift) or `apply` (behind the GitHub environment). */
export function pipelineRoleName(environment: string, kind: "plan" | "apply"): string {
  return `${stackName(environment)}-${kind}`;
}

/**
 * Stack of the roles in Identity Center's own account (`identityCenter.account`), applied by that
 * account's administrator. It ends in `-bootstrap`, so the pipeline never plans or applies it.
 */
export function identityCenterBootstrapStackName(environment: string): string {
  return `${stackName(environment)}-identity-center${BOOTSTRAP_SUFFIX}`;
}

/**
 * Terraform variable of a main stack whose Identity Center is in `identityCenter.account`: which
 * of the roles there a run assumes, `plan` (default) or `apply` (the apply job sets
 * `TF_VAR_identity_center_role=apply`).
 */
export const IDENTITY_CENTER_ROLE_VARIABLE = "identity_center_role";

/**
 * Role in Identity Center's account that the pipeline role of the same kind chains into: `plan`
 * reads the application's assignments and the identity store, `apply` also writes them. At most
 * 12 + 31 + 9 characters, within IAM's 64.
 */
export function identityCenterRoleName(environment: string, kind: "plan" | "apply"): string {
  return `${stackName(environment)}-ic-${kind}`;
}

/** Issuer host of GitHub Actions' OIDC tokens: the IAM provider's URL and the prefix of its condition keys. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_URL = `https://${GITHUB_OIDC_HOST}`;

/**
 * Audience of the GitHub token (aws-actions/configure-aws-credentials' `audience`), which is the
 * provider's client ID: `sts.amazonaws.com`, except in China, where that action's README uses
 * `sts.amazonaws.com.cn`. Assumed for aws-us-gov: the default `sts.amazonaws.com`.
 */
export function githubOidcAudience(partition: Partition): string {
  return partition === "aws-cn" ? "sts.amazonaws.com.cn" : "sts.amazonaws.com";
}

/** ARN of an account's GitHub OIDC provider (IAM names it after the issuer host). */
export function githubOidcProviderArn(partition: Partition, account: string): string {
  return `arn:${partition}:iam::${account}:oidc-provider/${GITHUB_OIDC_HOST}`;
}

export const GITHUB_OIDC_PROVIDER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

/**
 * A GitHub repository `owner/name` (GitHub's own limits). No `*` or `?`: it goes into a
 * `StringLike` condition, where those would widen the trust to other repositories.
 */
/**
 * A GitHub repository as its OIDC `sub` claim names it: `owner/name`, or GitHub's immutable form
 * `owner@<owner id>/name@<repository id>` (the default for repositories created after July 15, 2026,
 * and for those that opted in), which a recycled owner or repository name cannot match.
 */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:@\d+)?\/(?!\.\.?(?:@|$))[A-Za-z0-9._-]{1,100}(?:@\d+)?$/;

/** The pipeline's workflow files: pull requests are planned by the first, main applied and checked for drift by the second. */
export const GITHUB_WORKFLOWS = { pullRequest: ".github/workflows/connect-sso-pr.yml", main: ".github/workflows/connect-sso.yml" } as const;
/** The git ref of a pull request's runs in a `job_workflow_ref`: the one wildcard a subject may hold (the pull request's number). */
export const PULL_REQUEST_REF = "refs/pull/*/merge";
/**
 * The claims GitHub puts in the repository's OIDC `sub` once customized (`PUT
 * /repos/{owner}/{repo}/actions/oidc/customization/sub`), so that a subject names the workflow file
 * and ref that runs the job, not only its context.
 */
export const GITHUB_SUBJECT_CLAIM_KEYS = ["repo", "context", "job_workflow_ref"] as const;

/**
 * `sub` claims of the GitHub tokens each pipeline role accepts, in the customized form
 * `repo:<repo>:<context>:job_workflow_ref:<owner>/<name>/<workflow file>@<ref>`: plans from the
 * pull-request workflow's runs of pull requests, and from the main workflow on main (the scheduled
 * drift run); applies only from the main workflow on main, in the GitHub environment named after
 * the environment (its protection rules gate them). No other workflow file, branch or event matches.
 */
export function githubSubjects(repository: string, environment: string): { readonly plan: string[]; readonly apply: string[] } {
  // job_workflow_ref names the repository by its names, also when `sub` uses the immutable form.
  const names = repository.replace(/@\d+/g, "");
  const from = (workflow: string, ref: string) => `job_workflow_ref:${names}/${workflow}@${ref}`;
  return {
    plan: [
      `repo:${repository}:pull_request:${from(GITHUB_WORKFLOWS.pullRequest, PULL_REQUEST_REF)}`,
      `repo:${repository}:ref:refs/heads/main:${from(GITHUB_WORKFLOWS.main, "refs/heads/main")}`,
    ],
    apply: [`repo:${repository}:environment:${environment}:${from(GITHUB_WORKFLOWS.main, "refs/heads/main")}`],
  };
}

/** The body of GitHub's OIDC subject customization call the pipeline's trusts expect. */
export function githubSubjectCustomization(): string {
  return JSON.stringify({ use_default: false, include_claim_keys: [...GITHUB_SUBJECT_CLAIM_KEYS] });
}

export function s3BucketArn(partition: Partition, bucket: string): string {
  return `arn:${partition}:s3:::${bucket}`;
}

/**
 * Object keys of an environment's state, as IAM resource patterns: the main stack's key and the
 * users stacks' keys (see usersStateKey), each with what the S3 backend writes beside it (the
 * `.tflock` lock file).
 */
export function stateObjectPatterns(mainKey: string): string[] {
  return [`${mainKey}*`, `${usersStateKey(mainKey, "*")}*`];
}

/** Terraform names of the bootstrap stack's resources (the modules name them with these; the rules know them by them). */
export const PIPELINE_RESOURCE_NAMES = {
  plan: { role: "pipeline_plan_role", policy: "pipeline_plan_policy" },
  apply: { role: "pipeline_apply_role", policy: "pipeline_apply_policy" },
  /** The roles in Identity Center's account (identityCenterBootstrapStackName). */
  identityCenterPlan: { role: "identity_center_plan_role", policy: "identity_center_plan_policy" },
  identityCenterApply: { role: "identity_center_apply_role", policy: "identity_center_apply_policy" },
  oidcProvider: "github_oidc_provider",
  stateBucket: "state_bucket",
} as const;
