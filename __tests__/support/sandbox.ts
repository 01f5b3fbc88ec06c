/**
 * A sandbox for real terraform plans and applies of one environment's stack, offline: moto_server
 * (IAM, STS, identitystore) and the Connect / sso-admin fake, both on 127.0.0.1, seeded with
 * what the environment needs to exist before its first apply (the Connect instance, the
 * profiles and hierarchy groups its users name; the Identity Center instance, application, directory users and the
 * groups it assigns when the environment names the application). Workspaces are folders under the sandbox's temp root, each with a
 * synthesized `cdk.tf.json`, the provider override (support/fake/) and its own state
 * file, so several configurations can be planned against one applied state without applying them.
 *
 * Built on support/terraform.ts (temp folders, bounded terraform runs, moto) and
 * support/fake/ (the fake, the override); nothing here talks to anything but loopback.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import type { Environment } from "../../lib/config/environment";
import { hierarchyLevels, hierarchyPath, NO_HIERARCHY_GROUP } from "../../lib/rules/hierarchy";
import type { PlanJson } from "../../lib/tools/plan/format";
import { asPlan } from "../../lib/tools/plan/read";
import { stackName } from "../../lib/rules/naming";
import { startConnectFake, writeProviderOverride, type ConnectFake } from "./fake";
import { synthesize } from "../../lib/synth/synth";
import { synthStack } from "./environments";
import {
  httpRequest,
  removeTempDir,
  runScript,
  serialQueue,
  startMotoServer,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type HttpAnswer,
  type MotoServer,
  type TerraformSetup,
} from "./terraform";

/** Security profiles every Connect instance has from its creation (the fake's `withDefaults`). */
const DEFAULT_SECURITY_PROFILES = ["Admin", "Agent", "CallCenterManager", "QualityAnalyst"];
const DEFAULT_ROUTING_PROFILES = ["Basic Routing Profile"];
/** Identity store used when the environment leaves it to `aws_ssoadmin_instances`. */
export const SEEDED_IDENTITY_STORE_ID = "d-90670c0ffe";

/** One init at a time per TerraformSetup: the plugin cache is not safe for concurrent inits. */
const initQueues = new WeakMap<TerraformSetup, ReturnType<typeof serialQueue>>();
function initQueue(setup: TerraformSetup): ReturnType<typeof serialQueue> {
  let queue = initQueues.get(setup);
  if (!queue) initQueues.set(setup, (queue = serialQueue()));
  return queue;
}

/**
 * At most `limit` of the wrapped tasks run at a time (terraform plans and applies are CPU-bound
 * while the provider starts; two cores are shared with other test files).
 */
export function limiter(limit: number): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(work: () => Promise<T>) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await work();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

type StackJson = { readonly terraform?: { readonly required_providers?: unknown } };
const LOCK_FILE = ".terraform.lock.hcl";
const dataDirs = new WeakMap<TerraformSetup, Map<string, Promise<string>>>();

/**
 * A folder initialized once for a setup's workspaces that require the same providers: they share
 * its data folder (TF_DATA_DIR) and copy its lock file. They can, because every workspace's backend
 * is the same local one (`terraform.tfstate`, relative: support/fake/provider-override.ts); and
 * it pays, because an init hashes the 700 MB provider binary (0.5 s of CPU) for the lock file.
 * Terraform only reads the data folder outside `init`. Returns the folder.
 */
function sharedDataDir(setup: TerraformSetup, stack: StackJson, init: (dir: string) => Promise<unknown>): Promise<string> {
  const key = JSON.stringify(stack.terraform?.required_providers ?? {});
  let byProviders = dataDirs.get(setup);
  if (!byProviders) dataDirs.set(setup, (byProviders = new Map()));
  let made = byProviders.get(key);
  if (!made) {
    const dir = path.join(setup.root, `tf-data-${byProviders.size + 1}`);
    fs.mkdirSync(dir, { recursive: true });
    const template = { terraform: { required_providers: stack.terraform?.required_providers ?? {}, backend: { local: { path: "terraform.tfstate" } } } };
    fs.writeFileSync(path.join(dir, "main.tf.json"), JSON.stringify(template, null, 2));
    made = init(dir).then(() => dir);
    byProviders.set(key, made);
  }
  return made;
}

export interface SavedPlan {
  /** The binary plan (`terraform plan -out`), applyable as is. */
  readonly planFile: string;
  /** `terraform show -json` of it, in a folder named `connect-sso-<env>` (the review labels it so). */
  readonly jsonFile: string;
  readonly json: PlanJson;
  /** Exit code of `terraform plan -detailed-exitcode`: 0 no changes, 2 changes. */
  readonly exitCode: number;
}

export interface Workspace {
  /** Folder holding cdk.tf.json, zz_override.tf.json and terraform.tfstate; named `connect-sso-<env>`. */
  readonly dir: string;
  readonly statePath: string;
  /** terraform in this folder (`-no-color` added); a failure names what the fake lacks and moto's last words. */
  terraform(args: ReadonlyArray<string>, okCodes?: ReadonlyArray<number>): Promise<CommandResult>;
  /** `plan -detailed-exitcode -out`, then `show -json`, both saved in the folder. */
  plan(extraArgs?: ReadonlyArray<string>): Promise<SavedPlan>;
  /** `apply` of a saved plan, or a fresh `apply -auto-approve` (with `extraArgs`, e.g. -target). */
  apply(plan?: SavedPlan, extraArgs?: ReadonlyArray<string>, okCodes?: ReadonlyArray<number>): Promise<CommandResult>;
}

export interface SandboxOptions {
  /** Shares one temp root, CLI configuration and plugin cache between sandboxes of a test file. */
  readonly setup?: TerraformSetup;
  /** Longest a terraform command may run (a plan of thousands of users takes minutes on a busy machine). @default 120 s */
  readonly terraformTimeoutMs?: number;
}

export interface Sandbox {
  readonly env: Environment;
  readonly setup: TerraformSetup;
  /** Whether this sandbox made `setup` (and removes its root in stop()). */
  readonly ownsSetup: boolean;
  readonly moto: MotoServer;
  readonly fake: ConnectFake;
  /** The existing Connect instance the environment names (undefined when the stack creates one). */
  readonly instanceId?: string;
  /** IDs of the instance's security and routing profiles, by name. */
  readonly profileIds: Readonly<Record<string, string>>;
  /** Identity Center directory user IDs on moto, by user name (when the stack assigns users). */
  readonly identityCenterUserIds: Readonly<Record<string, string>>;
  /** Identity Center group IDs on moto, by display name (the groups `ssoApplication.groups` names). */
  readonly identityCenterGroupIds: Readonly<Record<string, string>>;
  /**
   * A new workspace `<root>/<env>-<name>/connect-sso-<env>` with the stack of `stack` (an Environment to
   * synthesize in-process, or Terraform JSON), optionally starting from a copy of another
   * workspace's state (to plan a change against an applied state without touching it); ready to
   * run, on a data folder initialized once for the sandbox's setup.
   */
  workspace(name: string, stack: Environment | string, options?: { readonly stateFrom?: Workspace }): Promise<Workspace>;
  /** An existing folder with a synthesized cdk.tf.json (e.g. `<outdir>/stacks/connect-sso-dev`): override written, inited. */
  workspaceAt(dir: string): Promise<Workspace>;
  /** An IAM query-API call on moto, parsed from XML; throws unless HTTP 200. */
  iam(params: Record<string, string>): Promise<Record<string, any>>;
  /** A REST call to the fake's Connect API, JSON-parsed; throws unless HTTP 200. */
  connect(method: string, urlPath: string, body?: unknown): Promise<Record<string, any>>;
  /** Ends moto and the fake (and removes the temp root when this sandbox made it); bounded. */
  stop(): Promise<void>;
}

const xml = new XMLParser({ parseTagValue: false, trimValues: false, isArray: (name) => name === "member" });

/** A JSON 1.1 call on moto (identitystore) with a SigV4-shaped credential scope for `region`, as the account of `accessKey`. */
async function motoJson(
  moto: MotoServer,
  service: string,
  target: string,
  region: string,
  body: unknown,
  accessKey = moto.accessKey,
): Promise<Record<string, any>> {
  const answer = await httpRequest(`${moto.url}/`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": target,
      Authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
    timeoutMs: 10_000,
  });
  if (answer.status !== 200) throw new Error(`${target} on moto answered HTTP ${answer.status}:\n${tail(answer.body, 2000)}`);
  return JSON.parse(answer.body) as Record<string, any>;
}

/**
 * Starts moto (answering as the environment's account, so `allowed_account_ids` is checked for
 * real) and the fake, and seeds what must exist before the environment's first apply. With
 * `identityCenter.account`, Identity Center lives in that account: its identity store is seeded
 * there on moto, and the fake's sso-admin answers only callers of that account.
 */
export async function startSandbox(env: Environment, options: SandboxOptions = {}): Promise<Sandbox> {
  const ownsSetup = !options.setup;
  const setup = options.setup ?? terraformSetup(`sandbox-${env.name}`);
  const icAccount = env.identityCenter.account;
  let moto: MotoServer | undefined;
  const [motoStart, fakeStart] = await Promise.allSettled([
    startMotoServer({ accountId: env.account, readyTimeoutMs: 20_000, multiAccount: icAccount !== undefined }).then((m) => (moto = m)),
    startConnectFake({
      accountId: env.account,
      region: env.region,
      identityCenter: icAccount ? { accountId: icAccount, accountOf: async (key) => moto?.accountOf(key) } : undefined,
    }),
  ]);
  const stopAll = async () => {
    await Promise.all([
      motoStart.status === "fulfilled" ? motoStart.value.stop() : undefined,
      fakeStart.status === "fulfilled" ? fakeStart.value.stop() : undefined,
    ]);
    if (ownsSetup) removeTempDir(setup.root);
  };
  if (motoStart.status === "rejected" || fakeStart.status === "rejected") {
    await stopAll();
    throw motoStart.status === "rejected" ? motoStart.reason : (fakeStart as PromiseRejectedResult).reason;
  }
  const motoServer = motoStart.value;
  const connectFake = fakeStart.value;
  try {
    return await seedAndWrap(env, setup, ownsSetup, motoServer, connectFake, stopAll, options.terraformTimeoutMs ?? 120_000);
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function seedAndWrap(
  env: Environment,
  setup: TerraformSetup,
  ownsSetup: boolean,
  motoServer: MotoServer,
  connectFake: ConnectFake,
  stopAll: () => Promise<void>,
  terraformTimeoutMs: number,
): Promise<Sandbox> {
  // Connect: the instance, AWS's default profiles and those the users name (an instance the
  // stack creates gets AWS's defaults from the fake's CreateInstance).
  const profileIds: Record<string, string> = {};
  const instanceId = env.connect.kind === "existing" ? env.connect.instanceId : undefined;
  if (instanceId) {
    connectFake.addInstance({ id: instanceId, identityManagementType: "SAML", region: env.region });
    const security = new Set([...DEFAULT_SECURITY_PROFILES, ...env.users.flatMap((u) => u.securityProfiles)]);
    const routing = new Set([...DEFAULT_ROUTING_PROFILES, ...env.users.map((u) => u.routingProfile)]);
    for (const name of security) profileIds[name] = connectFake.addSecurityProfile(instanceId, name).id;
    for (const name of routing) profileIds[name] = connectFake.addRoutingProfile(instanceId, name).id;
    // The hierarchy groups the users name, level by level (a parent before its children), each once.
    const groupIds = new Map<string, string>();
    for (const levels of env.users.flatMap((u) =>
      u.hierarchyGroup === undefined || u.hierarchyGroup === NO_HIERARCHY_GROUP ? [] : [hierarchyLevels(u.hierarchyGroup)],
    )) {
      levels.forEach((name, i) => {
        const groupPath = hierarchyPath(levels.slice(0, i + 1));
        const parentId = groupIds.get(hierarchyPath(levels.slice(0, i)));
        if (!groupIds.has(groupPath)) groupIds.set(groupPath, connectFake.addHierarchyGroup(instanceId, name, parentId).id);
      });
    }
  }

  // Identity Center: the console-made application, the instance (when the stack looks the store
  // up) and the directory users the assignments name (unless the stack creates them).
  const identityCenterUserIds: Record<string, string> = {};
  const identityCenterGroupIds: Record<string, string> = {};
  const applicationArn = env.ssoApplication.applicationArn;
  if (applicationArn) {
    const identityStoreId = env.identityCenter.identityStoreId ?? SEEDED_IDENTITY_STORE_ID;
    const accessKey = env.identityCenter.account ? await motoServer.accessKeyOf(env.identityCenter.account) : undefined;
    const parts = /^arn:([^:]+):sso::\d{12}:application\/(ssoins-[0-9a-f]+)\//.exec(applicationArn);
    const ssoInstanceArn = parts ? `arn:${parts[1]}:sso:::instance/${parts[2]}` : undefined;
    connectFake.addSsoInstance({ identityStoreId, instanceArn: ssoInstanceArn });
    connectFake.addApplication(applicationArn, { name: env.ssoApplication.displayName, instanceArn: ssoInstanceArn });
    if (!env.identityCenter.createUsers) {
      for (const user of env.users) {
        const created = await motoJson(
          motoServer,
          "identitystore",
          "AWSIdentityStore.CreateUser",
          env.identityCenter.region,
          {
            IdentityStoreId: identityStoreId,
            UserName: user.username,
            DisplayName: `${user.firstName} ${user.lastName}`,
            Name: { GivenName: user.firstName, FamilyName: user.lastName },
            Emails: [{ Value: user.username, Type: "work", Primary: true }],
          },
          accessKey,
        );
        identityCenterUserIds[user.username] = created.UserId;
      }
    }
    for (const group of env.ssoApplication.groups ?? []) {
      const created = await motoJson(
        motoServer,
        "identitystore",
        "AWSIdentityStore.CreateGroup",
        env.identityCenter.region,
        {
          IdentityStoreId: identityStoreId,
          DisplayName: group,
        },
        accessKey,
      );
      identityCenterGroupIds[group] = created.GroupId;
    }
  }

  const queue = initQueue(setup);
  const runIn = (cwd: string, args: ReadonlyArray<string>, okCodes: ReadonlyArray<number> = [0], env: NodeJS.ProcessEnv = {}) =>
    terraform(setup, cwd, [...args, "-no-color"], { timeoutMs: terraformTimeoutMs, okCodes, env }).catch((error: Error) => {
      const missing = connectFake.unimplemented().map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ""}`);
      throw new Error(
        `${error.message}\n--- not implemented by the fake: ${missing.length ? missing.join(", ") : "none"}\n--- moto_server output ---\n${tail(motoServer.log(), 1500)}`,
      );
    });

  /** A workspace in `dir`: its own init, or (with `env.TF_DATA_DIR`) a shared data folder already initialized. */
  const prepare = async (dir: string, env: NodeJS.ProcessEnv = {}): Promise<Workspace> => {
    writeProviderOverride(dir, { connectUrl: connectFake.url, motoUrl: motoServer.url, accessKey: motoServer.accessKey });
    if (!env.TF_DATA_DIR) await queue(() => runIn(dir, ["init", "-input=false"]));
    const statePath = path.join(dir, "terraform.tfstate");
    let plans = 0;
    const run = (cwd: string, args: ReadonlyArray<string>, okCodes?: ReadonlyArray<number>) => runIn(cwd, args, okCodes, env);
    const workspace: Workspace = {
      dir,
      statePath,
      terraform: (args, okCodes) => run(dir, args, okCodes),
      plan: async (extraArgs = []) => {
        const n = ++plans;
        const planFile = path.join(dir, `plan-${n}.tfplan`);
        const planned = await run(dir, ["plan", "-input=false", "-lock=false", "-detailed-exitcode", `-out=${planFile}`, ...extraArgs], [0, 2]);
        const shown = await run(dir, ["show", "-json", planFile]);
        // A folder per plan keeps `connect-sso-<env>` the nearest named part of the path.
        const jsonFile = path.join(dir, "plans", String(n), `${path.basename(dir)}.json`);
        fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
        fs.writeFileSync(jsonFile, shown.stdout);
        return { planFile, jsonFile, json: asPlan(JSON.parse(shown.stdout)), exitCode: planned.code! };
      },
      apply: (plan, extraArgs = [], okCodes) =>
        run(dir, plan ? ["apply", "-input=false", ...extraArgs, plan.planFile] : ["apply", "-input=false", "-auto-approve", ...extraArgs], okCodes),
    };
    return workspace;
  };

  return {
    env,
    setup,
    ownsSetup,
    moto: motoServer,
    fake: connectFake,
    instanceId,
    profileIds,
    identityCenterUserIds,
    identityCenterGroupIds,
    workspace: async (name, stack, wsOptions = {}) => {
      const stackEnv = typeof stack === "string" ? env : stack;
      const dir = path.join(setup.root, `${env.name}-${name}`, stackName(stackEnv.name));
      fs.mkdirSync(dir, { recursive: true });
      const json = typeof stack === "string" ? stack : synthStack(stack);
      fs.writeFileSync(path.join(dir, "cdk.tf.json"), json);
      const dataDir = await sharedDataDir(setup, JSON.parse(json) as StackJson, (template) => queue(() => runIn(template, ["init", "-input=false"])));
      fs.copyFileSync(path.join(dataDir, LOCK_FILE), path.join(dir, LOCK_FILE));
      const workspace = await prepare(dir, { TF_DATA_DIR: path.join(dataDir, ".terraform") });
      if (wsOptions.stateFrom) fs.copyFileSync(wsOptions.stateFrom.statePath, workspace.statePath);
      return workspace;
    },
    workspaceAt: prepare,
    iam: async (params) => {
      const answer: HttpAnswer = await motoServer.query("iam", { Version: "2010-05-08", ...params });
      if (answer.status !== 200) throw new Error(`IAM ${params.Action} on moto answered HTTP ${answer.status}:\n${tail(answer.body, 2000)}`);
      return xml.parse(answer.body) as Record<string, any>;
    },
    connect: async (method, urlPath, body) => {
      const answer = await httpRequest(`${connectFake.url}${urlPath}`, {
        method,
        headers: {
          "Content-Type": "application/json",
          Authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${env.region}/connect/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (answer.status !== 200) throw new Error(`Connect ${method} ${urlPath} on the fake answered HTTP ${answer.status}: ${answer.body}`);
      return answer.body ? (JSON.parse(answer.body) as Record<string, any>) : {};
    },
    stop: stopAll,
  };
}

/**
 * A person's project folder on the sandbox's temp root (`project/`, with `environments/` and
 * `cdktf.out/`): synthesized and scripted as `npm run` would, CI unset (a try-out: local state).
 */
export interface SandboxProject {
  readonly dir: string;
  readonly environmentsDir: string;
  readonly outdir: string;
  /** `npm run synth`, in-process; throws with synth's log when it fails. */
  synth(): void;
  /** A synthesized stack's folder. */
  stackDir(stack: string): string;
  /** `npm run <script> -- <args>` in the folder, to its end. */
  run(script: string, args: ReadonlyArray<string>, timeoutMs?: number): Promise<CommandResult>;
}

export interface SandboxProjectOptions {
  /**
   * Point the bulk reader's SDK chain at the fake (test credentials, no retries), for fast drift
   * and fast refresh; otherwise scripts get the sandbox's terraform environment only.
   * @default true
   */
  readonly bulkReader?: boolean;
}

export function sandboxProject(sandbox: Sandbox, options: SandboxProjectOptions = {}): SandboxProject {
  const dir = path.join(sandbox.setup.root, "project");
  const environmentsDir = path.join(dir, "environments");
  const outdir = path.join(dir, "cdktf.out");
  fs.mkdirSync(environmentsDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...sandbox.setup.env, CI: "", CONNECT_SSO_ENVIRONMENTS: environmentsDir, CDKTF_OUTDIR: outdir };
  if (options.bulkReader ?? true) {
    Object.assign(env, { AWS_ENDPOINT_URL_CONNECT: sandbox.fake.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_MAX_ATTEMPTS: "1" });
  }
  return {
    dir,
    environmentsDir,
    outdir,
    synth: () => {
      const log: string[] = [];
      const code = synthesize({ environmentsDir, outdir, now: new Date(), cwd: dir, allowIdentityChange: new Set(), log: (l) => log.push(l) });
      if (code !== 0) throw new Error(`synth failed:\n${log.join("\n")}`);
    },
    stackDir: (stack) => path.join(outdir, "stacks", stack),
    run: (script, args, timeoutMs = 150_000) => runScript(script, args, { cwd: dir, env, timeoutMs }),
  };
}

/**
 * A sandbox of `env` for the test file's tests: started before them, stopped after them. Returns
 * its getter, which throws when it did not start (beforeAll's failure is then the one to read).
 */
export function sandboxForTests(env: Environment): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(env);
  }, 60_000);
  afterAll(async () => {
    await sandbox?.stop();
  }, 30_000);
  return () => {
    if (!sandbox) throw new Error("the sandbox did not start (see beforeAll)");
    return sandbox;
  };
}
