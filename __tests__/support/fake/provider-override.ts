/**
 * The Terraform override that points a synthesized stack at the fake and moto_server only.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loopbackEndpoints } from "../terraform";

export interface ProviderOverrideOptions {
  /** The fake's url: Amazon Connect. */
  readonly connectUrl: string;
  /** moto_server's url: IAM, STS and (unless identitystoreUrl says otherwise) identitystore. */
  readonly motoUrl: string;
  /** @default connectUrl (the fake answers sso-admin) */
  readonly ssoadminUrl?: string;
  /** @default motoUrl (moto implements GetUserId, DescribeUser, CreateUser) */
  readonly identitystoreUrl?: string;
  /** Local state file. @default `<dir>/terraform.tfstate` */
  readonly statePath?: string;
  /**
   * Provider default tags. @default {} (none): moto has no SAML-provider tagging and an apply of a
   * tagged aws_iam_saml_provider hangs there.
   */
  readonly defaultTags?: Record<string, string>;
  /** Retries of the AWS SDK for failed calls. @default 2 (a dead endpoint fails fast) */
  readonly maxRetries?: number;
  /** The access key terraform signs with (moto answers as its account). @default "test" */
  readonly accessKey?: string;
  /** Aliases of further `aws` provider blocks to point at the same endpoints. @default those found in `<dir>/cdk.tf.json` */
  readonly aliases?: ReadonlyArray<string>;
}

/**
 * Writes `zz_override.tf.json` into a synthesized stack's folder (next to `cdk.tf.json`), so
 * terraform talks to the fake and moto only: every `aws` provider block (default and aliased)
 * gets loopback endpoints (through `aws-config` in the folder: support/terraform.ts's loopbackEndpoints), test credentials and no metadata-service lookup, and the backend is a
 * local state file inside `dir`. Refuses any endpoint that is not 127.0.0.1 or localhost.
 * Returns the file's path.
 */
export function writeProviderOverride(dir: string, options: ProviderOverrideOptions): string {
  const endpoints = loopbackEndpoints(path.join(dir, "aws-config"), {
    connect: options.connectUrl,
    ssoadmin: options.ssoadminUrl ?? options.connectUrl,
    identitystore: options.identitystoreUrl ?? options.motoUrl,
    iam: options.motoUrl,
    sts: options.motoUrl,
  });
  const statePath = path.resolve(dir, options.statePath ?? "terraform.tfstate");
  if (!statePath.startsWith(path.resolve(dir) + path.sep)) throw new Error(`writeProviderOverride: state path ${statePath} is outside ${dir}`);

  let aliases = options.aliases;
  if (!aliases) {
    const main = path.join(dir, "cdk.tf.json");
    aliases = [];
    if (fs.existsSync(main)) {
      const providers = (JSON.parse(fs.readFileSync(main, "utf8")) as { provider?: { aws?: unknown } }).provider?.aws;
      const blocks = Array.isArray(providers) ? providers : providers ? [providers] : [];
      aliases = blocks.map((b) => (b as { alias?: string }).alias).filter((a): a is string => typeof a === "string");
    }
  }
  const settings = {
    access_key: options.accessKey ?? "test",
    secret_key: "test",
    skip_metadata_api_check: true,
    skip_region_validation: true,
    max_retries: options.maxRetries ?? 2,
    ...endpoints,
    default_tags: [{ tags: { ...(options.defaultTags ?? {}) } }],
  };
  const override = {
    // Relative (to the folder terraform runs in), so every workspace has the same backend settings
    // and can share one initialized data folder (support/sandbox.ts).
    terraform: { backend: { local: { path: path.relative(path.resolve(dir), statePath) } } },
    provider: { aws: [settings, ...aliases.map((alias) => ({ alias, ...settings }))] },
  };
  const file = path.join(dir, "zz_override.tf.json");
  fs.writeFileSync(file, JSON.stringify(override, null, 2) + "\n");
  return file;
}
