/**
 * Checks that span several fields of one environment file, or several environments.
 */
import { partitionOf, partitionOfArn, regionProblem } from "../naming";
import { stackOf, usersStackName } from "../sharding";
import type { Environment } from "./environment";
import type { EnvironmentFile } from "./schema";

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
  const appAccount = arn?.split(":")[4];
  if (arn && appAccount !== file.account && !file.identityCenter?.assumeRoleArn) {
    problems.push({
      path: ["ssoApplication", "applicationArn"],
      message: `is in account ${appAccount}, not ${file.account}: set identityCenter.assumeRoleArn to a role in ${appAccount} that may assign users to it`,
    });
  }
  if (file.identityCenter?.createUsers && !arn) {
    problems.push({
      path: ["identityCenter", "createUsers"],
      message: "needs ssoApplication.applicationArn: users created in Identity Center must be assigned to the application to sign in",
    });
  }

  const seen = new Map<string, number>();
  file.users.forEach((user, index) => {
    if (user.phoneType === "DESK_PHONE" && !user.deskPhoneNumber) {
      problems.push({ path: ["users", index, "deskPhoneNumber"], message: "is required with phoneType DESK_PHONE: an E.164 number in quotes, such as \"+12065550100\"" });
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
    problems.push({ path: ["sharding", "previousStacks"], message: `equals stacks (${sharding.stacks}): no user moves; remove previousStacks once every stack of a move is applied` });
  }

  const adopted = file.adopt?.users;
  if (Array.isArray(adopted)) {
    const configured = new Set(file.users.map((u) => u.username));
    adopted.forEach((name, index) => {
      if (!configured.has(name)) {
        problems.push({ path: ["adopt", "users", index], message: `${JSON.stringify(name)} is not in users; allowed: user names configured under users (case matters)` });
      }
    });
  }
  return problems;
}

/** Users in one stack above this draw a warning (each plan refreshes every user: see the README's cost model). */
export const DEFAULT_USERS_PER_STACK = 500;

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
        `${n === 0 ? `connect-sso-${environment}` : usersStackName(environment, n)} would hold ${count} users (more than ${limit}): every plan refreshes each one through Connect's API (2 requests/s). ` +
        `Split users over more stacks: sharding: { stacks: ${Math.max(suggested, stacks + 1)}, previousStacks: ${stacks} } (README: "Users stacks")`,
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
  const claim = (key: string, env: Environment, path: string, what: string) => {
    const other = claims.get(key);
    if (other) {
      problems.push({ environment: env, path, message: `${what} is also claimed by ${other.file}; each environment needs its own` });
    } else {
      claims.set(key, env);
    }
  };
  for (const env of environments) {
    const account = `${env.partition}:${env.account}`;
    claim(`role:${account}:${env.iam.roleName}`, env, "iam.roleName", `IAM role ${env.iam.roleName} in account ${env.account}`);
    claim(`saml:${account}:${env.iam.samlProviderName}`, env, "iam.samlProviderName", `IAM SAML provider ${env.iam.samlProviderName} in account ${env.account}`);
    if (env.connect.kind === "existing") {
      claim(`connect:${account}:${env.region}:${env.connect.instanceId}`, env, "connect.instanceId", `Connect instance ${env.connect.instanceId} in ${env.account}/${env.region}`);
    } else {
      claim(`alias:${account}:${env.region}:${env.connect.alias}`, env, "connect.create.alias", `Connect instance alias ${env.connect.alias} in ${env.account}/${env.region}`);
    }
  }
  return problems;
}
