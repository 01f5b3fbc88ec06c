/** STATE_BUCKET_LIFECYCLE: old state versions expire, so versioning does not keep every state forever. */
import { bucketCompanionRule, companion } from "./shapes";
import { blocks, type Json } from "./view";

export const STATE_BUCKET_LIFECYCLE = bucketCompanionRule({
  id: "STATE_BUCKET_LIFECYCLE",
  why: "the state bucket expires old versions of every object after a number of days (checkov CKV2_AWS_61)",
  companion: companion("aws_s3_bucket_lifecycle_configuration", (lifecycle) => blocks(lifecycle.rule).some(expiresOldVersions)),
  lacks:
    "has no lifecycle rule expiring noncurrent versions of every object; allowed: a rule with status Enabled, no filter narrower than the bucket, noncurrent_version_expiration { noncurrent_days >= 1 }",
});

/** An enabled rule for the whole bucket that expires noncurrent versions. */
function expiresOldVersions(rule: Json): boolean {
  const filters = blocks(rule.filter);
  const wholeBucket =
    (rule.prefix === undefined || rule.prefix === "") && filters.every((f) => Object.entries(f).every(([k, v]) => k === "prefix" && v === ""));
  const days = blocks(rule.noncurrent_version_expiration).map((e) => e.noncurrent_days);
  return rule.status === "Enabled" && wholeBucket && days.some((d) => typeof d === "number" && Number.isInteger(d) && d >= 1);
}
