/** STATE_BUCKET_TLS: the state never travels unencrypted: the bucket policy denies every request without TLS. */
import { bucketCompanionRule, companion } from "./shapes";
import { asList, asObject, statements, type Bucket, type StackView } from "./view";

export const STATE_BUCKET_TLS = bucketCompanionRule({
  id: "STATE_BUCKET_TLS",
  why: "the state bucket's policy denies every request without TLS (aws:SecureTransport false) (cdk-nag AwsSolutions-S10; Amazon S3 security best practices)",
  companion: companion("aws_s3_bucket_policy", (policy, bucket, view) => deniesPlainHttp(policy.policy, bucketArns(bucket, view))),
  lacks:
    'has no bucket policy denying requests without TLS; allowed: a statement Effect Deny, Principal "*", Action "s3:*", Resource [bucket, bucket/*], Condition Bool aws:SecureTransport "false"',
});

/** The bucket's ARN as a reference, and literally when the partition is known. */
function bucketArns(bucket: Bucket, view: StackView): string[] {
  const name = bucket.body.bucket;
  return [`\${${bucket.address}.arn}`, ...(view.partition && typeof name === "string" ? [`arn:${view.partition}:s3:::${name}`] : [])];
}

function deniesPlainHttp(policy: unknown, arns: ReadonlyArray<string>): boolean {
  const parsed = statements(policy);
  if (typeof parsed === "string") return false;
  return parsed.some((s) => {
    const principal = s.Principal === "*" || asList(asObject(s.Principal)?.AWS).includes("*");
    const targets = asList(s.Resource);
    const coversBucket = arns.some((arn) => targets.includes(arn) && targets.includes(`${arn}/*`));
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
