/** STATE_BUCKET_OWNERSHIP: the state bucket disables ACLs. */
import { STATE_BUCKET_OWNERSHIP } from "../../lib/synth/security/state-bucket-ownership";
import { bootstrapStack, expectAlone, itPassesTheExamples } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_OWNERSHIP);

test("GIVEN ACLs kept (ObjectWriter) WHEN checked THEN STATE_BUCKET_OWNERSHIP fires alone on the bucket, saying what is allowed", () => {
  const tf = bootstrapStack();
  tf.resource.aws_s3_bucket_ownership_controls.state_bucket_ownership.rule.object_ownership = "ObjectWriter";
  expectAlone(tf, STATE_BUCKET_OWNERSHIP, "aws_s3_bucket.state_bucket");
});
