/** STATE_BUCKET_TLS: the state never travels unencrypted: the bucket policy denies every request without TLS. */
import { defineRule } from "./rule";
import { asList, asObject, buckets, statements } from "./view";

export const STATE_BUCKET_TLS = defineRule({
  id: "STATE_BUCKET_TLS",
  why: "the state bucket's policy denies every request without TLS (aws:SecureTransport false) (cdk-nag AwsSolutions-S10; Amazon S3 security best practices)",
  reads: ["aws_s3_bucket", "aws_s3_bucket_policy"],
  check(view, fail) {
    for (const bucket of buckets(view)) {
      const name = bucket.body.bucket;
      const arns = [`\${${bucket.address}.arn}`, ...(view.partition && typeof name === "string" ? [`arn:${view.partition}:s3:::${name}`] : [])];
      if (!bucket.companions("aws_s3_bucket_policy").some((p) => deniesPlainHttp(p.policy, arns))) {
        fail(
          bucket.address,
          `bucket ${bucket.quoted} has no bucket policy denying requests without TLS; allowed: a statement Effect Deny, Principal "*", Action "s3:*", Resource [bucket, bucket/*], Condition Bool aws:SecureTransport "false"`,
        );
      }
    }
  },
});

function deniesPlainHttp(policy: unknown, bucketArns: ReadonlyArray<string>): boolean {
  const parsed = statements(policy);
  if (typeof parsed === "string") return false;
  return parsed.some((s) => {
    const principal = s.Principal === "*" || asList(asObject(s.Principal)?.AWS).includes("*");
    const targets = asList(s.Resource);
    const coversBucket = bucketArns.some((arn) => targets.includes(arn) && targets.includes(`${arn}/*`));
    const secure = asObject(asObject(s.Condition)?.Bool)?.["aws:SecureTransport"];
    return (
      s.Effect === "Deny" &&
      principal &&
      asList(s.Action).includes("s3:*") &&
      coversBucket &&
      (secure === "false" || secure === false) &&
      Object.keys(asObject(s.Condition) ?? {}).join() === "Bool"
    );
  });
}
