/** STATE_BUCKET_PUBLIC_ACCESS: no ACL or bucket policy can ever make the state public. */
import { bucketCompanionRule, companion } from "./shapes";

const SETTINGS = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

export const STATE_BUCKET_PUBLIC_ACCESS = bucketCompanionRule({
  id: "STATE_BUCKET_PUBLIC_ACCESS",
  why: "the state bucket blocks public access (all four public access block settings true) (checkov CKV_AWS_53-56, CKV2_AWS_6; cdk-nag AwsSolutions-S2)",
  companion: companion("aws_s3_bucket_public_access_block", (block) => SETTINGS.every((k) => block[k] === true)),
  lacks: `does not block all public access; allowed: an aws_s3_bucket_public_access_block of this bucket with ${SETTINGS.join(", ")} all true`,
});
