/**
 * What the fake's Amazon Connect holds (instances, their profiles, queues and users) and the lookups
 * every Connect area shares. API lookups raise AWS's errors; seeding lookups (a test's own calls)
 * raise plain errors naming the test's mistake.
 */
import { randomBytes } from "node:crypto";
import { ApiError } from "./errors";

export type IdentityManagementType = "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";

/** A Connect user as DescribeUser returns it (a copy: changing it does not change the fake). */
export interface ConnectUser {
  Id: string;
  Arn: string;
  Username: string;
  IdentityInfo?: { FirstName?: string; LastName?: string; Email?: string; SecondaryEmail?: string; Mobile?: string };
  PhoneConfig: { PhoneType: "SOFT_PHONE" | "DESK_PHONE"; AutoAccept: boolean; AfterContactWorkTimeLimit: number; DeskPhoneNumber?: string };
  DirectoryUserId?: string;
  SecurityProfileIds: string[];
  RoutingProfileId: string;
  HierarchyGroupId?: string;
  Tags: Record<string, string>;
  /** Epoch seconds. */
  LastModifiedTime: number;
  LastModifiedRegion: string;
}

/** What a seeding call made. */
export interface SeededResource {
  readonly id: string;
  readonly arn: string;
}

interface ProfileState {
  id: string;
  arn: string;
  name: string;
  description: string;
  tags: Record<string, string>;
  lastModified: Date;
  region: string;
}

export interface SecurityProfileState extends ProfileState {
  permissions: string[];
}

export interface RoutingProfileState extends ProfileState {
  queueId: string;
}

/** A user hierarchy group (see connect-hierarchy.ts). */
export interface HierarchyGroupState {
  id: string;
  arn: string;
  name: string;
  /** Undefined at the top level. */
  parentId?: string;
  levelId: string;
  tags: Record<string, string>;
  lastModified: Date;
  region: string;
}

interface QueueState {
  id: string;
  arn: string;
  name: string;
}

export interface InstanceState {
  id: string;
  arn: string;
  region: string;
  alias?: string;
  identityManagementType: IdentityManagementType;
  directoryId?: string;
  createdTime: Date;
  serviceRole: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  securityProfiles: Map<string, SecurityProfileState>;
  routingProfiles: Map<string, RoutingProfileState>;
  queues: Map<string, QueueState>;
  /** By group ID, in the order made; made on first use. */
  hierarchyGroups?: Map<string, HierarchyGroupState>;
  /** By user ID. */
  users: Map<string, ConnectUser>;
}

/** One fake's Connect: the account and partition of its ARNs and every instance by ID. */
export interface ConnectState {
  readonly accountId: string;
  readonly partition: string;
  /** Region when a request carries no credential scope, and of seeded instances by default. */
  readonly defaultRegion: string;
  readonly instances: Map<string, InstanceState>;
}

/** The instance a request names (ResourceNotFoundException when there is none). */
export function getInstance(state: ConnectState, instanceId: string): InstanceState {
  const instance = state.instances.get(instanceId);
  if (!instance) throw new ApiError("ResourceNotFoundException", `Instance not found: ${instanceId}`);
  return instance;
}

/** The instance a test's seeding or inspection call names. */
export function seededInstance(state: ConnectState, instanceId: string): InstanceState {
  const instance = state.instances.get(instanceId);
  if (!instance) throw new Error(`connect fake: no instance ${instanceId} (add it with addInstance first)`);
  return instance;
}

export const epochSeconds = (d: Date) => d.getTime() / 1000;
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
export const hex = (bytes: number) => randomBytes(bytes).toString("hex");
