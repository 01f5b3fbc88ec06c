/** STATE_BUCKET_KEPT: the state bucket refuses destruction. */
import { STATE_BUCKET_KEPT } from "../../lib/synth/security/state-bucket-kept";
import { bootstrapStack, expectAlone, itPassesTheExamples, type Edit } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_KEPT);

test.each<[string, Edit]>([
  ["a bucket without prevent_destroy", (tf) => delete tf.resource.aws_s3_bucket.state_bucket.lifecycle],
  ["a bucket with force_destroy", (tf) => (tf.resource.aws_s3_bucket.state_bucket.force_destroy = true)],
])("GIVEN %s WHEN checked THEN STATE_BUCKET_KEPT fires alone on the bucket, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, STATE_BUCKET_KEPT, "aws_s3_bucket.state_bucket");
});
