/** STATE_BUCKET_ENCRYPTION: the state bucket encrypts by default (AES256, or aws:kms with a key). */
import { checkStack } from "../../lib/synth/security/pack";
import { STATE_BUCKET_ENCRYPTION } from "../../lib/synth/security/state-bucket-encryption";
import { exampleEnvironment } from "../support/environments";
import { bootstrapOf, bootstrapStack, expectAlone, itPassesTheExamples, type Edit } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_ENCRYPTION);

test.each<[string, Edit]>([
  ["no default encryption", (tf) => delete tf.resource.aws_s3_bucket_server_side_encryption_configuration],
  [
    "aws:kms without a key",
    (tf) =>
      (tf.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule[0].apply_server_side_encryption_by_default = {
        sse_algorithm: "aws:kms",
      }),
  ],
])("GIVEN %s WHEN checked THEN STATE_BUCKET_ENCRYPTION fires alone on the bucket, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, STATE_BUCKET_ENCRYPTION, "aws_s3_bucket.state_bucket");
});

test("GIVEN a bucket encrypted with a KMS key and in another region than the environment WHEN checked THEN no rule fires", () => {
  const dev = exampleEnvironment("dev");
  const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const tf = JSON.parse(bootstrapOf({ ...dev, backend: { ...dev.backend!, region: "us-east-1" }, pipeline: { ...dev.pipeline!, stateKmsKeyId: key } }));
  expect(tf.resource.aws_s3_bucket.state_bucket.provider).toBe("aws.state_region");
  expect(tf.resource.aws_s3_bucket_server_side_encryption_configuration.state_bucket_encryption.rule[0].apply_server_side_encryption_by_default).toEqual({
    sse_algorithm: "aws:kms",
    kms_master_key_id: key,
  });
  expect(checkStack(tf)).toEqual([]);
});
