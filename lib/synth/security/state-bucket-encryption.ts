/** STATE_BUCKET_ENCRYPTION: every state object is encrypted at rest by default. */
import { bucketCompanionRule, companion } from "./shapes";
import { blocks, type Json } from "./view";

export const STATE_BUCKET_ENCRYPTION = bucketCompanionRule({
  id: "STATE_BUCKET_ENCRYPTION",
  why: "the state bucket encrypts by default: aws:kms with a key, or AES256 (checkov CKV_AWS_19; CKV_AWS_145 when a KMS key is given)",
  companion: companion("aws_s3_bucket_server_side_encryption_configuration", encryptsByDefault),
  lacks: "has no default encryption; allowed: aws_s3_bucket_server_side_encryption_configuration with sse_algorithm AES256, or aws:kms with kms_master_key_id",
});

/** Every default of the configuration encrypts: AES256, or aws:kms naming a key. */
function encryptsByDefault(configuration: Json): boolean {
  const defaults = blocks(configuration.rule).flatMap((r) => blocks(r.apply_server_side_encryption_by_default));
  return (
    defaults.length > 0 &&
    defaults.every(
      (d) => d.sse_algorithm === "AES256" || (d.sse_algorithm === "aws:kms" && typeof d.kms_master_key_id === "string" && d.kms_master_key_id !== ""),
    )
  );
}
