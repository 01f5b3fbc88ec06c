/**
 * IAM policy documents, as pure functions: the federation role's, and the pipeline's roles and
 * state bucket's (bootstrap stack).
 */
import type { Environment } from "../config/environment";
import {
  connectInstanceArn,
  federationTokenResource,
  GITHUB_OIDC_HOST,
  identityCenterRoleName,
  pipelineRoleName,
  roleArn,
  s3BucketArn,
  samlProviderArn,
  stateObjectPatterns,
} from "./naming";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Trust: only the SAML provider, only `sts:AssumeRoleWithSAML`, only assertions addressed to
 * the partition's sign-in endpoint or the Region's own (what IAM Access Analyzer expects of a SAML role).
 */
export function federationTrustPolicy(samlProviderArn: string, audiences: ReadonlyArray<string>): PolicyDocument {
  return federatedTrust("IdentityCenterSamlFederation", samlProviderArn, "sts:AssumeRoleWithSAML", {
    StringEquals: { "SAML:aud": audiences.length === 1 ? audiences[0] : [...audiences] },
  });
}

/** A trust policy of one statement: one federated principal, one action, its conditions. */
function federatedTrust(sid: string, federated: string, action: string, condition: Record<string, unknown>): PolicyDocument {
  return { Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Principal: { Federated: federated }, Action: action, Condition: condition }] };
}

/**
 * Permissions: a federation token for the caller's own Connect user on one instance. The
 * resource-scoped form (AWS's Connect SAML guide) rather than the doc's `"Resource": "*"` with a
 * `connect:InstanceId` condition: it also stops a session from asking for another user's token,
 * and it passes checkov, cdk-nag and Access Analyzer without suppressions.
 */
export function federationPermissionsPolicy(instanceArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FederateIntoOwnConnectUser",
        Effect: "Allow",
        Action: "connect:GetFederationToken",
        Resource: federationTokenResource(instanceArn),
      },
    ],
  };
}

// ---- The pipeline's roles (bootstrap stack) ----

/** Connect actions that mint a session for a Connect user: never for a pipeline, whatever else it may do. */
export const CONNECT_TOKEN_ACTIONS = ["connect:GetFederationToken", "connect:AdminGetEmergencyAccessToken"] as const;

/**
 * Trust of a pipeline role: only GitHub's OIDC provider, only for tokens addressed to STS
 * (`aud`) from the given workflow contexts of one repository (`sub`).
 */
export function githubOidcTrustPolicy(providerArn: string, audience: string, subjects: ReadonlyArray<string>): PolicyDocument {
  return federatedTrust("GitHubActionsOidc", providerArn, "sts:AssumeRoleWithWebIdentity", {
    StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: audience },
    StringLike: { [`${GITHUB_OIDC_HOST}:sub`]: [...subjects] },
  });
}

/**
 * Trust of a role in Identity Center's account: only the pipeline role of the same kind in the
 * environment's account (`sts:AssumeRole`, role chaining). That role in turn trusts only the
 * pipeline's OIDC subjects, so a pull request's plan reaches the read-only role and only the
 * GitHub environment's apply jobs reach the one that assigns.
 */
export function chainedRoleTrustPolicy(pipelineRoleArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "PipelineRoleChain", Effect: "Allow", Principal: { AWS: pipelineRoleArn }, Action: "sts:AssumeRole" }],
  };
}

/** ARN of an environment's pipeline role (in its own account) and of the role in Identity Center's account it chains into. */
export function pipelineRoleArns(env: Environment, kind: PipelineRoleKind): { readonly pipeline: string; readonly identityCenter?: string } {
  const icAccount = env.identityCenter.account;
  return {
    pipeline: roleArn(env.partition, env.account, pipelineRoleName(env.name, kind)),
    identityCenter: icAccount ? roleArn(env.partition, icAccount, identityCenterRoleName(env.name, kind)) : undefined,
  };
}

/**
 * What Terraform calls for the environment's stacks, by area: `read` is what a plan needs (the
 * calls hashicorp/aws 5.100.0 made in real plans on the fake and moto; __tests__ checks it),
 * `write` what an apply adds. Explicit names only: a wildcard such as `connect:Get*` would
 * include the token actions.
 */
const IAM_RIGHTS = {
  read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:GetSAMLProvider"],
  write: [
    "iam:CreateSAMLProvider",
    "iam:UpdateSAMLProvider",
    "iam:DeleteSAMLProvider",
    "iam:TagSAMLProvider",
    "iam:UntagSAMLProvider",
    "iam:CreateRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:DetachRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:DeleteRole",
    // Deleting a role reads its instance profiles first.
    "iam:ListInstanceProfilesForRole",
  ],
};
const CONNECT_RIGHTS = {
  read: [
    "connect:DescribeInstance",
    "connect:DescribeInstanceAttribute",
    "connect:ListSecurityProfiles",
    "connect:DescribeSecurityProfile",
    "connect:ListSecurityProfilePermissions",
    "connect:ListRoutingProfiles",
    "connect:DescribeRoutingProfile",
    "connect:ListRoutingProfileQueues",
    // Users' hierarchy group look-ups (connect.manageHierarchyGroups).
    "connect:ListUserHierarchyGroups",
    "connect:DescribeUserHierarchyGroup",
    "connect:DescribeUser",
    "connect:ListUsers",
    "connect:SearchUsers",
  ],
  write: [
    "connect:CreateUser",
    "connect:UpdateUserIdentityInfo",
    "connect:UpdateUserPhoneConfig",
    "connect:UpdateUserRoutingProfile",
    "connect:UpdateUserSecurityProfiles",
    "connect:UpdateUserHierarchy",
    "connect:DeleteUser",
    "connect:TagResource",
    "connect:UntagResource",
  ],
};
/**
 * Creating a SAML instance (`connect.create`): CreateInstance has no resource-level permission,
 * and Connect calls Directory Service and makes its service-linked role with the caller's rights
 * (Connect's documented permissions for creating an instance; not exercised offline, where
 * nothing checks rights).
 */
const CONNECT_CREATE_ACTIONS = [
  "connect:CreateInstance",
  "ds:CheckAlias",
  "ds:CreateAlias",
  "ds:CreateIdentityPoolDirectory",
  "ds:DescribeDirectories",
  "ds:AuthorizeApplication",
  "ds:UnauthorizeApplication",
];
const STATE_RIGHTS = { read: ["s3:GetObject"], write: ["s3:PutObject", "s3:DeleteObject"] };
const STATE_KEY_RIGHTS = { read: ["kms:Decrypt"], write: ["kms:Encrypt", "kms:GenerateDataKey"] };

export type PipelineRoleKind = "plan" | "apply";

/**
 * Permissions of a pipeline role, limited to one environment's resources: its federation role and
 * SAML provider, its Connect instance's users, its Identity Center application, and its state
 * objects (and keys) in the bucket of `backend.s3`. Both roles deny the token actions and sessions
 * of the federation role (which an apply role could otherwise re-trust to itself).
 *
 * With `identityCenter.account` each role may assume only its own kind's role there (see
 * chainedRoleTrustPolicy). With `identityCenter.assumeRoleArn` only the apply role may assume that
 * role: it can assign users, which no pull request may do.
 */
export function pipelinePolicy(env: Environment, kind: PipelineRoleKind): PolicyDocument {
  const { partition, account, region, backend } = env;
  if (!backend)
    throw new Error(`pipelinePolicy: environment ${env.name} has no backend.s3; allowed: an environment with remote state (the roles are scoped to it)`);
  const apply = kind === "apply";
  const rights = (r: { read: string[]; write: string[] }) => (apply ? [...r.read, ...r.write] : r.read);
  const federationRole = roleArn(partition, account, env.iam.roleName);
  const instance = connectInstanceArn(partition, region, account, env.connect.kind === "existing" ? env.connect.instanceId : "*");
  const create = env.connect.kind === "create";
  const statements: Statement[] = [
    allow("EnvironmentIdentityResources", rights(IAM_RIGHTS), [federationRole, samlProviderArn(partition, account, env.iam.samlProviderName)]),
    allow("EnvironmentConnectUsers", [...rights(CONNECT_RIGHTS), ...(create && apply ? ["connect:UpdateInstanceAttribute"] : [])], [instance, `${instance}/*`]),
  ];
  // Users stacks find a created instance by alias; ListInstances has no resource-level permission.
  if (create) statements.push(allow("FindCreatedInstance", ["connect:ListInstances"], "*"));
  if (create && apply) {
    const serviceRoles = `arn:${partition}:iam::${account}:role/aws-service-role/connect.amazonaws.com/*`;
    statements.push(
      allow("CreateSamlInstance", CONNECT_CREATE_ACTIONS, "*"),
      allow("ConnectServiceLinkedRole", ["iam:CreateServiceLinkedRole"], serviceRoles, { StringEquals: { "iam:AWSServiceName": "connect.amazonaws.com" } }),
      allow("ConnectServiceLinkedRolePolicy", ["iam:PutRolePolicy"], serviceRoles),
    );
  }
  statements.push(...identityCenterStatements(env, apply));
  // With identityCenter.account the sync reads through the read-only role there (identityCenterRolePolicy).
  if (!apply && !env.identityCenter.account) statements.push(...syncStatements(env, statements, env.account));
  statements.push(
    allow("StateBucket", ["s3:ListBucket"], s3BucketArn(partition, backend.bucket)),
    allow(
      "StateObjects",
      rights(STATE_RIGHTS),
      stateObjectPatterns(backend.key).map((key) => `${s3BucketArn(partition, backend.bucket)}/${key}`),
    ),
  );
  const keys = [...new Set([backend.kmsKeyId, env.pipeline?.stateKmsKeyId].filter((k): k is string => Boolean(k)))];
  keys.forEach((key, i) => statements.push(kmsStatement(`StateKey${i + 1}`, rights(STATE_KEY_RIGHTS), key)));
  statements.push(denyConnectTokens(), { Sid: "NoFederationRoleSessions", Effect: "Deny", Action: "sts:AssumeRole", Resource: federationRole });
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * Identity Center's rights in a pipeline role: the calls themselves when it is in the environment's
 * account; else the role that reaches it (the bootstrap's role in `identityCenter.account`, of the
 * same kind, or for the apply role only, `assumeRoleArn`).
 */
function identityCenterStatements(env: Environment, apply: boolean): Statement[] {
  if (!env.ssoApplication.applicationArn) return [];
  const { assumeRoleArn, account } = env.identityCenter;
  if (account) return [allow("IdentityCenterAccountRole", ["sts:AssumeRole"], pipelineRoleArns(env, apply ? "apply" : "plan").identityCenter!)];
  if (assumeRoleArn) return apply ? [allow("IdentityCenterAccountRole", ["sts:AssumeRole"], assumeRoleArn)] : [];
  return identityCenterCalls(env, apply, env.account);
}

/**
 * The only policy of a role in Identity Center's account (`identityCenter.account`): what a plan
 * (`plan`) or an apply (`apply`) of the main stack calls there.
 */
export function identityCenterRolePolicy(env: Environment, kind: PipelineRoleKind): PolicyDocument {
  const account = env.identityCenter.account;
  if (!account || !env.ssoApplication.applicationArn) {
    throw new Error(
      `identityCenterRolePolicy: environment ${env.name} has ${account ? "no ssoApplication.applicationArn" : "no identityCenter.account"}; allowed: an environment whose application is in identityCenter.account`,
    );
  }
  // The deny of Connect's session tokens holds there too: that account may have Connect instances of its own.
  const calls = identityCenterCalls(env, kind === "apply", account);
  return { Version: "2012-10-17", Statement: [...calls, ...(kind === "plan" ? syncStatements(env, calls, account) : []), denyConnectTokens()] };
}

/** Identity Center's calls: assignments to the application, users looked up (or created) in its store of `account`. */
function identityCenterCalls(env: Environment, apply: boolean, account: string): Statement[] {
  const applicationArn = env.ssoApplication.applicationArn!;
  const { identityStoreId, createUsers } = env.identityCenter;
  const { partition } = env;
  const ssoInstance = applicationArn.replace(/^arn:([^:]+):sso::\d{12}:application\/(ssoins-[^/]+)\/.*$/, "arn:$1:sso:::instance/$2");
  const storeArn = `arn:${partition}:identitystore::${account}:identitystore/${identityStoreId ?? "*"}`;
  const store = [storeArn, `arn:${partition}:identitystore:::user/*`];
  // The assignment setting's rights do not follow ssoApplication.assignmentRequired: removing the key is an apply that resets it.
  const statements = [
    allow(
      "ApplicationAssignments",
      [
        "sso:DescribeApplicationAssignment",
        "sso:GetApplicationAssignmentConfiguration",
        ...(apply ? ["sso:CreateApplicationAssignment", "sso:DeleteApplicationAssignment", "sso:PutApplicationAssignmentConfiguration"] : []),
      ],
      [applicationArn, ssoInstance],
    ),
    allow(
      "IdentityStoreUsers",
      ["identitystore:GetUserId", "identitystore:DescribeUser", ...(apply && createUsers ? ["identitystore:CreateUser", "identitystore:UpdateUser"] : [])],
      store,
    ),
  ];
  if (env.ssoApplication.groups?.length) {
    statements.push(
      allow("IdentityStoreGroups", ["identitystore:GetGroupId", "identitystore:DescribeGroup"], [storeArn, `arn:${partition}:identitystore:::group/*`]),
    );
  }
  // Without identityStoreId the stack reads the store from the instance list (no resource-level permission).
  if (!identityStoreId) statements.push(allow("FindIdentityStore", ["sso:ListInstances"], "*"));
  return statements;
}

const denyConnectTokens = (): Statement => ({ Sid: "NoConnectSessionTokens", Effect: "Deny", Action: [...CONNECT_TOKEN_ACTIONS], Resource: "*" });

/**
 * The scheduled sync (`npm run users -- sync`) reads the members of identityCenter.syncGroups with
 * the plan role, in the identity store of `account`: the environment's, or with identityCenter.account
 * that one's through its read-only role (identityCenter.assumeRoleArn is a role the plan role may not assume).
 */
function syncStatements(env: Environment, earlier: ReadonlyArray<Statement>, account: string): Statement[] {
  const { syncGroups, assumeRoleArn, identityStoreId } = env.identityCenter;
  if (!syncGroups?.length || assumeRoleArn) return [];
  const { partition } = env;
  const statements = [
    allow(
      "IdentityCenterSyncReads",
      ["identitystore:GetGroupId", "identitystore:ListGroupMemberships", "identitystore:DescribeUser"],
      [
        `arn:${partition}:identitystore::${account}:identitystore/${identityStoreId ?? "*"}`,
        `arn:${partition}:identitystore:::group/*`,
        `arn:${partition}:identitystore:::user/*`,
      ],
    ),
  ];
  if (!identityStoreId && !earlier.some((s) => s.Sid === "FindIdentityStore")) statements.push(allow("FindIdentityStore", ["sso:ListInstances"], "*"));
  return statements;
}

/** A KMS key by ARN, or the keys an alias names (`kms:ResourceAliases`: an alias ARN is never a request's resource). */
function kmsStatement(sid: string, actions: string[], keyOrAlias: string): Statement {
  const alias = /^(arn:[^:]+:kms:[^:]+:\d{12}):(alias\/.+)$/.exec(keyOrAlias);
  if (!alias) return allow(sid, actions, keyOrAlias);
  return allow(sid, actions, `${alias[1]}:key/*`, { "ForAnyValue:StringEquals": { "kms:ResourceAliases": alias[2] } });
}

type Statement = Record<string, unknown>;

function allow(sid: string, actions: ReadonlyArray<string>, resource: string | ReadonlyArray<string>, condition?: Record<string, unknown>): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: typeof resource === "string" ? resource : [...resource],
    ...(condition ? { Condition: condition } : {}),
  };
}

/**
 * The state bucket's own policy: nothing reaches it without TLS (AWS's S3 security best practices:
 * deny requests with `aws:SecureTransport = false`).
 */
export function stateBucketPolicy(bucketArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucketArn, `${bucketArn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}
