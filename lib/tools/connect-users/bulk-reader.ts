/**
 * A bulk reader of an environment's Connect users: SearchUsers pages over the instance
 * (up to 500 users a call) instead of one DescribeUser per user, DescribeUser only for users whose
 * configuration needs a field SearchUsers does not return (the secondary email), and ListUsers (up
 * to 1,000 names a call) where only existence matters.
 *
 * Endpoint, credentials and retries come from the SDK's usual chain: `AWS_ENDPOINT_URL_CONNECT`
 * (or `AWS_ENDPOINT_URL`), the credential provider chain, `AWS_MAX_ATTEMPTS` / `AWS_RETRY_MODE`
 * (`adaptive` paces the calls to Connect's 2 requests/s). A call the SDK gives up on (throttled
 * past its attempts, or refused) becomes a {@link ConnectReadError} naming the operation and instance.
 */
import { ConnectClient, DescribeUserCommand, ListUsersCommand, SearchUsersCommand, type User, type UserSearchSummary } from "@aws-sdk/client-connect";

/** The operations the reader calls, as the cost model counts them. */
export type ReadOperation = "SearchUsers" | "ListUsers" | "DescribeUser";

/** API calls made, by operation (each retry of the SDK counts once with its call). */
export type CallCounts = Record<ReadOperation, number>;

/** SearchUsers' MaxResults (MaxResult500 of the current API model; older models said MaxResult100). */
export const SEARCH_USERS_MAX_RESULTS = 500;
/** ListUsers' MaxResults (MaxResult1000). */
export const LIST_USERS_MAX_RESULTS = 1000;
/** The reader's default SearchUsers page: 100, the limit every version of the model accepts. */
export const DEFAULT_SEARCH_PAGE_SIZE = 100;

export interface ReadConnectUsersOptions {
  /** The Connect instance's ID. */
  readonly instanceId: string;
  /** The instance's region (the client's, when none is given). */
  readonly region: string;
  /** The user names the stack manages; matched exactly, case included, as Connect does. */
  readonly usernames: ReadonlyArray<string>;
  /** Whether this user's configuration sets a field SearchUsers does not return (today: a secondary email), so it needs a DescribeUser. */
  readonly needsDescribe: (username: string) => boolean;
  /** SearchUsers' MaxResults, 1..{@link SEARCH_USERS_MAX_RESULTS}. @default DEFAULT_SEARCH_PAGE_SIZE */
  readonly pageSize?: number;
}

/** The secondary email: read only by DescribeUser, so a user read by SearchUsers alone has `{ read: false }` (unknown, not "none"). */
export type SecondaryEmail = { readonly read: false } | { readonly read: true; readonly value?: string };

/** The fields of one Connect user that the stack manages (aws_connect_user), as Connect holds them. */
export interface ConnectUserFields {
  readonly id: string;
  readonly arn: string;
  readonly username: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly secondaryEmail: SecondaryEmail;
  readonly phoneType: string;
  readonly deskPhoneNumber?: string;
  readonly autoAccept: boolean;
  /** Seconds (SearchUsers answers milliseconds; the reader converts). */
  readonly afterContactWorkTimeLimit: number;
  /** A set, in Connect's order. */
  readonly securityProfileIds: ReadonlyArray<string>;
  readonly routingProfileId: string;
  readonly hierarchyGroupId?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Which answer the fields come from. */
  readonly readBy: "SearchUsers" | "DescribeUser";
}

export interface ConnectUsersRead {
  /** Every managed user name: its fields, or "missing" when the instance has no user of that name. */
  readonly users: ReadonlyMap<string, ConnectUserFields | "missing">;
  readonly calls: Readonly<CallCounts>;
}

/** A read that could not be completed: the reader never returns a partial or guessed answer. */
export class ConnectReadError extends Error {}

const noCalls = (): CallCounts => ({ SearchUsers: 0, ListUsers: 0, DescribeUser: 0 });

const errorName = (error: unknown) => (error as { name?: string }).name ?? "Error";

/** Sends one call, counted; a failure the SDK gave up on becomes a ConnectReadError naming it. */
async function counted<T>(calls: CallCounts, operation: ReadOperation, instanceId: string, send: () => Promise<T>): Promise<T> {
  calls[operation] += 1;
  try {
    return await send();
  } catch (error) {
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    const retried = attempts > 1 ? ` (the SDK gave up after ${attempts} attempts)` : "";
    throw new ConnectReadError(`${operation} on Connect instance ${instanceId} failed${retried}: ${errorName(error)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Pages one list operation to its end; a NextToken answered twice would loop forever, so it is refused. */
async function allPages<T>(operation: ReadOperation, instanceId: string, fetch: (token: string | undefined) => Promise<{ items: T[]; next?: string }>) {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    items.push(...page.items);
    token = page.next || undefined;
    if (token !== undefined && seen.has(token)) throw new ConnectReadError(`${operation} on Connect instance ${instanceId} answered the same NextToken twice.`);
    if (token !== undefined) seen.add(token);
  } while (token !== undefined);
  return items;
}

function checkPageSize(options: Pick<ReadConnectUsersOptions, "instanceId" | "pageSize">): number {
  if (!options.instanceId) throw new ConnectReadError("instanceId is required.");
  const pageSize = options.pageSize ?? DEFAULT_SEARCH_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SEARCH_USERS_MAX_RESULTS)
    throw new ConnectReadError(`pageSize ${pageSize} must be an integer from 1 to ${SEARCH_USERS_MAX_RESULTS} (SearchUsers' MaxResults).`);
  return pageSize;
}

function checkOptions(options: ReadConnectUsersOptions): number {
  const pageSize = checkPageSize(options);
  const duplicate = options.usernames.find((name, i) => options.usernames.indexOf(name) !== i);
  if (duplicate !== undefined) throw new ConnectReadError(`user name ${JSON.stringify(duplicate)} is given twice.`);
  return pageSize;
}

/** A member the answer must carry; its absence means the answer is not what the reader understands. */
function required<T>(value: T | undefined, what: string, username: string, operation: ReadOperation): T {
  if (value === undefined || value === null) throw new ConnectReadError(`${operation} answered user ${JSON.stringify(username)} without ${what}.`);
  return value;
}

/** The managed fields of a SearchUsers summary or a DescribeUser answer. */
function fieldsOf(user: UserSearchSummary | User, operation: "SearchUsers" | "DescribeUser"): ConnectUserFields {
  const username = required(user.Username, "Username", "?", operation);
  const phone = required(user.PhoneConfig, "PhoneConfig", username, operation);
  const limit = required(phone.AfterContactWorkTimeLimit, "PhoneConfig.AfterContactWorkTimeLimit", username, operation);
  // "AfterContactWorkTimeLimit is returned in milliseconds" by SearchUsers only (API reference).
  // A value that is not whole seconds means the unit is not what AWS documents: refuse rather than guess.
  if (operation === "SearchUsers" && limit % 1000 !== 0)
    throw new ConnectReadError(
      `SearchUsers answered AfterContactWorkTimeLimit ${limit} for user ${JSON.stringify(username)}: not whole seconds in milliseconds.`,
    );
  const info = user.IdentityInfo;
  const secondary = operation === "DescribeUser" ? (user as User).IdentityInfo?.SecondaryEmail : undefined;
  return {
    id: required(user.Id, "Id", username, operation),
    arn: required(user.Arn, "Arn", username, operation),
    username,
    ...(info?.FirstName !== undefined ? { firstName: info.FirstName } : {}),
    ...(info?.LastName !== undefined ? { lastName: info.LastName } : {}),
    secondaryEmail: operation === "DescribeUser" ? { read: true, ...(secondary !== undefined ? { value: secondary } : {}) } : { read: false },
    phoneType: required(phone.PhoneType, "PhoneConfig.PhoneType", username, operation),
    ...(phone.DeskPhoneNumber ? { deskPhoneNumber: phone.DeskPhoneNumber } : {}),
    autoAccept: phone.AutoAccept ?? false,
    afterContactWorkTimeLimit: operation === "SearchUsers" ? limit / 1000 : limit,
    securityProfileIds: [...(user.SecurityProfileIds ?? [])],
    routingProfileId: required(user.RoutingProfileId, "RoutingProfileId", username, operation),
    ...(user.HierarchyGroupId ? { hierarchyGroupId: user.HierarchyGroupId } : {}),
    tags: { ...(user.Tags ?? {}) },
    readBy: operation,
  };
}

const defaultClient = (region: string) => new ConnectClient({ region });

/** One DescribeUser; undefined when the user is gone (deleted since it was listed). */
async function describe(client: ConnectClient, calls: CallCounts, instanceId: string, userId: string): Promise<ConnectUserFields | undefined> {
  try {
    const answer = await counted(calls, "DescribeUser", instanceId, () => client.send(new DescribeUserCommand({ InstanceId: instanceId, UserId: userId })));
    return fieldsOf(required(answer.User, "User", userId, "DescribeUser"), "DescribeUser");
  } catch (error) {
    if (error instanceof ConnectReadError && errorName(error.cause) === "ResourceNotFoundException") return undefined;
    throw error;
  }
}

/** Every user name of the instance with its user ID, by ListUsers (up to 1,000 a call): for reads where only existence matters. */
export async function listConnectUserNames(
  options: Pick<ReadConnectUsersOptions, "instanceId" | "region">,
  client: ConnectClient = defaultClient(options.region),
): Promise<{ readonly names: ReadonlyMap<string, string>; readonly calls: Readonly<CallCounts> }> {
  const calls = noCalls();
  const names = await userIdsByName(client, calls, options.instanceId);
  return { names, calls };
}

async function userIdsByName(client: ConnectClient, calls: CallCounts, instanceId: string): Promise<Map<string, string>> {
  const summaries = await allPages("ListUsers", instanceId, async (token) => {
    const page = await counted(calls, "ListUsers", instanceId, () =>
      client.send(new ListUsersCommand({ InstanceId: instanceId, MaxResults: LIST_USERS_MAX_RESULTS, NextToken: token })),
    );
    return { items: page.UserSummaryList ?? [], next: page.NextToken };
  });
  const names = new Map<string, string>();
  for (const s of summaries) names.set(required(s.Username, "Username", "?", "ListUsers"), required(s.Id, "Id", s.Username ?? "?", "ListUsers"));
  return names;
}

/**
 * Reads the managed users of an instance: SearchUsers over the instance, then DescribeUser for the
 * users `needsDescribe` names. A managed user the search did not return is looked up with ListUsers
 * before it is called missing (the search may lag behind a change, or a page may shift while users
 * are created or deleted); one ListUsers finds is read with DescribeUser.
 */
/** SearchUsers over the whole instance: the fields of each user `wanted` names, by user name. */
async function searchUsers(
  client: ConnectClient,
  calls: CallCounts,
  instanceId: string,
  pageSize: number,
  wanted: (username: string) => boolean,
): Promise<Map<string, ConnectUserFields>> {
  const summaries = await allPages("SearchUsers", instanceId, async (token) => {
    const page = await counted(calls, "SearchUsers", instanceId, () =>
      client.send(new SearchUsersCommand({ InstanceId: instanceId, MaxResults: pageSize, NextToken: token })),
    );
    return { items: page.Users ?? [], next: page.NextToken };
  });
  const found = new Map<string, ConnectUserFields>();
  for (const summary of summaries) {
    if (summary.Username === undefined || !wanted(summary.Username)) continue;
    const fields = fieldsOf(summary, "SearchUsers");
    const earlier = found.get(fields.username);
    if (earlier && earlier.id !== fields.id)
      throw new ConnectReadError(`SearchUsers answered two users named ${JSON.stringify(fields.username)} (${earlier.id}, ${fields.id}).`);
    found.set(fields.username, fields);
  }
  return found;
}

export async function readConnectUsers(options: ReadConnectUsersOptions, client: ConnectClient = defaultClient(options.region)): Promise<ConnectUsersRead> {
  const pageSize = checkOptions(options);
  const { instanceId } = options;
  const calls = noCalls();
  const managed = new Set(options.usernames);
  const found = await searchUsers(client, calls, instanceId, pageSize, (name) => managed.has(name));

  // Users to describe, by ID: configured ones SearchUsers cannot fully answer, and ones it did not return but ListUsers has.
  const toDescribe = new Map<string, string>();
  for (const fields of found.values()) if (options.needsDescribe(fields.username)) toDescribe.set(fields.username, fields.id);
  const unseen = options.usernames.filter((name) => !found.has(name));
  if (unseen.length > 0) {
    const ids = await userIdsByName(client, calls, instanceId);
    for (const name of unseen) {
      const id = ids.get(name);
      if (id !== undefined) toDescribe.set(name, id);
    }
  }
  const described = new Map<string, ConnectUserFields | undefined>();
  // One at a time: Connect allows 2 requests/s per account, so parallel calls would only be throttled.
  for (const [name, id] of toDescribe) described.set(name, await describe(client, calls, instanceId, id));

  const users = new Map<string, ConnectUserFields | "missing">();
  for (const name of options.usernames) {
    const fields = described.has(name) ? described.get(name) : found.get(name);
    users.set(name, fields ?? "missing");
  }
  return { users, calls };
}

/** Options of {@link readInstanceUsers}: the instance, and which of its users need a DescribeUser. */
export type ReadInstanceUsersOptions = Omit<ReadConnectUsersOptions, "usernames">;

export interface InstanceUsersRead {
  /** Every user of the instance, in SearchUsers' order (a user deleted while it was read is left out). */
  readonly users: ReadonlyArray<ConnectUserFields>;
  readonly calls: Readonly<CallCounts>;
}

/**
 * Reads every user of an instance (to adopt a contact center that exists): SearchUsers over the
 * instance, then DescribeUser, one at a time, for the users `needsDescribe` names.
 */
export async function readInstanceUsers(options: ReadInstanceUsersOptions, client: ConnectClient = defaultClient(options.region)): Promise<InstanceUsersRead> {
  const pageSize = checkPageSize(options);
  const calls = noCalls();
  const found = await searchUsers(client, calls, options.instanceId, pageSize, () => true);
  const users: ConnectUserFields[] = [];
  for (const fields of found.values()) {
    const read = options.needsDescribe(fields.username) ? await describe(client, calls, options.instanceId, fields.id) : fields;
    if (read) users.push(read);
  }
  return { users, calls };
}
