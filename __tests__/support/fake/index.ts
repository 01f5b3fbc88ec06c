/**
 * An in-memory fake of the Amazon Connect and IAM Identity Center admin (sso-admin) API calls that
 * hashicorp/aws 5.100.0 makes for this project's stacks, so whole stacks can be planned and
 * applied for real, offline, with `moto_server` answering IAM, STS and identitystore.
 *
 * Both APIs are served on one loopback port; point the provider's `endpoints { connect, ssoadmin }`
 * at `url` (see {@link writeProviderOverride}). Errors look like AWS's (status, the
 * `x-amzn-ErrorType` header, a `Message`), so the provider reacts as it would to AWS: a user
 * deleted out of band (ResourceNotFoundException, 404) is dropped from state and planned again.
 * Where the fake guesses what AWS does (an error code, a default), a comment starting "Guess:" says so.
 *
 * Import the fake from this file only. Its parts: server.ts (HTTP and routing), errors.ts and
 * paging.ts (AWS's error and page shapes), connect-state.ts (what Connect holds), one file per API
 * area (connect-instances.ts, connect-profiles.ts, connect-hierarchy.ts, connect-users.ts, connect-tags.ts, sso-admin.ts),
 * recording.ts (the request log) and provider-override.ts (the Terraform override).
 */
import { addHierarchyGroup, findHierarchyGroup, hierarchyRoutes } from "./connect-hierarchy";
import { addInstance, instanceRoutes, type AddInstanceOptions } from "./connect-instances";
import { addRoutingProfile, addSecurityProfile, profileRoutes, type AddRoutingProfileOptions, type AddSecurityProfileOptions } from "./connect-profiles";
import { seededInstance, type ConnectState, type ConnectUser, type SeededResource } from "./connect-state";
import { tagRoutes } from "./connect-tags";
import { deleteUserOutOfBand, findUser, listUsers, setUserHierarchyGroupOutOfBand, userRoutes } from "./connect-users";
import { RequestLog, type RecordedRequest } from "./recording";
import { serve, type ServerOptions } from "./server";
import { ssoAdmin, type AddSsoInstanceOptions, type ApplicationAssignment } from "./sso-admin";

export type { AddInstanceOptions } from "./connect-instances";
export type { ConnectUser, IdentityManagementType, SeededResource } from "./connect-state";
export type { RecordedRequest } from "./recording";
export type { AddSsoInstanceOptions, ApplicationAssignment } from "./sso-admin";
export { writeProviderOverride, type ProviderOverrideOptions } from "./provider-override";

export interface ConnectFake {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  readonly accountId: string;
  /** Every request since start (or the last resetCounts), oldest first. */
  readonly requests: ReadonlyArray<RecordedRequest>;
  /** Forgets the recorded requests (state is kept). */
  resetCounts(): void;
  /**
   * Number of recorded requests by operation, e.g. { DescribeUser: 4 }. Connect operations are
   * keyed by name, sso-admin ones as `sso-admin:<name>` (both APIs have a ListInstances), and
   * requests the fake does not implement as `UNIMPLEMENTED`.
   */
  operationCounts(): Record<string, number>;
  /** Recorded requests the fake does not implement (answered 501). */
  unimplemented(): RecordedRequest[];

  // Amazon Connect seeding and inspection
  addInstance(options: AddInstanceOptions): SeededResource;
  addSecurityProfile(instanceId: string, name: string, options?: AddSecurityProfileOptions): SeededResource;
  addRoutingProfile(instanceId: string, name: string, options?: AddRoutingProfileOptions): SeededResource;
  /** A user hierarchy group under `parentId` (top level without); a name may repeat under another parent. */
  addHierarchyGroup(instanceId: string, name: string, parentId?: string): SeededResource;
  /** A hierarchy group's ID by its path from the top level ("Americas/Seattle/Team A"), or undefined. */
  hierarchyGroupId(instanceId: string, path: string): string | undefined;
  /** Sets (undefined: removes) a user's hierarchy group out of band, as someone in the console would. */
  setUserHierarchyGroup(instanceId: string, username: string, groupId: string | undefined): void;
  /** IDs of the instances that exist (seeded or created through the API). */
  instanceIds(): string[];
  /** The instance's users as DescribeUser returns them, sorted by user name (copies). */
  users(instanceId: string): ConnectUser[];
  /** One user by user name (case-sensitive, as Connect), or undefined. */
  user(instanceId: string, username: string): ConnectUser | undefined;
  /** Deletes a user out of band (as someone in the console would); by user name or ID. Returns whether one was deleted. */
  deleteUser(instanceId: string, usernameOrId: string): boolean;

  // IAM Identity Center seeding and inspection
  addSsoInstance(options: AddSsoInstanceOptions): { readonly instanceArn: string; readonly identityStoreId: string };
  /** A (console-made) application that assignments can be made to; the ARN is kept as given. */
  addApplication(applicationArn: string, options?: { readonly name?: string; readonly instanceArn?: string }): void;
  /** Assignments of one application (or of all), as DescribeApplicationAssignment returns them. */
  applicationAssignments(applicationArn?: string): ApplicationAssignment[];

  /** Closes the server and every open connection; bounded in time. */
  stop(): Promise<void>;
}

export interface ConnectFakeOptions {
  /** 0 (default) = a free port chosen by the kernel. Always bound to 127.0.0.1. */
  readonly port?: number;
  /** Account in the ARNs it makes. @default "111122223333" */
  readonly accountId?: string;
  /** Region when a request carries no credential scope. @default "us-east-1" */
  readonly region?: string;
  /** Partition of the ARNs it makes. @default "aws" */
  readonly partition?: string;
  /**
   * Identity Center in another account: its account (in the ARNs sso-admin makes), and who a
   * caller's access key belongs to (moto's GetCallerIdentity: moto_server's accountOf). sso-admin
   * then refuses callers of any other account. @default Identity Center in `accountId`, every caller answered
   */
  readonly identityCenter?: ServerOptions["ssoAccount"];
}

export async function startConnectFake(options: ConnectFakeOptions = {}): Promise<ConnectFake> {
  const state: ConnectState = {
    accountId: options.accountId ?? "111122223333",
    partition: options.partition ?? "aws",
    defaultRegion: options.region ?? "us-east-1",
    instances: new Map(),
  };
  const sso = ssoAdmin(options.identityCenter?.accountId ?? state.accountId, state.partition);
  const log = new RequestLog();
  const server = await serve({
    port: options.port,
    defaultRegion: state.defaultRegion,
    connectRoutes: [...instanceRoutes(state), ...profileRoutes(state), ...hierarchyRoutes(state), ...userRoutes(state), ...tagRoutes(state)],
    ssoOperations: sso.operations,
    ssoAccount: options.identityCenter,
    log,
  });
  const seeded = (instanceId: string) => seededInstance(state, instanceId);
  const resource = ({ id, arn }: SeededResource): SeededResource => ({ id, arn });

  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port,
    accountId: state.accountId,
    requests: log.requests,
    resetCounts: () => log.reset(),
    operationCounts: () => log.operationCounts(),
    unimplemented: () => log.unimplemented(),

    addInstance: (o) => addInstance(state, o),
    addSecurityProfile: (instanceId, name, o) => resource(addSecurityProfile(seeded(instanceId), name, o)),
    addRoutingProfile: (instanceId, name, o) => resource(addRoutingProfile(seeded(instanceId), name, o)),
    addHierarchyGroup: (instanceId, name, parentId) => resource(addHierarchyGroup(seeded(instanceId), name, parentId)),
    hierarchyGroupId: (instanceId, path) => findHierarchyGroup(seeded(instanceId), path)?.id,
    setUserHierarchyGroup: (instanceId, username, groupId) => setUserHierarchyGroupOutOfBand(seeded(instanceId), username, groupId),
    instanceIds: () => [...state.instances.keys()],
    users: (instanceId) => listUsers(seeded(instanceId)),
    user: (instanceId, username) => findUser(seeded(instanceId), username),
    deleteUser: (instanceId, usernameOrId) => deleteUserOutOfBand(seeded(instanceId), usernameOrId),

    addSsoInstance: (o) => sso.addInstance(o),
    addApplication: (applicationArn, o) => sso.addApplication(applicationArn, o),
    applicationAssignments: (applicationArn) => sso.assignments(applicationArn),

    stop: () => server.stop(),
  };
}
