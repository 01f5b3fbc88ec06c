/**
 * Running the real `terraform` (and `moto_server`) from tests: temp workspaces, an offline CLI
 * configuration, bounded child processes with readable failures, HCL literals for generated
 * `*.tftest.hcl` files, and `terraform test -json` reports.
 *
 * Everything happens under os.tmpdir(); nothing is written into the repository. Child processes
 * run in their own process group so a timeout ends terraform together with its provider plugin.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { hclQuoted } from "../../lib/tools/plan/address";
import { USES_PROVIDER, withPooledProvider } from "./provider-pool";
import { scriptCommand } from "./script-bundles";
import { providerMirror } from "./tools";

/** Keep temp folders after the run (for debugging a failure): CONNECT_SSO_KEEP_TMP=1. */
export const KEEP_TMP = process.env.CONNECT_SSO_KEEP_TMP === "1";

// ---------------------------------------------------------------------------------------------
// Temp folders
// ---------------------------------------------------------------------------------------------

export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

/** Removes a temp folder (refuses anything outside os.tmpdir()). */
export function removeTempDir(dir: string | undefined): void {
  if (!dir) return;
  const tmp = fs.realpathSync(os.tmpdir());
  const real = fs.existsSync(dir) ? fs.realpathSync(dir) : dir;
  if (!real.startsWith(tmp + path.sep)) throw new Error(`refusing to remove ${dir}: not under ${tmp}`);
  if (KEEP_TMP) {
    console.log(`CONNECT_SSO_KEEP_TMP=1: kept ${dir}`);
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Terraform CLI configuration and environment
// ---------------------------------------------------------------------------------------------

export interface TerraformSetup {
  /** The temp folder that holds the CLI config, the plugin cache and the workspaces. */
  readonly root: string;
  readonly cliConfigFile: string;
  readonly pluginCacheDir: string;
  /** The offline provider folder in use, or undefined (terraform downloads from the registry). */
  readonly mirror?: string;
  /** Environment for every terraform call. */
  readonly env: NodeJS.ProcessEnv;
}

/** Variables that would change what terraform does behind the test's back. */
const DROPPED_ENV = /^(TF_CLI_ARGS.*|TF_DATA_DIR|TF_WORKSPACE|TF_INPUT|TF_PLUGIN_CACHE_DIR|TF_CLI_CONFIG_FILE|TF_TOKEN_.*|AWS_.*)$/;

/**
 * A temp root with its own CLI configuration: the offline provider mirror when this machine has
 * one (then only that folder is used for hashicorp/aws), and a plugin cache shared by every
 * `terraform init` of this setup.
 */
export function terraformSetup(prefix: string): TerraformSetup {
  const root = makeTempDir(prefix);
  const pluginCacheDir = path.join(root, "plugin-cache");
  fs.mkdirSync(pluginCacheDir);
  const mirror = providerMirror();
  const lines = [`plugin_cache_dir = ${hclString(pluginCacheDir)}`];
  if (mirror) {
    lines.push(
      "provider_installation {",
      "  filesystem_mirror {",
      `    path    = ${hclString(mirror)}`,
      `    include = ["registry.terraform.io/hashicorp/aws"]`,
      "  }",
      "  direct {",
      `    exclude = ["registry.terraform.io/hashicorp/aws"]`,
      "  }",
      "}",
    );
  }
  const cliConfigFile = path.join(root, "terraform.tfrc");
  fs.writeFileSync(cliConfigFile, lines.join("\n") + "\n");

  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!DROPPED_ENV.test(key)) env[key] = value;
  Object.assign(env, {
    TF_CLI_CONFIG_FILE: cliConfigFile,
    CHECKPOINT_DISABLE: "1",
    TF_IN_AUTOMATION: "1",
    // Never the instance metadata service, never a profile from the home folder.
    AWS_EC2_METADATA_DISABLED: "true",
    // Empty (the same for every setup, so their commands can share pooled providers).
    AWS_CONFIG_FILE: os.devNull,
    AWS_SHARED_CREDENTIALS_FILE: os.devNull,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  });
  return { root, cliConfigFile, pluginCacheDir, mirror, env };
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

export interface CommandResult {
  readonly command: string;
  readonly cwd: string;
  /** Exit code; null when ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly timedOut: boolean;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

/** Ends a process group we started (the child was spawned detached, so its pid is the group id). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Runs a command to its end or its timeout (then its whole process group is killed); never rejects for a non-zero exit. */
export function runCommand(file: string, args: ReadonlyArray<string>, options: CommandOptions): Promise<CommandResult> {
  const command = [file, ...args].join(" ");
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, "SIGTERM");
      setTimeout(() => killGroup(child, "SIGKILL"), 3000).unref();
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`${command} could not start in ${options.cwd}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ command, cwd: options.cwd, code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** The end of a long text, so a failure message stays readable. */
export function tail(text: string, max = 6000): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `[... ${trimmed.length - max} characters before ...]\n${trimmed.slice(-max)}`;
}

/** What happened, for a failure message: the command, where, how it ended, and its output. */
export function describeResult(result: CommandResult, note?: string): string {
  const ending = result.timedOut
    ? `did not finish within its time limit and was killed after ${(result.ms / 1000).toFixed(1)} s`
    : result.code === null
      ? `was ended by ${result.signal} after ${(result.ms / 1000).toFixed(1)} s`
      : `exited ${result.code} after ${(result.ms / 1000).toFixed(1)} s`;
  const parts = [`\`${result.command}\` (in ${result.cwd}) ${ending}${note ? `: ${note}` : ""}`];
  if (result.stderr.trim()) parts.push(`--- stderr ---\n${tail(result.stderr)}`);
  if (result.stdout.trim()) parts.push(`--- stdout ---\n${tail(result.stdout)}`);
  return parts.join("\n");
}

export interface TerraformCallOptions {
  /** @default 90 s */
  readonly timeoutMs?: number;
  /** Exit codes that count as success. @default [0] */
  readonly okCodes?: ReadonlyArray<number>;
  /** Variables over the setup's environment (e.g. TF_DATA_DIR). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * `npm run <script> -- <args>`, to its end: the script's bundle for this run, or tsx as npm runs
 * it (support/script-bundles.ts). Its terraform commands run one at a time, so they share a pooled
 * provider when the environment allows.
 */
export function runScript(script: string, args: ReadonlyArray<string>, options: CommandOptions): Promise<CommandResult> {
  const command = scriptCommand(script);
  return withPooledProvider(options.env, (env) => runCommand(process.execPath, [...command.args, ...args], { ...options, env: { ...env, ...command.env } }));
}

/** Runs terraform with the setup's environment (through the provider pool) to its end; never rejects for a non-zero exit. */
export function runTerraform(
  setup: TerraformSetup,
  cwd: string,
  args: ReadonlyArray<string>,
  timeoutMs = 90_000,
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  const run = (env: NodeJS.ProcessEnv) => runCommand("terraform", args, { cwd, env, timeoutMs });
  const env = { ...setup.env, ...extraEnv };
  return USES_PROVIDER.has(args[0]) ? withPooledProvider(env, run) : run(env);
}

/** Runs terraform with the setup's environment; throws a readable error (with terraform's output) on any other exit. */
export async function terraform(setup: TerraformSetup, cwd: string, args: ReadonlyArray<string>, options: TerraformCallOptions = {}): Promise<CommandResult> {
  const result = await runTerraform(setup, cwd, args, options.timeoutMs, options.env);
  const ok = options.okCodes ?? [0];
  if (result.timedOut || result.code === null || !ok.includes(result.code)) {
    throw new Error(describeResult(result, `expected exit code ${ok.join(" or ")}`));
  }
  return result;
}

type ResourceBlocks = { readonly resource?: Record<string, Record<string, { lifecycle?: { prevent_destroy?: boolean } }>> };

/** Addresses of the resources a synthesized stack marks `prevent_destroy`. */
export function protectedAddresses(stackJson: ResourceBlocks): string[] {
  return Object.entries(stackJson.resource ?? {})
    .flatMap(([type, byName]) =>
      Object.entries(byName)
        .filter(([, body]) => body.lifecycle?.prevent_destroy === true)
        .map(([id]) => `${type}.${id}`),
    )
    .sort();
}

/**
 * `terraform test` destroys what it applied, and `prevent_destroy` refuses that: an override file
 * in the temp copy (write it after `validate` ran on the unmodified JSON) lifts it for the teardown.
 */
export function writeTeardownOverride(dir: string, stackJson: ResourceBlocks): void {
  const resource: Record<string, Record<string, unknown>> = {};
  for (const address of protectedAddresses(stackJson)) {
    const [type, id] = address.split(".");
    (resource[type] ??= {})[id] = { lifecycle: { prevent_destroy: false } };
  }
  if (Object.keys(resource).length) {
    fs.writeFileSync(
      path.join(dir, "zz_test_teardown_override.tf.json"),
      JSON.stringify({ "//": "test only: lets terraform test destroy what it applied", resource }, null, 2),
    );
  }
}

/** Serializes async work (terraform's plugin cache is not safe for concurrent inits). */
export function serialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>) => {
    const next = last.then(work, work);
    last = next.catch(() => undefined);
    return next;
  };
}

// ---------------------------------------------------------------------------------------------
// HCL literals
// ---------------------------------------------------------------------------------------------

/**
 * A quoted HCL string whose value is exactly `value`, with every non-ASCII character as \uNNNN, so
 * a generated file shows which code points are expected (NFC or not).
 */
export const hclString = (value: string): string => hclQuoted(value, true);

/** An HCL literal for a JSON-like value (strings, numbers, booleans, null, lists, objects). */
export function hcl(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return hclString(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  if (typeof value === "object") {
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${hclString(k)} = ${hcl(v)}`)
      .join(", ")} }`;
  }
  throw new Error(`no HCL literal for ${typeof value}`);
}

// ---------------------------------------------------------------------------------------------
// `terraform test -json`
// ---------------------------------------------------------------------------------------------

export interface Diagnostic {
  readonly severity: string;
  readonly summary: string;
  readonly detail?: string;
  readonly range?: { filename: string; start: { line: number } };
  readonly snippet?: { context?: string; code?: string; values?: Array<{ traversal: string; statement: string }> };
}

export interface TestReport {
  /** Status of each run block by name: pass | fail | error | skip. */
  readonly runs: Map<string, string>;
  /** Diagnostics of each run block by name. */
  readonly runDiagnostics: Map<string, Diagnostic[]>;
  /** Diagnostics not tied to a run (configuration, teardown). */
  readonly otherDiagnostics: Diagnostic[];
  /** Status of each test file. */
  readonly files: Map<string, string>;
  readonly summary?: { status: string; passed: number; failed: number; errored: number; skipped: number };
  /** Lines that were not JSON (terraform prints some errors as plain text). */
  readonly plainLines: string[];
}

export function parseTestReport(stdout: string): TestReport {
  const runs = new Map<string, string>();
  const runDiagnostics = new Map<string, Diagnostic[]>();
  const otherDiagnostics: Diagnostic[] = [];
  const files = new Map<string, string>();
  const plainLines: string[] = [];
  let summary: TestReport["summary"];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    let entry: Record<string, any>;
    try {
      entry = JSON.parse(line);
    } catch {
      plainLines.push(line);
      continue;
    }
    if (entry.type === "test_run" && entry.test_run?.progress === "complete") runs.set(entry.test_run.run, entry.test_run.status);
    else if (entry.type === "test_file" && entry.test_file?.progress === "complete") files.set(entry.test_file.path, entry.test_file.status);
    else if (entry.type === "test_summary") summary = entry.test_summary;
    else if (entry.type === "diagnostic") {
      const run = entry["@testrun"] as string | undefined;
      if (run) runDiagnostics.set(run, [...(runDiagnostics.get(run) ?? []), entry.diagnostic]);
      else otherDiagnostics.push(entry.diagnostic);
    }
  }
  return { runs, runDiagnostics, otherDiagnostics, files, summary, plainLines };
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.range ? ` (${d.range.filename}:${d.range.start.line})` : "";
  const lines = [`${d.severity}: ${d.summary}${where}`];
  if (d.detail) lines.push(...d.detail.split("\n").map((l) => `    ${l}`));
  if (d.snippet?.code) lines.push(`    > ${d.snippet.code.trim()}`);
  for (const v of d.snippet?.values ?? []) lines.push(`      where ${v.traversal} ${v.statement}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// moto_server
// ---------------------------------------------------------------------------------------------

/** A free TCP port on 127.0.0.1 (asked from the kernel, then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/** One HTTP request to a loopback address, bounded in time. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") return Promise.reject(new Error(`refusing to contact ${target.hostname}: tests talk to 127.0.0.1 only`));
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      { method: options.method ?? "GET", headers: options.headers, timeout: options.timeoutMs ?? 5000, agent: false },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 5000} ms`)));
    request.on("error", reject);
    request.end(options.body);
  });
}

/** Closes a loopback HTTP server and its open connections; settles within `ms` either way. */
export function closeServer(server: http.Server, ms = 3000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeAllConnections();
  });
}

export interface MotoServer {
  readonly port: number;
  readonly url: string;
  /** The access key that answers as the server's account: "test", or with `multiAccount` one moto handed out for it. */
  readonly accessKey: string;
  /** What moto printed so far. */
  log(): string;
  /** Ends moto (SIGTERM, then SIGKILL), bounded in time. */
  stop(): Promise<void>;
  /**
   * A query-API call (IAM, STS) as an unsigned-but-scoped request; moto routes by the credential
   * scope, and answers as the account of `accessKey` (@default the server's account).
   */
  query(service: string, params: Record<string, string>, accessKey?: string): Promise<HttpAnswer>;
  /** The account an access key belongs to (STS GetCallerIdentity, which moto answers without checking the signature). */
  accountOf(accessKey: string): Promise<string | undefined>;
  /** An access key of another account: moto's AssumeRole of a role there answers as that account (moto's multi-account support; moto checks no trust). */
  accessKeyOf(account: string): Promise<string>;
}

/**
 * Starts `moto_server -H 127.0.0.1 -p <free port>` and waits until it answers (at most
 * `readyTimeoutMs`); throws with moto's output if it exits or stays silent.
 */
export async function startMotoServer(options: { accountId: string; readyTimeoutMs?: number; multiAccount?: boolean }): Promise<MotoServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^AWS_/.test(key)) env[key] = value;
  // MOTO_ACCOUNT_ID makes every request that account's, whatever its key: several accounts need it unset.
  Object.assign(env, { AWS_EC2_METADATA_DISABLED: "true" }, options.multiAccount ? {} : { MOTO_ACCOUNT_ID: options.accountId });
  const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout!.setEncoding("utf8").on("data", (c: string) => (output += c));
  child.stderr!.setEncoding("utf8").on("data", (c: string) => (output += c));
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.on("error", (e) => {
      exited = `could not start: ${e.message}`;
      resolve();
    });
    child.on("close", (code, signal) => {
      exited ??= `exited (${code ?? signal})`;
      resolve();
    });
  });

  const stop = async () => {
    if (exited) return;
    killGroup(child, "SIGTERM");
    if (!(await within(exit, 5000))) {
      killGroup(child, "SIGKILL");
      await within(exit, 2000);
    }
  };

  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const deadline = Date.now() + readyTimeoutMs;
  let lastError: string;
  for (;;) {
    if (exited) throw new Error(`moto_server ${exited} before answering on ${url}:\n${tail(output)}`);
    try {
      const answer = await httpRequest(`${url}/moto-api/`, { timeoutMs: 1000 });
      if (answer.status === 200) break;
      lastError = `HTTP ${answer.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto_server did not answer on ${url} within ${readyTimeoutMs / 1000} s (last: ${lastError}); its output:\n${tail(output)}`);
    }
    await sleep(200);
  }

  let ownKey = "test";
  const query: MotoServer["query"] = (service, params, accessKey = ownKey) =>
    httpRequest(`${url}/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: new URLSearchParams(params).toString(),
      timeoutMs: 10_000,
    });
  const sts = async (params: Record<string, string>, accessKey?: string, element = ""): Promise<string | undefined> => {
    const answer = await query("sts", { Version: "2011-06-15", ...params }, accessKey);
    return answer.status === 200 ? new RegExp(`<${element}>([^<]+)</${element}>`).exec(answer.body)?.[1] : undefined;
  };
  const accessKeyOf = async (account: string) => {
    const key = await sts({ Action: "AssumeRole", RoleArn: `arn:aws:iam::${account}:role/moto-seed`, RoleSessionName: "seed" }, "test", "AccessKeyId");
    if (!key) throw new Error(`moto_server gave no access key for account ${account}`);
    return key;
  };
  if (options.multiAccount) ownKey = await accessKeyOf(options.accountId);
  return {
    port,
    url,
    accessKey: ownKey,
    log: () => output,
    stop,
    query,
    accountOf: (accessKey) => sts({ Action: "GetCallerIdentity" }, accessKey, "Account"),
    accessKeyOf,
  };
}

/** The SDK's service ids (`[services]` keys) of the provider's `endpoints` names that differ. */
const SDK_SERVICE_IDS: Readonly<Record<string, string>> = { ssoadmin: "sso_admin" };

/**
 * Provider settings that send `endpoints` (provider service name -> loopback url) through an AWS
 * shared config file written to `configFile` (a `services` section, as AWS_ENDPOINT_URL_<SERVICE>
 * would). Why not the provider's `endpoints` block: aws provider 5.100 spends about 3 s of CPU
 * validating that block (even an empty one) in every validate, plan and apply, against 0.1 s for
 * a profile. Refuses any url that is not 127.0.0.1 or localhost.
 */
export function loopbackEndpoints(configFile: string, endpoints: Readonly<Record<string, string>>): { profile: string; shared_config_files: string[] } {
  const lines = ["[profile loopback]", "services = loopback", "", "[services loopback]"];
  for (const [service, url] of Object.entries(endpoints)) {
    const host = new URL(url).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`endpoint ${service} = ${url} is not a loopback address`);
    lines.push(`${SDK_SERVICE_IDS[service] ?? service} =`, `  endpoint_url = ${url}`);
  }
  fs.writeFileSync(configFile, lines.join("\n") + "\n");
  return { profile: "loopback", shared_config_files: [configFile] };
}

/**
 * Writes `zz_override.tf.json` (Terraform override-file semantics) into `dir`, pointing a
 * synthesized stack's aws provider at moto for `services`, with `extra` provider settings, and
 * its state at `statePath`; the endpoints go in `dir/aws-config` (see {@link loopbackEndpoints}).
 */
export function writeMotoOverride(
  dir: string,
  moto: Pick<MotoServer, "url">,
  statePath: string,
  services: ReadonlyArray<string>,
  extra: Record<string, unknown> = {},
): void {
  const endpoints = loopbackEndpoints(path.join(dir, "aws-config"), Object.fromEntries(services.map((service) => [service, moto.url])));
  const aws = { access_key: "test", secret_key: "test", skip_metadata_api_check: true, skip_region_validation: true, ...extra, ...endpoints };
  const override = {
    "//": "test only (Terraform override-file semantics): aws provider -> moto_server on loopback",
    provider: { aws },
    terraform: { backend: { local: { path: statePath } } },
  };
  fs.writeFileSync(path.join(dir, "zz_override.tf.json"), JSON.stringify(override, null, 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when `promise` settles within `ms` (the timer is cleared either way, so nothing is left pending). */
function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}
