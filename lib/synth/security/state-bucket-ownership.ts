/** STATE_BUCKET_OWNERSHIP: access to the state is decided by policies alone: ACLs are disabled. */
import { bucketCompanionRule, companion } from "./shapes";
import { blocks } from "./view";

export const STATE_BUCKET_OWNERSHIP = bucketCompanionRule({
  id: "STATE_BUCKET_OWNERSHIP",
  why: "the state bucket disables ACLs (object ownership BucketOwnerEnforced) (checkov CKV2_AWS_65)",
  companion: companion("aws_s3_bucket_ownership_controls", (controls) => blocks(controls.rule).some((r) => r.object_ownership === "BucketOwnerEnforced")),
  lacks: "keeps ACLs; allowed: aws_s3_bucket_ownership_controls with object_ownership BucketOwnerEnforced",
});
