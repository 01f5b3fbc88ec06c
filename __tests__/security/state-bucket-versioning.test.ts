/** STATE_BUCKET_VERSIONING: the state bucket keeps versions. */
import { STATE_BUCKET_VERSIONING } from "../../lib/synth/security/state-bucket-versioning";
import { bootstrapStack, expectAlone, itPassesTheExamples, type Edit } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_VERSIONING);

test.each<[string, Edit]>([
  ["versioning suspended", (tf) => (tf.resource.aws_s3_bucket_versioning.state_bucket_versioning.versioning_configuration.status = "Suspended")],
  ["versioning of another bucket", (tf) => (tf.resource.aws_s3_bucket_versioning.state_bucket_versioning.bucket = "other-bucket")],
])("GIVEN %s WHEN checked THEN STATE_BUCKET_VERSIONING fires alone on the bucket, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, STATE_BUCKET_VERSIONING, "aws_s3_bucket.state_bucket");
});
