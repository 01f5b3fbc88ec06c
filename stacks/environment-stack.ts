/**
 * What every stack of an environment shares: its state backend and its AWS provider.
 */
import * as path from "node:path";
import { Construct } from "constructs";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import type { Environment } from "../lib/config/environment";

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
    new AwsProvider(this, "aws", {
      region: env.region,
      // A pipeline holding the wrong account's credentials stops at plan instead of applying there.
      allowedAccountIds: [env.account],
      defaultTags: Object.keys(env.tags).length ? [{ tags: { ...env.tags } }] : undefined,
    });
  }
}
