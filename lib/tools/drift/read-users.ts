/**
 * The bulk reader for drift and the pipeline's fast refresh: one read per Connect instance, shared
 * by every stack given, one instance after another (Connect's rate limit is per account).
 */
import { readConnectUsers, type CallCounts, type ConnectUserFields } from "../connect-users/bulk-reader";
import { needsDescribe, type StackState, type StateUser } from "./compare";

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
  readonly region: string;
  readonly users: ReadonlyArray<readonly [string, ConnectUserFields | "missing"]>;
  readonly calls: CallCounts;
}

/** Reads every instance; rejects with the reader's error when any read fails. */
export async function readInstances(requests: ReadonlyArray<InstanceRequest>): Promise<InstanceAnswer[]> {
  const answers: InstanceAnswer[] = [];
  for (const r of requests) {
    const describe = new Set(r.describe);
    const read = await readConnectUsers({ instanceId: r.instanceId, region: r.region, usernames: r.usernames, needsDescribe: (name) => describe.has(name) });
    answers.push({ instanceId: r.instanceId, region: r.region, users: [...read.users], calls: { ...read.calls } });
  }
  return answers;
}

/** The reads covering the users of these stacks' states: one per region and instance; DescribeUser for users whose state sets a secondary email. */
export function instanceRequests(stacks: ReadonlyArray<{ readonly state: StackState; readonly region: string }>): InstanceRequest[] {
  const requests = new Map<string, { instanceId: string; region: string; usernames: Set<string>; describe: Set<string> }>();
  for (const { state, region } of stacks)
    for (const user of state.users) {
      const key = `${region}/${user.instanceId}`;
      const request = requests.get(key) ?? { instanceId: user.instanceId, region, usernames: new Set<string>(), describe: new Set<string>() };
      request.usernames.add(user.username);
      if (needsDescribe(user)) request.describe.add(user.username);
      requests.set(key, request);
    }
  return [...requests.values()].map((r) => ({ ...r, usernames: [...r.usernames], describe: [...r.describe] }));
}

/** A lookup of Connect's answer for a user of a stack in `region`; it throws when the answers do not cover the user (a request was left out). */
export function answerLookup(answers: ReadonlyArray<InstanceAnswer>): (region: string, user: StateUser) => ConnectUserFields | "missing" {
  const byKey = new Map(answers.flatMap((a) => a.users.map(([name, fields]) => [`${a.region}/${a.instanceId}/${name}`, fields] as const)));
  return (region, user) => {
    const found = byKey.get(`${region}/${user.instanceId}/${user.username}`);
    if (found === undefined) throw new Error(`the bulk read has no answer for ${user.address}`);
    return found;
  };
}

/** The calls of each instance's read, e.g. `<instance>: SearchUsers 1, ListUsers 0, DescribeUser 1`; "none" without reads. */
export function callSummary(answers: ReadonlyArray<InstanceAnswer>): string {
  const each = answers.map(
    (a) =>
      `${a.instanceId}: ${Object.entries(a.calls)
        .map(([op, n]) => `${op} ${n}`)
        .join(", ")}`,
  );
  return each.join("; ") || "none";
}
