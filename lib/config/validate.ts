/**
 * Checks that span several fields of one environment file, or several environments.
 */
import { githubOidcProviderArn, partitionOf, partitionOfArn, pipelineRoleName, regionProblem, stackName } from "../rules/naming";
import { unlistedRegionProblem } from "../rules/regions";
import { DEFAULT_USERS_PER_STACK, stackOf, usersStackName } from "../rules/sharding";
import type { Environment } from "./environment";
import { MAX_TAGS, type EnvironmentFile } from "./schema";

/** A problem found in a parsed file: the field path segments and the message. */
export interface FieldProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** Rules across the fields of one parsed environment file. */
export function checkEnvironmentFields(file: EnvironmentFile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const regionWhy = regionProblem(file.region);
  if (regionWhy) problems.push({ path: ["region"], message: `${JSON.stringify(file.region)} is not a supported region; ${regionWhy}` });
  // A typo shaped like a Region (eu-central-3) is not one.
  if (!file.allowUnlistedRegion) {
    for (const [at, name] of [
      [["region"], regionWhy ? undefined : file.region],
      [["identityCenter", "region"], file.identityCenter?.region],
      [["backend", "s3", "region"], file.backend?.s3.region],
    ] as const) {
      const unlisted = name === undefined || !partitionOf(name) ? undefined : unlistedRegionProblem(name);
      if (unlisted) problems.push({ path: at, message: `${JSON.stringify(name)} ${unlisted}` });
    }
  }

  const icRegion = file.identityCenter?.region;
  if (icRegion !== undefined && partitionOf(icRegion) !== partitionOf(file.region)) {
    problems.push({
      path: ["identityCenter", "region"],
      message: `${JSON.stringify(icRegion)} is not a region in the partition of ${file.region}; allowed: the Identity Center home region, in the same partition`,
    });
  }

  const bucketRegion = file.backend?.s3.region;
  if (bucketRegion !== undefined && partitionOf(bucketRegion) !== partitionOf(file.region)) {
    problems.push({
      path: ["backend", "s3", "region"],
      message: `${JSON.stringify(bucketRegion)} is not a region in the partition of ${file.region}; allowed: the state bucket's region, in the same partition`,
    });
  }

  const { instanceId, create } = file.connect;
  if ((instanceId === undefined) === (create === undefined)) {
    problems.push({
      path: ["connect"],
      message: "set exactly one of instanceId (an existing instance that uses SAML) or create: { alias } (a new SAML instance)",
    });
  }

  const arn = file.ssoApplication.applicationArn;
  const partition = partitionOf(file.region);
  if (arn && partition && partitionOfArn(arn) !== partition) {
    problems.push({
      path: ["ssoApplication", "applicationArn"],
      message: `is in partition ${partitionOfArn(arn)}, but region ${file.region} is in ${partition}; the application must be in the same partition`,
    });
  }
  problems.push(...identityCenterAccountProblems(file));
  if (file.identityCenter?.createUsers && !arn) {
    problems.push({
      path: ["identityCenter", "createUsers"],
      message: "needs ssoApplication.applicationArn: users created in Identity Center must be assigned to the application to sign in",
    });
  }
  problems.push(...assignmentProblems(file));
  const syncGroups = file.identityCenter?.syncGroups ?? [];
  syncGroups.forEach(({ group }, index) => {
    const first = syncGroups.findIndex((g) => g.group === group);
    if (first !== index)
      problems.push({
        path: ["identityCenter", "syncGroups", index, "group"],
        message: `${JSON.stringify(group)} repeats syncGroups[${first}]; list each group once`,
      });
  });

  const seen = new Map<string, number>();
  const environmentTags = Object.keys(file.tags ?? {});
  file.users.forEach((user, index) => {
    if (user.hierarchyGroup !== undefined && !file.connect.manageHierarchyGroups) {
      problems.push({
        path: ["users", index, "hierarchyGroup"],
        message:
          "needs connect.manageHierarchyGroups: true (then the group of each user that names one is the file's, none clears it, and a user without hierarchyGroup keeps the console's); without it the stack leaves every group set in the console alone",
      });
    }
    // The user's tags and the environment's (default_tags) land on one user: AWS counts them together.
    const merged = new Set([...environmentTags, ...Object.keys(user.tags ?? {})]).size;
    if (merged > MAX_TAGS) {
      problems.push({
        path: ["users", index, "tags"],
        message: `with the environment's tags the user would carry ${merged} tags; allowed: at most ${MAX_TAGS} together (a user tag with the key of an environment tag counts once)`,
      });
    }
    if (user.phoneType === "DESK_PHONE" && !user.deskPhoneNumber) {
      problems.push({
        path: ["users", index, "deskPhoneNumber"],
        message: 'is required with phoneType DESK_PHONE: an E.164 number in quotes, such as "+12065550100"',
      });
    }
    // Identity Center matches user names case-insensitively; Connect does not: two spellings are one person.
    const key = user.username.toLowerCase();
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
    } else {
      problems.push({
        path: ["users", index, "username"],
        message: `${JSON.stringify(user.username)} repeats users[${first}].username (${JSON.stringify(file.users[first].username)}); user names must be unique, ignoring case`,
      });
    }
  });
  const sharding = file.sharding;
  if (sharding?.previousStacks !== undefined && sharding.previousStacks === sharding.stacks) {
    problems.push({
      path: ["sharding", "previousStacks"],
      message: `equals stacks (${sharding.stacks}): no user moves; remove previousStacks once every stack of a move is applied`,
    });
  }

  problems.push(...pipelineProblems(file));

  problems.push(...adoptedUserProblems(file));
  return problems;
}

/** Adopted users are configured ones, each adopted one way: found by name (adopt.users) or by ID (adopt.userIds). */
function adoptedUserProblems(file: EnvironmentFile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const configured = new Set(file.users.map((u) => u.username));
  const notConfigured = (name: string) => `${JSON.stringify(name)} is not in users; allowed: user names configured under users (case matters)`;
  const byName = file.adopt?.users;
  const byId = file.adopt?.userIds ?? {};
  if (Array.isArray(byName)) {
    byName.forEach((name, index) => {
      if (!configured.has(name)) problems.push({ path: ["adopt", "users", index], message: notConfigured(name) });
      else if (Object.hasOwn(byId, name))
        problems.push({
          path: ["adopt", "users", index],
          message: `${JSON.stringify(name)} is also in adopt.userIds; adopt each user one way: keep it in userIds`,
        });
    });
  } else if (byName === "all" && Object.keys(byId).length > 0) {
    problems.push({
      path: ["adopt", "users"],
      message:
        '"all" finds every user by name, also those adopt.userIds imports by ID; adopt each user one way: list the users to find by name, or remove adopt.users',
    });
  }
  for (const name of Object.keys(byId)) {
    if (!configured.has(name)) problems.push({ path: ["adopt", "userIds", name], message: notConfigured(name) });
  }
  return problems;
}

/** Group assignments and the assignment setting: they act on the application, so they need its ARN; each group once. */
function assignmentProblems(file: EnvironmentFile): FieldProblem[] {
  const { applicationArn, groups = [], assignUsers, assignmentRequired } = file.ssoApplication;
  const problems: FieldProblem[] = [];
  if (!applicationArn) {
    const needing: Array<[string, boolean]> = [
      ["groups", groups.length > 0],
      ["assignUsers", !assignUsers],
      ["assignmentRequired", assignmentRequired !== undefined],
    ];
    for (const [key] of needing.filter(([, set]) => set)) {
      problems.push({
        path: ["ssoApplication", key],
        message:
          "needs ssoApplication.applicationArn: assignments and the assignment setting belong to the application; add its ARN from the application's details page",
      });
    }
  }
  const first = new Map<string, number>();
  groups.forEach((name, index) => {
    const earlier = first.get(name);
    if (earlier === undefined) first.set(name, index);
    else problems.push({ path: ["ssoApplication", "groups", index], message: `${JSON.stringify(name)} repeats groups[${earlier}]; each group once` });
  });
  return problems;
}

/** The `pipeline` section against the rest of the file: its roles are scoped to the account and to `backend.s3`. */
function pipelineProblems(file: EnvironmentFile): FieldProblem[] {
  const { pipeline, backend } = file;
  if (!pipeline) return [];
  const problems: FieldProblem[] = [];
  if (!backend) {
    problems.push({
      path: ["pipeline"],
      message:
        "needs backend.s3: the pipeline's roles may read and write only this environment's state, in the bucket and key named there; add backend: { s3: { bucket, region } }",
    });
  }
  const partition = partitionOf(file.region);
  const provider = pipeline.oidcProviderArn;
  if (provider && partition && provider !== githubOidcProviderArn(partition, file.account)) {
    problems.push({
      path: ["pipeline", "oidcProviderArn"],
      message: `must be ${githubOidcProviderArn(partition, file.account)}: IAM roles trust only an identity provider of their own account (${file.account}) and partition`,
    });
  }
  const key = pipeline.stateKmsKeyId;
  const keyRegion = key?.split(":")[3];
  if (key && backend && (partitionOfArn(key) !== partition || keyRegion !== backend.s3.region)) {
    problems.push({
      path: ["pipeline", "stateKmsKeyId"],
      message: `is a key in ${keyRegion} (${partitionOfArn(key)}); allowed: a KMS key of the state bucket's region, ${backend.s3.region} (S3 encrypts only with keys of its own region)`,
    });
  }
  return problems;
}

/** Pipeline settings that work, but not as a reader would expect. */
export function pipelineWarnings(file: EnvironmentFile): FieldProblem[] {
  const warnings: FieldProblem[] = [];
  // The scheduled sync runs with the plan role, which may only read: it cannot assume the role into Identity Center's account.
  if (file.pipeline && file.identityCenter?.syncGroups && file.identityCenter.assumeRoleArn)
    warnings.push({
      path: ["identityCenter", "syncGroups"],
      message:
        "the scheduled sync (connect-sso.yml) runs with the plan role, which reads only this account and may not assume identityCenter.assumeRoleArn: " +
        "run npm run users -- sync by hand with credentials that may assume it (docs/users-sync.md)",
    });
  if (file.pipeline?.stateKmsKeyId && !file.backend?.s3.kmsKeyId) {
    warnings.push({
      path: ["pipeline", "stateKmsKeyId"],
      message:
        "is the bucket's default key, but Terraform writes state with encrypt = true and no key of its own as SSE-S3 (AES256), which overrides a bucket default: " +
        "set backend.s3.kmsKeyId to the same key to keep the state itself under it",
    });
  }
  // A first environment may come before its pipeline; until then nothing can reach that account.
  if (file.identityCenter?.account !== undefined && file.identityCenter.account !== file.account && !file.pipeline && file.ssoApplication.applicationArn) {
    warnings.push({
      path: ["identityCenter", "account"],
      message:
        "has no roles to reach it yet: they come with the pipeline (pipeline: and backend.s3, then the identity-center bootstrap stack), and only the pipeline's roles may assume them; plans until then stop at the Identity Center provider (for runs of your own, set identityCenter.assumeRoleArn instead)",
    });
  }
  return warnings;
}

/** Warnings when a stack holds more users than planned: plans get slow; the fix is a deliberate change of stacks. */
export function shardingWarnings(environment: string, file: EnvironmentFile): FieldProblem[] {
  const limit = file.sharding?.usersPerStack ?? DEFAULT_USERS_PER_STACK;
  const stacks = file.sharding?.stacks ?? 0;
  const counts = new Map<number, number>();
  for (const user of file.users) {
    const n = stackOf(user.username, stacks);
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  const suggested = Math.ceil(file.users.length / limit);
  return [...counts.entries()]
    .filter(([, count]) => count > limit)
    .sort(([a], [b]) => a - b)
    .map(([n, count]) => ({
      path: file.sharding ? ["sharding", "stacks"] : ["users"],
      message:
        `${n === 0 ? stackName(environment) : usersStackName(environment, n)} would hold ${count} users (more than ${limit}): every plan refreshes each one through Connect's API (2 requests/s). ` +
        `Split users over more stacks: sharding: { stacks: ${Math.max(suggested, stacks + 1)}, previousStacks: ${stacks} } (docs/scaling-users.md, "Users stacks")`,
    }));
}

/** Problems between environments: each message names the other file. */
export interface CrossProblem {
  readonly environment: Environment;
  readonly path: string;
  readonly message: string;
}

/**
 * Two environments must not create the same IAM name in one account, nor manage the same
 * Connect instance (two states would fight over its users).
 */
export function checkAcrossEnvironments(environments: ReadonlyArray<Environment>): CrossProblem[] {
  const problems: CrossProblem[] = [];
  const claims = new Map<string, Environment>();
  const claim = (key: string, env: Environment, path: string, what: string, fix = "each environment needs its own") => {
    const other = claims.get(key);
    if (other) {
      problems.push({ environment: env, path, message: `${what} is also claimed by ${other.file}; ${fix}` });
    } else {
      claims.set(key, env);
    }
  };
  for (const env of environments) {
    const account = `${env.partition}:${env.account}`;
    claim(`role:${account}:${env.iam.roleName}`, env, "iam.roleName", `IAM role ${env.iam.roleName} in account ${env.account}`);
    claim(
      `saml:${account}:${env.iam.samlProviderName}`,
      env,
      "iam.samlProviderName",
      `IAM SAML provider ${env.iam.samlProviderName} in account ${env.account}`,
    );
    if (env.pipeline) {
      for (const kind of ["plan", "apply"] as const) {
        const name = pipelineRoleName(env.name, kind);
        claim(`role:${account}:${name}`, env, "pipeline", `IAM role ${name} in account ${env.account}`);
      }
      // One provider per issuer and account: IAM refuses a second one.
      if (!env.pipeline.oidcProviderArn) {
        claim(
          `oidc:${account}`,
          env,
          "pipeline.oidcProviderArn",
          `creating the GitHub OIDC provider of account ${env.account}`,
          `an account has one: let one environment create it and set pipeline.oidcProviderArn: ${githubOidcProviderArn(env.partition, env.account)} in the others`,
        );
      }
      if (env.pipeline.stateBucket.create && env.backend) {
        claim(
          `bucket:${env.partition}:${env.backend.bucket}`,
          env,
          "pipeline.stateBucket.create",
          `creating state bucket ${env.backend.bucket}`,
          "let one environment create it and set pipeline.stateBucket: { create: false } in the others that share it",
        );
      }
    }
    if (env.connect.kind === "existing") {
      claim(
        `connect:${account}:${env.region}:${env.connect.instanceId}`,
        env,
        "connect.instanceId",
        `Connect instance ${env.connect.instanceId} in ${env.account}/${env.region}`,
      );
    } else {
      claim(
        `alias:${account}:${env.region}:${env.connect.alias}`,
        env,
        "connect.create.alias",
        `Connect instance alias ${env.connect.alias} in ${env.account}/${env.region}`,
      );
    }
  }
  return problems;
}

/**
 * Which account Identity Center is in: the environment's, `identityCenter.account` (reached through
 * that account's bootstrap roles, which trust the pipeline's), or a role of your own
 * (`assumeRoleArn`); and the application must be in that account.
 */
function identityCenterAccountProblems(file: EnvironmentFile): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const { account, assumeRoleArn } = file.identityCenter ?? {};
  if (account !== undefined && assumeRoleArn !== undefined) {
    problems.push({
      path: ["identityCenter", "account"],
      message:
        "is set together with identityCenter.assumeRoleArn; allowed: one of them (account: the pipeline reaches it through the roles its bootstrap makes there; assumeRoleArn: a role of your own)",
    });
  }
  if (account !== undefined && account === file.account) {
    problems.push({
      path: ["identityCenter", "account"],
      message: `is the environment's own account ${account}; allowed: another account (leave it out for this one)`,
    });
  }
  const arn = file.ssoApplication.applicationArn;
  const appAccount = arn?.split(":")[4];
  const icAccount = account ?? (assumeRoleArn ? undefined : file.account);
  if (arn && icAccount !== undefined && appAccount !== icAccount) {
    problems.push({
      path: ["ssoApplication", "applicationArn"],
      message:
        account === undefined
          ? `is in account ${appAccount}, not ${file.account}: set identityCenter.account to ${appAccount} (the pipeline's bootstrap makes roles there) or identityCenter.assumeRoleArn to a role in ${appAccount} that may assign users to it`
          : `is in account ${appAccount}, not identityCenter.account ${account}; allowed: the application of the Identity Center in that account`,
    });
  }
  return problems;
}
