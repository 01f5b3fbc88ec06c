/**
 * Example environments as the tests see them: loaded from examples/environments/ at a fixed instant, so
 * snapshots and certificate checks do not depend on the day the tests run.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Testing, type App } from "cdktf";
import type { Environment } from "../../lib/config/environment";
import { loadEnvironments } from "../../lib/config/load";
import { ConnectSsoStack } from "../../stacks/connect-sso-stack";
import { REPO } from "./tools";

// REPO is owned by tools.ts (light to import); tests that load examples take it from here too.
export { REPO };
export const EXAMPLES_DIR = path.join(REPO, "examples", "environments");
/** The examples' certificates were made on 2026-11-27 and are valid for five years. */
export const TEST_NOW = new Date("2026-12-01T00:00:00Z");

export function exampleEnvironments(): Environment[] {
  const { environments, problems } = loadEnvironments({ dir: EXAMPLES_DIR, now: TEST_NOW, cwd: REPO });
  if (problems.length) throw new Error(`examples have problems:\n${problems.map((p) => JSON.stringify(p)).join("\n")}`);
  return environments;
}

export function exampleEnvironment(name: string): Environment {
  const found = exampleEnvironments().find((e) => e.name === name);
  if (!found) throw new Error(`no example environment ${name}`);
  return found;
}

/** Identity Center's account in crossAccountEnvironment: the organization's management account, say. */
export const IDENTITY_CENTER_ACCOUNT = "999988887777";

/**
 * The staging example with Identity Center in another account (`identityCenter.account`), its
 * application there: what most organizations have (Identity Center in the management or a
 * delegated administrator account).
 */
export function crossAccountEnvironment(name = "staging"): Environment {
  const env = exampleEnvironment(name);
  const applicationArn = env.ssoApplication.applicationArn!.replace(`::${env.account}:`, `::${IDENTITY_CENTER_ACCOUNT}:`);
  return { ...env, identityCenter: { ...env.identityCenter, account: IDENTITY_CENTER_ACCOUNT }, ssoApplication: { ...env.ssoApplication, applicationArn } };
}

const appDirs: string[] = [];
// Testing.app() leaves a temp folder per call; these are removed after each test file.
afterAll(() => appDirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** cdktf's testing app, writing into a temp folder that is removed after the test file. */
export function testApp(): App {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-app-"));
  appDirs.push(outdir);
  return Testing.app({ outdir });
}

/**
 * `synth()` once per test run for `key` (an example's stack, never a variant): kept in the run's
 * shared folder (support/global-setup.js), so every test file after the first reads it instead of
 * synthesizing again. Written to a temp name and renamed, so a reader never sees half a file.
 */
export function sharedSynth(key: string, synth: () => string): string {
  const dir = process.env.CONNECT_SSO_TEST_CACHE;
  if (!dir) return synth();
  const file = path.join(dir, `${key.replace(/[^\w.-]/g, "_")}.json`);
  if (fs.existsSync(file)) return fs.readFileSync(file, "utf8");
  const text = synth();
  const partial = `${file}.${process.pid}`;
  fs.writeFileSync(partial, text);
  fs.renameSync(partial, file);
  return text;
}

/** Synthesized Terraform JSON (as a string) of one environment's stack. */
export function synthStack(environment: Environment): string {
  const app = testApp();
  return Testing.synth(new ConnectSsoStack(app, { environment }));
}

/**
 * Connect calls of one refreshing plan of dev with both users in state, by operation: the
 * instance data source reads the instance and 7 attributes; each security profile look-up lists,
 * describes and lists permissions; the routing profile look-up lists, describes and lists queues;
 * each user is one DescribeUser (its tags come with it: no ListTagsForResource).
 */
export const DEV_PLAN_CONNECT_CALLS = {
  DescribeInstance: 1,
  DescribeInstanceAttribute: 7,
  ListSecurityProfiles: 2,
  DescribeSecurityProfile: 2,
  ListSecurityProfilePermissions: 2,
  ListRoutingProfiles: 1,
  DescribeRoutingProfile: 1,
  ListRoutingProfileQueues: 1,
  DescribeUser: 2,
};
