/**
 * `npm run users -- import-live <env>`: adopts a contact center that exists. Reads every user of
 * the environment's Connect instance in bulk (lib/tools/connect-users: SearchUsers pages, one
 * DescribeUser per user for the secondary email, the profiles' and hierarchy groups' names),
 * merges them into the environment file with the CSV import's merge engine (Connect's values win
 * for the fields it holds; users Connect does not have stay), and records each adopted user's
 * Connect ID under `adopt.userIds`, so the next plan imports them instead of creating anyone.
 *
 * Users who cannot be written as they are (a user name that cannot sign in through SAML, a value
 * the file cannot hold) are listed and left out. Any read that fails, or a merged file synth
 * would refuse, writes nothing.
 */
import type { ConnectClient } from "@aws-sdk/client-connect";
import type { UserEntry } from "../../config/schema";
import { ConnectReadError, readInstanceUsers } from "../connect-users/bulk-reader";
import { readInstanceNames } from "../connect-users/names";
import type { ToolIo } from "../io";
import type { UserField } from "../users-csv/columns";
import { FIELD_ORDER, mergeUsers, type IncomingUser } from "../users-csv/merge";
import { withAdoptedUserIds } from "./adopt-ids";
import { FileProblems, load, problem, SourceError, writeChecked, type Place } from "./environment-file";
import { liveUser, type Skipped } from "./live-user";

/** Every field Connect holds for a user (the hierarchy group only where the environment manages groups). */
const LIVE_FIELDS: ReadonlyArray<UserField> = FIELD_ORDER.filter((field) => field !== "username" && field !== "hierarchyGroup");

export interface LiveClients {
  /** Default: the SDK's (its credential chain, AWS_ENDPOINT_URL_CONNECT), in the environment's region. */
  readonly connect?: ConnectClient;
}

/** Runs import-live for one environment; returns the exit code (refusals throw, see environment-file.ts). */
export async function importLive(name: string, place: Place, io: ToolIo, clients: LiveClients = {}): Promise<number> {
  const env = load(name, place);
  const { environment } = env;
  const shown = place.shown(env.file);
  if (environment.connect.kind !== "existing")
    throw new FileProblems([
      problem(shown, "import-live reads the users of an existing instance; allowed: connect.instanceId (this file has connect.create)", "connect"),
    ]);
  const instanceId = environment.connect.instanceId;
  const manage = environment.manageHierarchyGroups ?? false;

  let read;
  let names;
  try {
    read = await readInstanceUsers({ instanceId, region: environment.region, needsDescribe: () => true }, clients.connect);
    const groups = manage ? read.users.flatMap((u) => (u.hierarchyGroupId === undefined ? [] : [u.hierarchyGroupId])) : [];
    names = await readInstanceNames({ instanceId, region: environment.region, hierarchyGroupIds: groups }, clients.connect);
  } catch (error) {
    if (error instanceof ConnectReadError) throw new SourceError(error.message);
    throw error;
  }

  const context = { names, manageHierarchyGroups: manage, environmentTags: environment.tags };
  const { adopted, skipped } = adoptable(
    read.users.map((fields) => liveUser(fields, context)),
    environment.users,
  );
  const merged = mergeUsers({
    text: env.text,
    current: environment.users,
    incoming: adopted.map((a) => a.incoming),
    fields: new Set<UserField>([...LIVE_FIELDS, ...(manage ? (["hierarchyGroup"] as const) : [])]),
    keepWhenEmpty: new Set(),
    replace: false,
  });
  let text: string;
  try {
    text = withAdoptedUserIds(
      merged.text,
      adopted.map((a) => [a.incoming.user.username, a.id] as const),
    );
  } catch (error) {
    throw new FileProblems([problem(shown, `cannot be edited in place: ${(error as Error).message}; write adopt as a block mapping`, "adopt")]);
  }

  for (const s of skipped) io.err(`users: not imported: ${describeSkipped(s)}`);
  const calls = { ...read.calls, ...names.calls };
  const counted = Object.entries(calls)
    .filter(([, n]) => n > 0)
    .map(([op, n]) => `${op} ${n}`)
    .join(", ");
  io.err(`users: read ${read.users.length} users of Connect instance ${instanceId} (${counted})`);
  if (text === env.text) {
    io.err(`users: ${shown}: no changes (${adopted.length} users of the instance match the file; ${skipped.length} not imported)`);
    return 0;
  }
  const written = writeChecked(name, env, text, place, io);
  io.err(
    `users: ${shown}: ${merged.added} added, ${merged.updated} updated, ${adopted.length} adopted by ID (adopt.userIds), ${skipped.length} not imported; ${written.users.length} users`,
  );
  io.err("users: the next plan imports the adopted users (review it: an import that changes a user shows what changes); then remove adopt.userIds");
  return 0;
}

/** One line for a skipped user: who, the field and value, and why. */
export function describeSkipped(s: Skipped): string {
  const what = s.field === undefined ? "" : ` ${s.field} ${JSON.stringify(s.value)}`;
  return `${s.username}:${what}: ${s.reason}`;
}

type Adopted = { readonly incoming: IncomingUser; readonly id: string };

/**
 * The live users that can be adopted, and the others with why: user names are unique ignoring case
 * (Identity Center matches them so), also against the file's users; a user whose security profiles
 * are the file's in another order keeps the file's order (Connect keeps a set).
 */
export function adoptable(
  live: ReadonlyArray<{ readonly incoming: IncomingUser; readonly id: string } | { readonly skipped: Skipped }>,
  current: ReadonlyArray<UserEntry>,
): { adopted: Adopted[]; skipped: Skipped[] } {
  const inFile = new Map(current.map((u) => [u.username.toLowerCase(), u]));
  const taken = new Map<string, string>();
  const adopted: Adopted[] = [];
  const skipped: Skipped[] = [];
  for (const entry of live) {
    if ("skipped" in entry) {
      skipped.push(entry.skipped);
      continue;
    }
    const { user } = entry.incoming;
    const key = user.username.toLowerCase();
    const same = inFile.get(key);
    const earlier = taken.get(key);
    if ((same && same.username !== user.username) || earlier !== undefined) {
      const other = earlier ?? same!.username;
      skipped.push({
        username: user.username,
        field: "username",
        value: user.username,
        reason: `differs from ${JSON.stringify(other)} (${earlier !== undefined ? "in Connect" : "in the file"}) only in case; user names must be unique ignoring case (Identity Center matches them so): keep one in Connect`,
      });
      continue;
    }
    taken.set(key, user.username);
    const order = same && sameSet(same.securityProfiles, user.securityProfiles) ? same.securityProfiles : user.securityProfiles;
    adopted.push({ ...entry, incoming: { ...entry.incoming, user: { ...user, securityProfiles: [...order] } } });
  }
  return { adopted, skipped };
}

const sameSet = (a: ReadonlyArray<string>, b: ReadonlyArray<string>) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
