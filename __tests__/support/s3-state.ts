/**
 * Terraform state in S3 on moto_server (127.0.0.1), for tests of the pipeline's real state path:
 * backend "s3" with `use_lockfile = true` (S3-native locking: terraform writes `<key>.tflock` with
 * `If-None-Match: *`, Terraform >= 1.10) and `encrypt = true`.
 *
 * The stack's own backend block stays as synthesized; a partial backend configuration file
 * (`*.s3.tfbackend`) points it at moto. Pass it as `terraform init -backend-config=<file>`, or
 * leave the pipeline's commands unchanged and set `TF_CLI_ARGS_init` (see `backendConfigEnv`).
 *
 * Every S3 call goes through @aws-sdk/client-s3 with path-style addressing, dummy credentials and
 * an endpoint that must be loopback: nothing here can reach AWS.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type BucketLocationConstraint,
} from "@aws-sdk/client-s3";
import { hclString, type MotoServer } from "./terraform";

// The SDK warns once per process that its 2027 releases need Node 22; that says nothing about
// these tests (jest gives each test file its own copy of process.env).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** Where moto listens (a MotoServer is one). */
export type MotoEndpoint = Pick<MotoServer, "url">;

/** Refuses any endpoint but http://127.0.0.1:<port>: a backend or client aimed elsewhere would reach AWS. */
function loopbackUrl(url: string): string {
  const target = new URL(url);
  if (target.protocol !== "http:" || target.hostname !== "127.0.0.1" || !target.port) {
    throw new Error(`refusing S3 endpoint ${JSON.stringify(url)}: tests talk to http://127.0.0.1:<port> only`);
  }
  return target.origin;
}

/** Runs `work` with an S3 client for moto, then closes its sockets (so jest sees no open handle). */
async function withS3<T>(moto: MotoEndpoint, region: string, work: (s3: S3Client) => Promise<T>): Promise<T> {
  const s3 = new S3Client({
    endpoint: loopbackUrl(moto.url),
    forcePathStyle: true,
    region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  try {
    return await work(s3);
  } finally {
    s3.destroy();
  }
}

/** moto signs nothing and ignores the signing region for reads; this one is used where the bucket's region is not given. */
const READ_REGION = "us-east-1";

/** The HTTP status of an S3 error, or undefined for anything that is not an S3 answer. */
function s3Status(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

// ---------------------------------------------------------------------------------------------
// Bucket and backend configuration
// ---------------------------------------------------------------------------------------------

export interface StateBucketOptions {
  /** Bucket name. */
  readonly bucket: string;
  /** Region the bucket is created in. */
  readonly region: string;
  /** Turn versioning on, as docs/gitops.md asks of a state bucket. @default true */
  readonly versioning?: boolean;
}

/** Creates the state bucket on moto (versioned unless `versioning: false`). */
export async function createStateBucket(moto: MotoEndpoint, options: StateBucketOptions): Promise<void> {
  await withS3(moto, options.region, async (s3) => {
    // us-east-1 is the one region S3 refuses as an explicit LocationConstraint.
    const location = options.region === "us-east-1" ? undefined : { LocationConstraint: options.region as BucketLocationConstraint };
    await s3.send(new CreateBucketCommand({ Bucket: options.bucket, CreateBucketConfiguration: location }));
    if (options.versioning ?? true) {
      await s3.send(new PutBucketVersioningCommand({ Bucket: options.bucket, VersioningConfiguration: { Status: "Enabled" } }));
    }
  });
}

export interface BackendConfigOptions {
  /** moto's URL (http://127.0.0.1:<port>); anything else is refused. */
  readonly motoUrl: string;
  readonly bucket: string;
  readonly region: string;
  /** The state object's key. */
  readonly key: string;
}

/** File name of the partial backend configuration that `writeBackendConfig` writes. */
const BACKEND_CONFIG_FILE = "moto.s3.tfbackend";

/**
 * The text of a partial configuration for terraform 1.11's s3 backend that sends it to moto.
 * A `.tfbackend` file holds attributes only: `endpoints` is an object attribute (`endpoints { … }`
 * is refused as "Unsupported block type"). `use_lockfile` and `encrypt` are left to the
 * configuration's own backend block, so the test proves what the stack sets.
 */
export function backendConfigText(options: BackendConfigOptions): string {
  const settings: ReadonlyArray<readonly [string, string]> = [
    ["bucket", hclString(options.bucket)],
    ["key", hclString(options.key)],
    ["region", hclString(options.region)],
    ["endpoints", `{ s3 = ${hclString(loopbackUrl(options.motoUrl))} }`],
    ["use_path_style", "true"],
    // No STS, IAM or instance metadata behind moto's S3 endpoint: the backend must not ask them.
    ["skip_credentials_validation", "true"],
    ["skip_requesting_account_id", "true"],
    ["skip_metadata_api_check", "true"],
    ["skip_region_validation", "true"],
    ["access_key", hclString("test")],
    ["secret_key", hclString("test")],
  ];
  const width = Math.max(...settings.map(([name]) => name.length));
  return settings.map(([name, value]) => `${name.padEnd(width)} = ${value}`).join("\n") + "\n";
}

/** Writes `backendConfigText(options)` to `<dir>/moto.s3.tfbackend`; returns the file's absolute path. */
export function writeBackendConfig(dir: string, options: BackendConfigOptions): string {
  const file = path.resolve(dir, BACKEND_CONFIG_FILE);
  fs.writeFileSync(file, backendConfigText(options));
  return file;
}

/**
 * Environment that makes every `terraform init` (also `terraform -chdir=… init`) read the backend
 * configuration file, so the pipeline's commands run unchanged. Terraform splits TF_CLI_ARGS_*
 * like a shell, hence the quotes.
 */
export function backendConfigEnv(file: string): { readonly TF_CLI_ARGS_init: string } {
  if (!path.isAbsolute(file)) throw new Error(`backend config ${file} must be an absolute path: -chdir would move a relative one`);
  if (file.includes("'")) throw new Error(`backend config path ${file} contains a single quote, which TF_CLI_ARGS_init cannot carry`);
  return { TF_CLI_ARGS_init: `-backend-config='${file}'` };
}

// ---------------------------------------------------------------------------------------------
// Reading state and lock objects
// ---------------------------------------------------------------------------------------------

/** The key of the lock object terraform's S3-native locking writes next to the state. */
export function lockKey(stateKey: string): string {
  return `${stateKey}.tflock`;
}

export interface StateResource {
  readonly mode: string;
  readonly type: string;
  readonly name: string;
  readonly instances: ReadonlyArray<{ readonly attributes: Record<string, unknown> }>;
}

/** The parts of a terraform state (format version 4) the tests read. */
export interface TerraformState {
  readonly version: 4;
  readonly terraform_version: string;
  readonly serial: number;
  readonly lineage: string;
  readonly resources: ReadonlyArray<StateResource>;
}

/** A state object's body as JSON; throws naming the bucket and key when it is absent, not JSON, or not state format 4. */
export async function readState(moto: MotoEndpoint, bucket: string, key: string): Promise<TerraformState> {
  const where = `s3://${bucket}/${key} on moto`;
  const text = await withS3(moto, READ_REGION, async (s3) => {
    try {
      const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await answer.Body!.transformToString("utf8");
    } catch (error) {
      if (s3Status(error) === 404) throw new Error(`no state object at ${where}`, { cause: error });
      throw error;
    }
  });
  let state: Partial<TerraformState>;
  try {
    state = JSON.parse(text) as Partial<TerraformState>;
  } catch (error) {
    throw new Error(`${where} is not JSON (${(error as Error).message}): ${text.slice(0, 200)}`, { cause: error });
  }
  if (state.version !== 4 || !Array.isArray(state.resources)) {
    throw new Error(`${where} is not a terraform state of format version 4: ${text.slice(0, 200)}`);
  }
  return state as TerraformState;
}

/** What HeadObject says about an object, or undefined when there is none (404). */
export async function headObject(moto: MotoEndpoint, bucket: string, key: string): Promise<{ readonly serverSideEncryption?: string } | undefined> {
  return withS3(moto, READ_REGION, async (s3) => {
    try {
      const answer = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return { serverSideEncryption: answer.ServerSideEncryption };
    } catch (error) {
      if (s3Status(error) === 404) return undefined;
      throw error;
    }
  });
}

export interface ObjectVersion {
  readonly versionId: string;
  readonly isLatest: boolean;
  /** True for the marker a DeleteObject leaves in a versioned bucket. */
  readonly deleteMarker: boolean;
}

/** Every version and delete marker of exactly `key` (not of keys it prefixes), in no particular order. */
export async function listVersions(moto: MotoEndpoint, bucket: string, key: string): Promise<ObjectVersion[]> {
  return withS3(moto, READ_REGION, async (s3) => {
    const answer = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key }));
    if (answer.IsTruncated) throw new Error(`s3://${bucket}/${key} has more versions than one listing holds: the test made more than it should`);
    return [
      ...(answer.Versions ?? []).map((v) => ({ key: v.Key, versionId: v.VersionId!, isLatest: v.IsLatest === true, deleteMarker: false })),
      ...(answer.DeleteMarkers ?? []).map((m) => ({ key: m.Key, versionId: m.VersionId!, isLatest: m.IsLatest === true, deleteMarker: true })),
    ]
      .filter((entry) => entry.key === key)
      .map(({ versionId, isLatest, deleteMarker }) => ({ versionId, isLatest, deleteMarker }));
  });
}

// ---------------------------------------------------------------------------------------------
// Conditional writes and the lock object
// ---------------------------------------------------------------------------------------------

/**
 * `PutObject` with `If-None-Match: *` (what terraform's S3-native lock does): the HTTP status,
 * 200 when written, 412 when the object exists. Any other failure throws.
 */
export async function putIfAbsent(moto: MotoEndpoint, bucket: string, key: string, body: string): Promise<number> {
  return withS3(moto, READ_REGION, async (s3) => {
    try {
      const answer = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, IfNoneMatch: "*", ContentType: "application/json" }));
      return answer.$metadata.httpStatusCode ?? 0;
    } catch (error) {
      if (s3Status(error) === 412) return 412;
      throw error;
    }
  });
}

/** A lock record in the form terraform writes (and prints back as "Lock Info"). */
export interface LockInfo {
  readonly ID: string;
  readonly Operation: string;
  readonly Info: string;
  readonly Who: string;
  readonly Version: string;
  readonly Created: string;
  readonly Path: string;
}

/**
 * Takes the state's lock the way terraform does (conditional write of `<key>.tflock`) on behalf of
 * `who`; throws if the lock is already held.
 */
export async function holdLock(moto: MotoEndpoint, bucket: string, stateKey: string, who: string): Promise<LockInfo> {
  const info: LockInfo = {
    ID: `held-by-${who}`,
    Operation: "OperationTypeApply",
    Info: "",
    Who: who,
    Version: "test",
    Created: new Date().toISOString(),
    Path: `${bucket}/${stateKey}`,
  };
  const status = await putIfAbsent(moto, bucket, lockKey(stateKey), JSON.stringify(info));
  if (status !== 200) throw new Error(`could not take the lock s3://${bucket}/${lockKey(stateKey)} for ${who}: HTTP ${status}`);
  return info;
}

/** Releases a lock taken with `holdLock` (deletes the lock object). */
export async function releaseLock(moto: MotoEndpoint, bucket: string, stateKey: string): Promise<void> {
  await withS3(moto, READ_REGION, (s3) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: lockKey(stateKey) })));
}
