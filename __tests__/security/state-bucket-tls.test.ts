/** STATE_BUCKET_TLS: the state bucket's policy denies every request without TLS. */
import { STATE_BUCKET_TLS } from "../../lib/synth/security/state-bucket-tls";
import { bootstrapStack, editJson, expectAlone, itPassesTheExamples, type Edit } from "./fixtures";

itPassesTheExamples(STATE_BUCKET_TLS);

const editBucketPolicy =
  (edit: (statement: Record<string, any>) => void): Edit =>
  (tf) =>
    editJson(tf.resource.aws_s3_bucket_policy.state_bucket_policy, "policy", (doc) => edit(doc.Statement[0]));

test.each<[string, Edit]>([
  ["no bucket policy", (tf) => delete tf.resource.aws_s3_bucket_policy],
  ["a TLS deny on the objects only", editBucketPolicy((s) => (s.Resource = ["${aws_s3_bucket.state_bucket.arn}/*"]))],
  ["a TLS deny with another condition besides", editBucketPolicy((s) => (s.Condition.StringEquals = { "aws:PrincipalAccount": "111122223333" }))],
])("GIVEN %s WHEN checked THEN STATE_BUCKET_TLS fires alone on the bucket, saying what is allowed", (_, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, STATE_BUCKET_TLS, "aws_s3_bucket.state_bucket");
});
