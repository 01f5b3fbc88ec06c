/** STATE_BUCKET_KEPT: the state bucket, the only record of what every stack manages, cannot be destroyed by a plan. */
import { perResourceRule } from "./shapes";
import { asObject, buckets } from "./view";

export const STATE_BUCKET_KEPT = perResourceRule({
  id: "STATE_BUCKET_KEPT",
  why: "the state bucket refuses destruction: prevent_destroy, no force_destroy (the Terraform state is the only record of what the stacks manage)",
  reads: ["aws_s3_bucket"],
  each: buckets,
  problem: ({ body, quoted }) =>
    asObject(body.lifecycle)?.prevent_destroy !== true || body.force_destroy === true
      ? `bucket ${quoted} may be destroyed; allowed: lifecycle { prevent_destroy = true } and no force_destroy`
      : undefined,
});
