/**
 * The bulk reader run from synchronous code: drift waits for terraform with spawnSync, so the
 * (asynchronous) reader runs in a child node process started with this process's own loader
 * flags (tsx), and answers JSON on stdout. One read per Connect instance, shared by every stack.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import type { CallCounts, ConnectUserFields } from "../connect-users/bulk-reader";

/** One instance to read: its managed user names and those that need a DescribeUser. */
export interface InstanceRequest {
  readonly instanceId: string;
  readonly region: string;
  readonly usernames: ReadonlyArray<string>;
  readonly describe: ReadonlyArray<string>;
}

/** One instance's users (name → fields or "missing") and the calls the read made. */
export interface InstanceAnswer {
  readonly instanceId: string;
  readonly users: ReadonlyArray<readonly [string, ConnectUserFields | "missing"]>;
  readonly calls: CallCounts;
}

export const CHILD_FILE = path.join(__dirname, "read-users-child.ts");

/** Reads every instance, one after another; throws an Error with the reader's message when any read fails. */
export function readInstancesSync(requests: ReadonlyArray<InstanceRequest>): InstanceAnswer[] {
  if (requests.length === 0) return [];
  const child = spawnSync(process.execPath, [...process.execArgv, CHILD_FILE], {
    input: JSON.stringify(requests),
    encoding: "utf8",
    maxBuffer: 512 * 1024 * 1024,
  });
  if (child.status !== 0)
    throw new Error(`reading the Connect users failed${child.error ? ` (${child.error.message})` : ""}: ${(child.stderr || child.stdout).trim()}`);
  return JSON.parse(child.stdout) as InstanceAnswer[];
}
