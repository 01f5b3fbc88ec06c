/** STATE_BUCKET_LIFECYCLE: the state bucket expires noncurrent versions of every object. */
import { STATE_BUCKET_LIFECYCLE } from "../../lib/synth/security/state-bucket-lifecycle";
import { bootstrapStack, expectAlone, itPassesTheExamples, type Edit } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_LIFECYCLE);

test.each<[string, Edit]>([
  ["a lifecycle rule disabled", (tf) => (tf.resource.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].status = "Disabled")],
  [
    "a lifecycle rule for one prefix only",
    (tf) => (tf.resource.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].filter = [{ prefix: "logs/" }]),
  ],
  [
    "a lifecycle rule without noncurrent version expiry",
    (tf) => delete tf.resource.aws_s3_bucket_lifecycle_configuration.state_bucket_lifecycle.rule[0].noncurrent_version_expiration,
  ],
])("GIVEN %s WHEN checked THEN STATE_BUCKET_LIFECYCLE fires alone on the bucket, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, STATE_BUCKET_LIFECYCLE, "aws_s3_bucket.state_bucket");
});
