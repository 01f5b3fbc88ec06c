/**
 * Terraform starts its aws provider (a 700 MB binary) for each command, and starting it costs
 * more CPU than most of the tests' commands do otherwise. Tests instead start the provider once in
 * debug mode and let terraform reattach to it (TF_REATTACH_PROVIDERS), the way HashiCorp's
 * terraform-plugin-testing runs providers: the same binary and protocol, only its start is shared.
 * The pool lives in the run's main process (global-setup.js), so every worker and test file shares it.
 *
 * A provider process holds one configuration at a time, so it serves one command at a time: each
 * command leases an idle process (one more starts when all are busy), and a command with more than
 * one aws provider configuration (an alias) borrows one more process per configuration through
 * its relay (support/schema-relay.ts binds each configuration to its own process). The provider
 * reads AWS_* variables from its own environment: a command whose environment differs from the
 * pool's in those variables, or that asks for the provider's log (TF_LOG), starts its own provider
 * as usual. Terraform reaches a pooled provider through that relay, which also narrows its schema
 * to the project's services.
 * CONNECT_SSO_REATTACH=0 (or the plain lane's CONNECT_SSO_PLAIN=1) turns the pool and the relay off.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { startRelay, type Borrowed, type Relay } from "./schema-relay";
import { providerMirror } from "./tools";

/** Variables the provider itself reads: a command may share a process only when they match. */
const PROVIDER_VARIABLES = /^(AWS_.*|HTTPS?_PROXY|NO_PROXY)$/i;
/** A command that wants the provider's log (TF_LOG…) starts its own provider: a reattached one logs elsewhere. */
const LOGGING = /^TF_LOG/;
/** An idle provider is stopped after this long, so the run frees its memory once no test needs it. */
const IDLE_MS = 30_000;
const START_TIMEOUT_MS = 60_000;
/** Terraform commands that start the provider (`init` installs it, and must, for commands run without the pool). */
export const USES_PROVIDER = new Set(["plan", "apply", "show", "validate", "test", "refresh", "import", "console", "destroy"]);

interface Provider {
  readonly child: ChildProcess;
  /** The provider's own unix socket (the relay's upstream). */
  readonly socket: string;
  /** The schema relay terraform talks to (support/schema-relay.ts). */
  readonly relay: Relay;
  /** The value of TF_REATTACH_PROVIDERS. */
  readonly reattach: string;
  idleTimer?: NodeJS.Timeout;
}

/** The mirror's provider binary, or undefined (no offline copy: terraform finds the provider itself). */
function providerBinary(): string | undefined {
  const mirror = providerMirror();
  if (!mirror || process.env.CONNECT_SSO_REATTACH === "0" || process.env.CONNECT_SSO_PLAIN === "1") return undefined;
  const dir = path.join(
    mirror,
    "registry.terraform.io",
    "hashicorp",
    "aws",
    "5.100.0",
    `${process.platform}_${process.arch === "x64" ? "amd64" : process.arch}`,
  );
  const file = fs.existsSync(dir) ? fs.readdirSync(dir).find((f) => f.startsWith("terraform-provider-aws")) : undefined;
  return file && path.join(dir, file);
}

function signature(env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    Object.entries(env)
      .filter(([key]) => PROVIDER_VARIABLES.test(key))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** The provider's reattach configuration pointed at a schema relay in front of it. */
async function relayed(reattach: string, borrow: () => Promise<Borrowed>): Promise<{ socket: string; relay: Relay; reattach: string }> {
  const config = JSON.parse(reattach) as Record<string, { ProtocolVersion: number; Addr: { Network: string; String: string } }>;
  const aws = config["registry.terraform.io/hashicorp/aws"];
  if (aws?.ProtocolVersion !== 5 || aws.Addr.Network !== "unix") {
    throw new Error(`the aws provider offers ${reattach}; the schema relay speaks tfplugin5 on a unix socket only`);
  }
  const relay = await startRelay(aws.Addr.String, borrow);
  return {
    socket: aws.Addr.String,
    relay,
    reattach: JSON.stringify({ ...config, "registry.terraform.io/hashicorp/aws": { ...aws, Addr: { ...aws.Addr, String: relay.socket } } }),
  };
}

function start(binary: string, env: NodeJS.ProcessEnv, borrow: () => Promise<Borrowed>): Promise<Provider> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ["-debug"], { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the aws provider did not print its reattach configuration within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      const found = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(output);
      if (found) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        relayed(found[1], borrow).then(
          ({ socket, relay, reattach }) => resolve({ child, socket, relay, reattach }),
          (error: Error) => {
            child.kill("SIGKILL");
            reject(error);
          },
        );
      }
    });
    child.stderr!.resume();
  });
}

/** The variables a provider started for `env` gets: those it reads, and where to find programs and its home. */
function providerEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (PROVIDER_VARIABLES.test(k) || ["PATH", "HOME", "TMPDIR"].includes(k))) picked[k] = v;
  return picked;
}

/**
 * The pool itself, in the test run's main process (started by global-setup.js): workers lease an
 * idle provider for their environment's signature over a loopback HTTP broker, and give it back.
 * Shared by every worker and test file, so a run starts a few providers, not one per test file.
 */
export async function startProviderBroker(): Promise<{ readonly url: string; stop(): void } | undefined> {
  const binary = providerBinary();
  if (!binary) return undefined;
  const idle = new Map<string, Provider[]>();
  const leased = new Map<number, { provider: Provider; key: string }>();
  const all = new Set<Provider>();
  let nextId = 1;
  const retire = (provider: Provider) => {
    provider.child.kill("SIGKILL");
    provider.relay.close();
    all.delete(provider);
  };
  /** An idle provider for `env`, or a new one. */
  const take = async (key: string, env: Record<string, string>): Promise<Provider> => {
    const free = idle.get(key) ?? [];
    idle.set(key, free);
    const provider = free.pop();
    if (provider?.idleTimer) clearTimeout(provider.idleTimer);
    if (provider && provider.child.exitCode === null) return provider;
    const started = await start(binary, env, async () => {
      const borrowed = await take(key, env);
      return { socket: borrowed.socket, giveBack: () => putBack(borrowed, key) };
    });
    all.add(started);
    return started;
  };
  const putBack = (provider: Provider, key: string) => {
    const free = idle.get(key)!;
    provider.idleTimer = setTimeout(() => {
      free.splice(free.indexOf(provider), 1);
      retire(provider);
    }, IDLE_MS).unref();
    free.push(provider);
  };
  const lease = async (env: Record<string, string>) => {
    const key = signature(env);
    const provider = await take(key, env);
    const id = nextId++;
    leased.set(id, { provider, key });
    return { id, reattach: provider.reattach };
  };
  const release = (id: number) => {
    const found = leased.get(id);
    if (!found) return;
    leased.delete(id);
    found.provider.relay.endCommand();
    putBack(found.provider, found.key);
  };
  const server = http.createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      const answer = (status: number, value: unknown) => response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(value));
      const parsed = JSON.parse(body || "{}") as { env?: Record<string, string>; id?: number };
      if (request.url === "/lease" && parsed.env)
        lease(parsed.env).then(
          (leaseAnswer) => answer(200, leaseAnswer),
          (error: Error) => answer(500, { error: error.message }),
        );
      else if (request.url === "/release" && parsed.id !== undefined) answer(200, release(parsed.id) ?? {});
      else answer(400, { error: `unknown request ${request.url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  const { port } = server.address() as { port: number };
  const stop = () => {
    server.close();
    for (const provider of all) retire(provider);
  };
  // A run that ends without its teardown (interrupted) leaves no provider behind either.
  process.once("exit", stop);
  return { url: `http://127.0.0.1:${port}`, stop };
}

/** A JSON POST to the run's broker. */
function askBroker<T>(broker: string, route: string, body: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${broker}${route}`, { method: "POST", agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      response.on("end", () => {
        let value: T & { error?: string };
        try {
          value = JSON.parse(text) as T & { error?: string };
        } catch {
          reject(new Error(`the provider broker answered ${route} with HTTP ${response.statusCode} and no JSON: ${text.slice(0, 200)}`));
          return;
        }
        if (response.statusCode === 200) resolve(value);
        else reject(new Error(`the provider broker refused ${route}: ${value.error}`));
      });
    });
    request.on("error", reject);
    request.end(JSON.stringify(body));
  });
}

/**
 * Runs `command` (terraform, or a script that runs terraform one command at a time) with an
 * environment that reattaches terraform to a pooled provider when the run has a broker and the
 * environment allows it; otherwise with `env` unchanged.
 */
export async function withPooledProvider<T>(env: NodeJS.ProcessEnv, command: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const broker = process.env.CONNECT_SSO_PROVIDER_BROKER;
  const logging = Object.keys(env).some((key) => LOGGING.test(key) && env[key]);
  if (!broker || logging || env.TF_REATTACH_PROVIDERS) return command(env);
  const { id, reattach } = await askBroker<{ id: number; reattach: string }>(broker, "/lease", { env: providerEnvironment(env) });
  try {
    return await command({ ...env, TF_REATTACH_PROVIDERS: reattach });
  } finally {
    await askBroker(broker, "/release", { id });
  }
}
