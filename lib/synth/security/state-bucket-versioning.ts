/** STATE_BUCKET_VERSIONING: an overwritten or deleted state can be recovered from an earlier version. */
import { defineRule } from "./rule";
import { blocks, buckets } from "./view";

export const STATE_BUCKET_VERSIONING = defineRule({
  id: "STATE_BUCKET_VERSIONING",
  why: "the state bucket keeps versions (aws_s3_bucket_versioning status Enabled) (checkov CKV_AWS_21; Terraform's S3 backend recommends it for state recovery)",
  reads: ["aws_s3_bucket", "aws_s3_bucket_versioning"],
  check(view, fail) {
    for (const bucket of buckets(view)) {
      if (!bucket.companions("aws_s3_bucket_versioning").some((v) => blocks(v.versioning_configuration).some((c) => c.status === "Enabled"))) {
        fail(bucket.address, `bucket ${bucket.quoted} keeps no versions; allowed: an aws_s3_bucket_versioning of this bucket with status Enabled`);
      }
    }
  },
});
