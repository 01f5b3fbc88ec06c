/**
 * The bulk reader for drift: one read per Connect instance, shared by every stack of the
 * environment, one instance after another (Connect's rate limit is per account).
 */
import { readConnectUsers, type CallCounts, type ConnectUserFields } from "../connect-users/bulk-reader";

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

/** Reads every instance; rejects with the reader's error when any read fails. */
export async function readInstances(requests: ReadonlyArray<InstanceRequest>): Promise<InstanceAnswer[]> {
  const answers: InstanceAnswer[] = [];
  for (const r of requests) {
    const describe = new Set(r.describe);
    const read = await readConnectUsers({ instanceId: r.instanceId, region: r.region, usernames: r.usernames, needsDescribe: (name) => describe.has(name) });
    answers.push({ instanceId: r.instanceId, users: [...read.users], calls: { ...read.calls } });
  }
  return answers;
}
