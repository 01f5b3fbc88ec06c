/**
 * Example environments as the tests see them: loaded from environments/ at a fixed instant, so
 * snapshots and certificate checks do not depend on the day the tests run.
 */
import * as path from "node:path";
import { Testing } from "cdktf";
import type { Environment } from "../../lib/config/environment";
import { loadEnvironments } from "../../lib/config/load";
import { ConnectSsoStack } from "../../stacks/connect-sso-stack";

export const REPO = path.resolve(__dirname, "..", "..");
export const EXAMPLES_DIR = path.join(REPO, "environments");
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

/** Synthesized Terraform JSON (as a string) of one environment's stack. */
export function synthStack(environment: Environment): string {
  const app = Testing.app();
  return Testing.synth(new ConnectSsoStack(app, { environment }));
}
