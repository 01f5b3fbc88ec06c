/**
 * The S3 bucket of the environments' Terraform state, with the protections state needs:
 * versions kept (a bad apply can be rolled back) and expired after a while, no public access,
 * encryption at rest, TLS only, no ACLs.
 */
import { Construct } from "constructs";
import type { TerraformProvider } from "cdktf";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { PIPELINE_RESOURCE_NAMES, S3_BUCKET_NAME } from "../lib/rules/naming";
import { stateBucketPolicy } from "../lib/rules/policies";
import { requireMatch, ValidationError } from "./props";

export interface StateBucketProps {
  /** Bucket name (`backend.s3.bucket`). */
  readonly bucket: string;
  /**
   * KMS key (or alias) ARN for default encryption.
   * @default SSE-S3 (AES256)
   */
  readonly kmsKeyId?: string;
  /** Days before old versions of an object expire (1 or more). */
  readonly noncurrentVersionDays: number;
  /**
   * Provider of the bucket's region.
   * @default the stack's default provider
   */
  readonly provider?: TerraformProvider;
}

export class StateBucket extends Construct {
  public readonly bucketName: string;

  constructor(scope: Construct, id: string, props: StateBucketProps) {
    super(scope, id);
    requireMatch(this, "bucket", props.bucket, S3_BUCKET_NAME, "an S3 bucket name: 3..63 of a-z 0-9 . -");
    if (!Number.isInteger(props.noncurrentVersionDays) || props.noncurrentVersionDays < 1) {
      throw new ValidationError(this, `noncurrentVersionDays ${props.noncurrentVersionDays} is not valid; allowed: a whole number of days, 1 or more`);
    }
    const { provider } = props;
    const name = (suffix: string) => `${PIPELINE_RESOURCE_NAMES.stateBucket}${suffix}`;
    // Every stack's state lives here: never destroyed by Terraform, whatever the environment's `protected`.
    const bucket = new S3Bucket(this, "bucket", { provider, bucket: props.bucket, lifecycle: { preventDestroy: true } });
    bucket.overrideLogicalId(name(""));
    const of = { provider, bucket: bucket.id };
    const versioning = new S3BucketVersioningA(this, "versioning", { ...of, versioningConfiguration: { status: "Enabled" } });
    versioning.overrideLogicalId(name("_versioning"));
    const publicAccess = new S3BucketPublicAccessBlock(this, "public_access", {
      ...of,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    publicAccess.overrideLogicalId(name("_public_access"));
    new S3BucketOwnershipControls(this, "ownership", { ...of, rule: { objectOwnership: "BucketOwnerEnforced" } }).overrideLogicalId(name("_ownership"));
    new S3BucketServerSideEncryptionConfigurationA(this, "encryption", {
      ...of,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyId ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: props.kmsKeyId } : { sseAlgorithm: "AES256" },
          bucketKeyEnabled: props.kmsKeyId ? true : undefined,
        },
      ],
    }).overrideLogicalId(name("_encryption"));
    // After the public access block: S3 refuses policies while it is being changed.
    new S3BucketPolicy(this, "policy", { ...of, policy: JSON.stringify(stateBucketPolicy(bucket.arn)), dependsOn: [publicAccess] }).overrideLogicalId(
      name("_policy"),
    );
    new S3BucketLifecycleConfiguration(this, "lifecycle", {
      ...of,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          // An empty filter: every object of the bucket.
          filter: [{}],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
        },
      ],
      // The provider's advice for rules on noncurrent versions: set versioning first.
      dependsOn: [versioning],
    }).overrideLogicalId(name("_lifecycle"));
    this.bucketName = bucket.bucket;
  }
}
