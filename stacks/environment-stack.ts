/**
 * What every stack of an environment shares: its state backend and its AWS provider; and what the
 * main stack and the users stacks share: the instance the file names, and how users are split.
 */
import * as path from "node:path";
import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { AwsProvider, type AwsProviderConfig } from "@cdktf/provider-aws/lib/provider";
import type { Environment } from "../lib/config/environment";
import { usersOfStack } from "../lib/rules/sharding";
import { ConnectInstance, type IConnectInstance } from "../modules/connect-instance";
import type { ConnectUsersProps } from "../modules/connect-users";
import { literalText } from "../modules/props";

export interface EnvironmentStackProps {
  /** The checked environment (see lib/config/load.ts). */
  readonly environment: Environment;
  /**
   * Folder of local state files, relative to the stack's synthesized folder (where terraform runs).
   * @default the project root, for the default `cdktf.out`
   */
  readonly localStateDir?: string;
}

export abstract class EnvironmentStack extends TerraformStack {
  public readonly environment: Environment;

  protected constructor(scope: Construct, name: string, props: EnvironmentStackProps, s3Key: (mainKey: string) => string) {
    super(scope, name);
    const env = (this.environment = props.environment);
    if (env.backend) {
      const backend = new S3Backend(this, {
        bucket: env.backend.bucket,
        region: env.backend.region,
        key: s3Key(env.backend.key),
        encrypt: true,
        kmsKeyId: env.backend.kmsKeyId,
      });
      // S3-native locking (Terraform >= 1.10); cdktf 0.21's S3Backend has no property for it.
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: path.join(props.localStateDir ?? path.join("..", "..", ".."), `terraform.${name}.tfstate`) });
    }
    // A pipeline holding the wrong account's credentials stops at plan instead of applying there.
    environmentProvider(this, "aws", env, { region: env.region, allowedAccountIds: [env.account] });
  }
}

/** An AWS provider of an environment: every resource made through it carries the environment's tags (`default_tags`). */
export function environmentProvider(
  scope: Construct,
  id: string,
  environment: Pick<Environment, "tags">,
  config: Omit<AwsProviderConfig, "defaultTags">,
): AwsProvider {
  // Tag keys and values are the user's text, literal (Terraform reads them as templates).
  const tags = Object.entries(environment.tags).map(([key, value]) => [literalText(scope, "tags key", key), literalText(scope, `tags.${key}`, value)]);
  return new AwsProvider(scope, id, { ...config, defaultTags: tags.length ? [{ tags: Object.fromEntries(tags) }] : undefined });
}

/** The instance the environment file names by ID, checked for SAML at plan time. */
export function instanceById(scope: Construct, env: Environment, instanceId: string): IConnectInstance {
  return ConnectInstance.fromInstanceId(scope, "connect_instance", { instanceId, partition: env.partition, region: env.region, account: env.account });
}

/**
 * The Connect users one stack of an environment holds (MAIN_STACK or a users stack's number):
 * its users, those whose state moves in (adopted: found by name and imported) or out (forgotten),
 * and those the environment adopts (by name, or by Connect user ID).
 */
export function usersOfThisStack(env: Environment, stack: number, instance: IConnectInstance): ConnectUsersProps {
  const own = usersOfStack(env.users, stack, env.sharding);
  const here = new Set(own.users.map((u) => u.username));
  // A user whose Connect ID the file holds is imported by it, also when it arrives from another stack.
  const adoptIds = Object.entries(env.adopt.userIds ?? {}).filter(([name]) => here.has(name));
  const byId = new Set(adoptIds.map(([name]) => name));
  return {
    instanceId: instance.instanceId,
    users: own.users,
    adopt: [...own.arriving, ...env.adopt.users.filter((name) => here.has(name))].filter((name) => !byId.has(name)),
    adoptIds: Object.fromEntries(adoptIds),
    forget: own.leaving,
    manageHierarchyGroups: env.manageHierarchyGroups ?? false,
    hierarchyGroupIds: env.hierarchyGroupIds,
  };
}
