/** STATE_BUCKET_PUBLIC_ACCESS: the state bucket blocks public access with all four settings. */
import { STATE_BUCKET_PUBLIC_ACCESS } from "../../lib/synth/security/state-bucket-public-access";
import { bootstrapStack, expectAlone, itPassesTheExamples } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_PUBLIC_ACCESS);

test.each(["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"])(
  "GIVEN %s false WHEN checked THEN STATE_BUCKET_PUBLIC_ACCESS fires alone on the bucket, saying what is allowed",
  (setting) => {
    const tf = bootstrapStack();
    tf.resource.aws_s3_bucket_public_access_block.state_bucket_public_access[setting] = false;
    expectAlone(tf, STATE_BUCKET_PUBLIC_ACCESS, "aws_s3_bucket.state_bucket");
  },
);
