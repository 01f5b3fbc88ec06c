/**
 * Reads the members of Identity Center groups from the identity store: each group's ID by its
 * display name (GetGroupId), its memberships (ListGroupMemberships, paged), and each member once
 * (DescribeUser, a few at a time). Only Get, List and Describe calls, and STS AssumeRole when the
 * environment names identityCenter.assumeRoleArn (Identity Center in another account).
 *
 * Endpoints, credentials and retries come from the SDK's usual chain unless given (tests point
 * them at moto_server): AWS_ENDPOINT_URL_IDENTITYSTORE, AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL_SSO_ADMIN, AWS_MAX_ATTEMPTS. A call that fails becomes an IdentityStoreReadError
 * naming it: nothing is guessed, so a group that cannot be read never reads as empty.
 */
import { DescribeUserCommand, GetGroupIdCommand, IdentitystoreClient, ListGroupMembershipsCommand } from "@aws-sdk/client-identitystore";
import { ListInstancesCommand, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";

export type StoreOperation = "AssumeRole" | "ListInstances" | "GetGroupId" | "ListGroupMemberships" | "DescribeUser";

/** One member as the identity store describes it (the fields the sync reads). */
export interface StoreUser {
  readonly userId: string;
  readonly userName?: string;
  readonly emails: ReadonlyArray<{ readonly value?: string; readonly primary?: boolean }>;
  readonly givenName?: string;
  readonly familyName?: string;
}

export interface GroupMembers {
  readonly identityStoreId: string;
  /** Member user IDs of each group, by display name, in the order asked. */
  readonly groups: ReadonlyMap<string, ReadonlyArray<string>>;
  /** Every member, described once, by user ID (a member deleted while read is absent). */
  readonly users: ReadonlyMap<string, StoreUser>;
  readonly calls: Readonly<Record<StoreOperation, number>>;
}

export interface ReadGroupsOptions {
  /** Identity Center's home Region. */
  readonly region: string;
  /** The store; without it, the first Identity Center instance's (sso-admin ListInstances). */
  readonly identityStoreId?: string;
  /** A role in Identity Center's account to assume first. */
  readonly assumeRoleArn?: string;
  /** Group display names, exactly as the identity store shows them. */
  readonly groups: ReadonlyArray<string>;
}

export interface StoreAwsOptions {
  /** Endpoint per service (tests: loopback); default: the SDK's. */
  readonly endpoints?: Partial<Record<"identitystore" | "ssoAdmin" | "sts", string>>;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** ListGroupMemberships' MaxResults, 1..100. @default 100 */
  readonly pageSize?: number;
  /** The identity store client to use as is (the bench's answers from memory); endpoints, credentials and assumeRoleArn then do not apply. */
  readonly client?: IdentitystoreClient;
}

/** A read that could not be completed; the message names the call. */
export class IdentityStoreReadError extends Error {}

/** DescribeUser calls in flight at once: the identity store's rate is per account, shared with the console. */
const DESCRIBE_CONCURRENCY = 4;
export const MEMBERSHIPS_MAX_RESULTS = 100;

export async function readGroupMembers(options: ReadGroupsOptions, aws: StoreAwsOptions = {}): Promise<GroupMembers> {
  const calls: Record<StoreOperation, number> = { AssumeRole: 0, ListInstances: 0, GetGroupId: 0, ListGroupMemberships: 0, DescribeUser: 0 };
  const pageSize = aws.pageSize ?? MEMBERSHIPS_MAX_RESULTS;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MEMBERSHIPS_MAX_RESULTS)
    throw new IdentityStoreReadError(`pageSize ${pageSize} must be an integer from 1 to ${MEMBERSHIPS_MAX_RESULTS} (ListGroupMemberships' MaxResults).`);
  const send = async <T>(operation: StoreOperation, what: string, call: () => Promise<T>): Promise<T> => {
    calls[operation] += 1;
    try {
      return await call();
    } catch (error) {
      const name = (error as { name?: string }).name ?? "Error";
      throw new IdentityStoreReadError(`${operation} ${what} failed: ${name}: ${(error as Error).message}`, { cause: error });
    }
  };
  const config = (service: "identitystore" | "ssoAdmin" | "sts", credentials = aws.credentials) => ({
    region: options.region,
    ...(aws.endpoints?.[service] ? { endpoint: aws.endpoints[service] } : {}),
    ...(credentials ? { credentials } : {}),
  });

  let credentials = aws.credentials;
  if (options.assumeRoleArn && !aws.client) {
    const roleArn = options.assumeRoleArn;
    const sts = new STSClient(config("sts"));
    const assumed = await send("AssumeRole", `of ${roleArn}`, () =>
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "connect-sso-users-sync", DurationSeconds: 3600 })),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new IdentityStoreReadError(`AssumeRole of ${roleArn} answered no credentials.`);
    credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
  }
  const store = aws.client ?? new IdentitystoreClient(config("identitystore", credentials));

  let identityStoreId = options.identityStoreId;
  if (!identityStoreId) {
    const admin = new SSOAdminClient(config("ssoAdmin", credentials));
    const instances = await send("ListInstances", "of sso-admin", () => admin.send(new ListInstancesCommand({})));
    identityStoreId = instances.Instances?.[0]?.IdentityStoreId;
    if (!identityStoreId)
      throw new IdentityStoreReadError(
        `ListInstances of sso-admin in ${options.region} answered no Identity Center instance; set identityCenter.identityStoreId (and region)`,
      );
  }
  const storeId = identityStoreId;

  const groups = new Map<string, string[]>();
  for (const displayName of options.groups) {
    const found = await send("GetGroupId", `of group ${JSON.stringify(displayName)} in ${storeId}`, () =>
      store.send(
        new GetGroupIdCommand({
          IdentityStoreId: storeId,
          AlternateIdentifier: { UniqueAttribute: { AttributePath: "displayName", AttributeValue: displayName } },
        }),
      ),
    );
    const groupId = found.GroupId;
    if (!groupId) throw new IdentityStoreReadError(`GetGroupId of group ${JSON.stringify(displayName)} in ${storeId} answered no GroupId.`);
    const members: string[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const page = await send("ListGroupMemberships", `of group ${JSON.stringify(displayName)} (${groupId})`, () =>
        store.send(new ListGroupMembershipsCommand({ IdentityStoreId: storeId, GroupId: groupId, MaxResults: pageSize, NextToken: token })),
      );
      for (const membership of page.GroupMemberships ?? []) {
        const userId = membership.MemberId && "UserId" in membership.MemberId ? membership.MemberId.UserId : undefined;
        if (!userId) throw new IdentityStoreReadError(`ListGroupMemberships of group ${JSON.stringify(displayName)} answered a member that is not a user.`);
        members.push(userId);
      }
      token = page.NextToken || undefined;
      if (token !== undefined && seen.has(token))
        throw new IdentityStoreReadError(`ListGroupMemberships of group ${JSON.stringify(displayName)} answered the same NextToken twice.`);
      if (token !== undefined) seen.add(token);
    } while (token !== undefined);
    groups.set(displayName, [...new Set(members)]);
  }

  const users = new Map<string, StoreUser>();
  const queue = [...new Set([...groups.values()].flat())];
  const describeNext = async (): Promise<void> => {
    for (let userId = queue.shift(); userId !== undefined; userId = queue.shift()) {
      const id = userId;
      try {
        const user = await send("DescribeUser", `of user ${id} in ${storeId}`, () =>
          store.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: id })),
        );
        users.set(id, {
          userId: id,
          userName: user.UserName,
          emails: (user.Emails ?? []).map((e) => ({ value: e.Value, primary: e.Primary })),
          givenName: user.Name?.GivenName,
          familyName: user.Name?.FamilyName,
        });
      } catch (error) {
        // Deleted since its membership was listed: no longer a member.
        if ((error as { cause?: { name?: string } }).cause?.name !== "ResourceNotFoundException") {
          queue.length = 0;
          throw error;
        }
      }
    }
  };
  await Promise.all(Array.from({ length: DESCRIBE_CONCURRENCY }, describeNext));
  return { identityStoreId: storeId, groups, users, calls };
}
