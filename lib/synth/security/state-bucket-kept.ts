/** STATE_BUCKET_KEPT: the state bucket, the only record of what every stack manages, cannot be destroyed by a plan. */
import { defineRule } from "./rule";
import { asObject, buckets } from "./view";

export const STATE_BUCKET_KEPT = defineRule({
  id: "STATE_BUCKET_KEPT",
  why: "the state bucket refuses destruction: prevent_destroy, no force_destroy (the Terraform state is the only record of what the stacks manage)",
  reads: ["aws_s3_bucket"],
  check(view, fail) {
    for (const bucket of buckets(view)) {
      if (asObject(bucket.body.lifecycle)?.prevent_destroy !== true || bucket.body.force_destroy === true) {
        fail(bucket.address, `bucket ${bucket.quoted} may be destroyed; allowed: lifecycle { prevent_destroy = true } and no force_destroy`);
      }
    }
  },
});
