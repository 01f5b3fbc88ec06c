/** STATE_BUCKET_OWNERSHIP: access to the state is decided by policies alone: ACLs are disabled. */
import { defineRule } from "./rule";
import { blocks, buckets } from "./view";

export const STATE_BUCKET_OWNERSHIP = defineRule({
  id: "STATE_BUCKET_OWNERSHIP",
  why: "the state bucket disables ACLs (object ownership BucketOwnerEnforced) (checkov CKV2_AWS_65)",
  reads: ["aws_s3_bucket", "aws_s3_bucket_ownership_controls"],
  check(view, fail) {
    for (const bucket of buckets(view)) {
      if (!bucket.companions("aws_s3_bucket_ownership_controls").some((o) => blocks(o.rule).some((r) => r.object_ownership === "BucketOwnerEnforced"))) {
        fail(bucket.address, `bucket ${bucket.quoted} keeps ACLs; allowed: aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced`);
      }
    }
  },
});
