/** STATE_BUCKET_VERSIONING: an overwritten or deleted state can be recovered from an earlier version. */
import { bucketCompanionRule, companion } from "./shapes";
import { blocks } from "./view";

export const STATE_BUCKET_VERSIONING = bucketCompanionRule({
  id: "STATE_BUCKET_VERSIONING",
  why: "the state bucket keeps versions (aws_s3_bucket_versioning status Enabled) (checkov CKV_AWS_21; Terraform's S3 backend recommends it for state recovery)",
  companion: companion("aws_s3_bucket_versioning", (versioning) => blocks(versioning.versioning_configuration).some((c) => c.status === "Enabled")),
  lacks: "keeps no versions; allowed: an aws_s3_bucket_versioning of this bucket with status Enabled",
});
