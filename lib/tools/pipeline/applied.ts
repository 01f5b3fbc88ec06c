/**
 * The applied record: after each successful apply of a stack, the pipeline writes the stack's
 * content hash and commit beside its state in S3. A run applies every stack whose synthesized hash
 * differs from its record, so a cancelled or failed run's change is applied by the next run.
 */
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { appliedRecordKey } from "./state";

export interface AppliedRecord {
  readonly stack: string;
  /** SHA-256 of the stack's `cdk.tf.json` (stack-hashes.json) that was applied. */
  readonly hash: string;
  /** The commit the applied configuration was synthesized from. */
  readonly commit: string;
  /** ISO 8601 time of the apply. */
  readonly appliedAt: string;
}

export interface StateObject {
  readonly bucket: string;
  /** The stack's state key; the record lives at `<key>.applied.json`. */
  readonly key: string;
  readonly region: string;
}

/**
 * An S3 client for the state bucket's region. Credentials, and endpoints such as
 * AWS_ENDPOINT_URL_S3, come from the SDK's usual chain; a custom endpoint (an S3-compatible
 * store, an emulator) is addressed path-style, as those rarely resolve bucket host names.
 */
export function stateClient(region: string, variables: NodeJS.ProcessEnv = process.env): S3Client {
  const customEndpoint = Boolean(variables.AWS_ENDPOINT_URL_S3 || variables.AWS_ENDPOINT_URL);
  return new S3Client({ region, forcePathStyle: customEndpoint });
}

const isRecord = (value: unknown): value is AppliedRecord =>
  Boolean(value) &&
  typeof value === "object" &&
  ["stack", "hash", "commit", "appliedAt"].every((k) => typeof (value as Record<string, unknown>)[k] === "string");

/** The stack's record, or undefined when it was never applied by the pipeline; throws (naming the object) when it cannot be read. */
export async function readApplied(client: S3Client, state: StateObject): Promise<AppliedRecord | undefined> {
  const key = appliedRecordKey(state.key);
  let text: string;
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: state.bucket, Key: key }));
    text = (await answer.Body?.transformToString("utf8")) ?? "";
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return undefined;
    throw new Error(`cannot read s3://${state.bucket}/${key}: ${(error as Error).message}`, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (!isRecord(value))
    throw new Error(`s3://${state.bucket}/${key} is not an applied record ({ stack, hash, commit, appliedAt }); delete it to re-apply the stack`);
  return value;
}

export async function writeApplied(client: S3Client, state: StateObject, record: AppliedRecord): Promise<void> {
  await client.send(
    new PutObjectCommand({
      Bucket: state.bucket,
      Key: appliedRecordKey(state.key),
      Body: `${JSON.stringify(record, null, 2)}\n`,
      ContentType: "application/json",
    }),
  );
}
