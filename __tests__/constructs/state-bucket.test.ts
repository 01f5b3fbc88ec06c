/**
 * StateBucket alone: the state bucket with its protections; and what it refuses.
 */
import { StateBucket } from "../../modules/state-bucket";
import { expectValidationError, STACK, synthesized } from "./bare-stack";

describe("StateBucket builds", () => {
  test("GIVEN a bucket name WHEN built THEN it is never destroyed, versioned, private, SSE-S3 encrypted, TLS only, and old versions expire", () => {
    const json = synthesized((stack) => new StateBucket(stack, "bucket", { bucket: "acme-state", noncurrentVersionDays: 30 }));
    const r = json.resource;
    expect(r.aws_s3_bucket.state_bucket).toEqual({ bucket: "acme-state", lifecycle: { prevent_destroy: true } });
    expect(r.aws_s3_bucket_versioning.state_bucket_versioning.versioning_configuration).toEqual({ status: "Enabled" });
    expect(r.aws_s3_bucket_public_access_block.state_bucket_public_access).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(r.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } },
    ]);
    expect(JSON.parse(r.aws_s3_bucket_policy.state_bucket_policy.policy).Statement[0].Sid).toBe("DenyWithoutTls");
    expect(r.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 30 }]);
  });

  test("GIVEN a KMS key WHEN built THEN the bucket encrypts with it and a bucket key", () => {
    const key = "arn:aws:kms:us-west-2:111122223333:key/abc";
    const json = synthesized((stack) => new StateBucket(stack, "bucket", { bucket: "acme-state", kmsKeyId: key, noncurrentVersionDays: 30 }));
    expect(json.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: "aws:kms", kms_master_key_id: key }, bucket_key_enabled: true },
    ]);
  });
});

describe("StateBucket refuses, naming its path", () => {
  test.each(["Acme-State", "ab", "acme_state"])("GIVEN bucket name %j WHEN built THEN it is refused", (bucket) => {
    expectValidationError(
      (stack) => new StateBucket(stack, "bucket", { bucket, noncurrentVersionDays: 30 }),
      `${STACK}/bucket: bucket ${JSON.stringify(bucket)} is not valid; allowed: an S3 bucket name: 3..63 of a-z 0-9 . -`,
    );
  });

  test.each([0, 1.5])("GIVEN %s days WHEN built THEN it is refused", (days) => {
    expectValidationError(
      (stack) => new StateBucket(stack, "bucket", { bucket: "acme-state", noncurrentVersionDays: days }),
      `${STACK}/bucket: noncurrentVersionDays ${days} is not valid; allowed: a whole number of days, 1 or more`,
    );
  });
});
