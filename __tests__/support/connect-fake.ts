/**
 * An in-memory fake of the Amazon Connect and IAM Identity Center admin (sso-admin) API calls that
 * hashicorp/aws 5.100.0 makes for this project's stacks, so whole stacks can be planned and
 * applied for real, offline, with `moto_server` answering IAM, STS and identitystore.
 *
 * - Amazon Connect speaks REST-JSON: the route is the method and path (paths and shapes from the
 *   Connect API model, `connect/2017-08-08/service-2.json` in botocore).
 * - sso-admin speaks JSON 1.1: `POST /` with `X-Amz-Target: SWBExternalService.<Operation>`.
 *
 * Both are served on one loopback port; point the provider's `endpoints { connect, ssoadmin }` at
 * `url` (see {@link writeProviderOverride}). SigV4 signatures are not checked; the region of an
 * ARN is read from the request's credential scope. Errors look like AWS's (status, the
 * `x-amzn-ErrorType` header, a `Message`), so the provider reacts as it would to AWS: a user
 * deleted out of band (ResourceNotFoundException, 404) is dropped from state and planned again.
 *
 * Every request is recorded (`requests`) with its operation name, for counting calls. A request
 * the fake does not implement is answered 501 with a JSON error naming its method and path (the
 * SDK does not retry 501) and recorded as operation `UNIMPLEMENTED`, so a test can fail loudly.
 */
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export type IdentityManagementType = "SAML" | "CONNECT_MANAGED" | "EXISTING_DIRECTORY";

export interface RecordedRequest {
  /** Which API the request was routed to ("unknown" when neither matched). */
  readonly service: "connect" | "sso-admin" | "unknown";
  readonly method: string;
  /** The path as sent (still percent-encoded), without the query. */
  readonly path: string;
  /** The query string without `?` ("" when none). */
  readonly query: string;
  /** The API operation without prefix (`DescribeUser`; `SWBExternalService.ListInstances` is `ListInstances`), or `UNIMPLEMENTED`. */
  readonly operation: string;
  /** HTTP status of the answer. */
  readonly status: number;
  /** Error code of the answer, when it was an error. */
  readonly errorCode?: string;
}

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

export interface SeededResource {
  readonly id: string;
  readonly arn: string;
}

export interface AddInstanceOptions {
  /** Lowercase UUID 8-4-4-4-12. */
  readonly id: string;
  readonly identityManagementType: IdentityManagementType;
  /** @default "fake-<first 8 characters of id>" */
  readonly alias?: string;
  /** @default true */
  readonly inboundCallsEnabled?: boolean;
  /** @default true */
  readonly outboundCallsEnabled?: boolean;
  /** Region of the instance's ARN. @default the fake's region */
  readonly region?: string;
  /**
   * Also create what AWS creates with every instance: security profiles Admin, Agent,
   * CallCenterManager and QualityAnalyst, "Basic Routing Profile" and "BasicQueue".
   * (Instances created through CreateInstance always get them.) @default false
   */
  readonly withDefaults?: boolean;
  readonly tags?: Record<string, string>;
}

export interface AddSsoInstanceOptions {
  /** e.g. d-9067a1b2c3 */
  readonly identityStoreId: string;
  /** @default arn:aws:sso:::instance/ssoins-<16 hex> */
  readonly instanceArn?: string;
  readonly name?: string;
}

export interface ApplicationAssignment {
  readonly ApplicationArn: string;
  readonly PrincipalId: string;
  readonly PrincipalType: "USER" | "GROUP";
}

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
  addSecurityProfile(instanceId: string, name: string, options?: { id?: string; permissions?: string[]; description?: string }): SeededResource;
  addRoutingProfile(instanceId: string, name: string, options?: { id?: string; description?: string }): SeededResource;
  addHierarchyGroup(instanceId: string, name: string, options?: { id?: string }): SeededResource;
  /** IDs of the instances that exist (seeded or created through the API). */
  instanceIds(): string[];
  /** The instance as DescribeInstance returns it, or undefined. */
  instance(instanceId: string): Record<string, unknown> | undefined;
  /** The instance's users as DescribeUser returns them, sorted by user name (copies). */
  users(instanceId: string): ConnectUser[];
  /** One user by user name (case-sensitive, as Connect), or undefined. */
  user(instanceId: string, username: string): ConnectUser | undefined;
  /** Deletes a user out of band (as someone in the console would); by user name or ID. Returns whether one was deleted. */
  deleteUser(instanceId: string, usernameOrId: string): boolean;

  // IAM Identity Center seeding and inspection
  addSsoInstance(options: AddSsoInstanceOptions): { readonly instanceArn: string; readonly identityStoreId: string };
  /** A (console-made) application that assignments can be made to; the ARN is kept as given. */
  addApplication(applicationArn: string, options?: { name?: string; instanceArn?: string }): void;
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
  readonly partition?: string;
}

// ---------------------------------------------------------------------------------------------
// Errors, replies, helpers
// ---------------------------------------------------------------------------------------------

/** HTTP status of each error code in the Connect model (rest-json); sso-admin (JSON 1.1) answers 400 for client errors. */
const CONNECT_ERROR_STATUS: Record<string, number> = {
  ResourceNotFoundException: 404,
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  DuplicateResourceException: 409,
  ResourceConflictException: 409,
  LimitExceededException: 429,
  ThrottlingException: 429,
  InternalServiceException: 500,
};

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Reply {
  readonly status?: number;
  readonly body?: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** CreateUser's Username (API reference): with SAML up to 64 of these characters, `@` only in email form; otherwise up to 20. */
const CONNECT_USERNAME = /^[a-zA-Z0-9_\-.@]+$/;
const EMAIL_FORM = /^[^@]+@[^@]+\.[^@]+$/;
/** CreateUser's Password pattern (API model): 8..64 with a lowercase letter, an uppercase letter and a digit. */
const CONNECT_PASSWORD = /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/;
const SECONDARY_EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const INSTANCE_ALIAS = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;
const SSO_ERROR_NAMESPACE = "com.amazonaws.swbexternalservice#";

const INSTANCE_ATTRIBUTE_DEFAULTS: Record<string, string> = {
  INBOUND_CALLS: "true",
  OUTBOUND_CALLS: "true",
  CONTACTFLOW_LOGS: "false",
  CONTACT_LENS: "true",
  AUTO_RESOLVE_BEST_VOICES: "true",
  USE_CUSTOM_TTS_VOICES: "false",
  EARLY_MEDIA: "true",
  MULTI_PARTY_CONFERENCE: "false",
  HIGH_VOLUME_OUTBOUND: "false",
  ENHANCED_CONTACT_MONITORING: "false",
  ENHANCED_CHAT_MONITORING: "false",
  MULTI_PARTY_CHAT_CONFERENCE: "false",
  MESSAGE_STREAMING: "false",
};

const DEFAULT_SECURITY_PROFILES: Record<string, string[]> = {
  Admin: [
    "BasicAgentAccess",
    "OutboundCallAccess",
    "Users.View",
    "Users.Edit",
    "Users.Create",
    "Users.Delete",
    "SecurityProfiles.View",
    "RoutingPolicies.View",
  ],
  Agent: ["BasicAgentAccess", "OutboundCallAccess"],
  CallCenterManager: ["BasicAgentAccess", "OutboundCallAccess", "Users.View", "RoutingPolicies.View", "ContactSearch.View"],
  QualityAnalyst: ["ContactSearch.View", "ListenCallRecordings"],
};

const epochSeconds = (d: Date) => d.getTime() / 1000;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const hex = (bytes: number) => randomBytes(bytes).toString("hex");

function requireString(body: Record<string, unknown>, key: string, code = "InvalidParameterException"): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") throw new ApiError(code, `${key} is required.`);
  return value;
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new ApiError("InvalidParameterException", `${key} must be a string.`);
  return value;
}

function tagsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw new ApiError("InvalidParameterException", "Tags must be a map of strings.");
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") throw new ApiError("InvalidParameterException", `Tag ${k} must have a string value.`);
    if (k.length < 1 || k.length > 128 || k.toLowerCase().startsWith("aws:"))
      throw new ApiError("InvalidParameterException", `Invalid tag key ${JSON.stringify(k)}.`);
    tags[k] = v;
  }
  if (Object.keys(tags).length > 50) throw new ApiError("InvalidParameterException", "At most 50 tags are allowed.");
  return tags;
}

/** The region of the request's SigV4 credential scope (Credential=<key>/<date>/<region>/<service>/aws4_request). */
function regionOf(req: http.IncomingMessage, fallback: string): string {
  const auth = req.headers.authorization ?? "";
  const match = /Credential=[^/]+\/\d{8}\/([a-z0-9-]+)\//.exec(auth);
  return match ? match[1] : fallback;
}

/** A page of `items` by `maxResults`/`nextToken` (an opaque offset); errors like AWS on a bad token or size. */
function paginate<T>(items: T[], maxResults: unknown, nextToken: unknown, limit: number, errorCode: string): { page: T[]; nextToken?: string } {
  let size = limit;
  if (maxResults !== undefined && maxResults !== null && maxResults !== "") {
    size = Number(maxResults);
    if (!Number.isInteger(size) || size < 1 || size > limit) throw new ApiError(errorCode, `MaxResults must be between 1 and ${limit}.`);
  }
  let start = 0;
  if (nextToken !== undefined && nextToken !== null && nextToken !== "") {
    const decoded = /^fake-page:(\d+)$/.exec(Buffer.from(String(nextToken), "base64").toString("utf8"));
    if (!decoded) throw new ApiError(errorCode, "The NextToken is invalid.");
    start = Number(decoded[1]);
  }
  const page = items.slice(start, start + size);
  const next = start + size < items.length ? Buffer.from(`fake-page:${start + size}`).toString("base64") : undefined;
  return { page, nextToken: next };
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

interface ProfileState {
  id: string;
  arn: string;
  name: string;
  description: string;
  tags: Record<string, string>;
  lastModified: Date;
  region: string;
}

interface SecurityProfileState extends ProfileState {
  permissions: string[];
}

interface QueueState {
  id: string;
  arn: string;
  name: string;
}

interface RoutingProfileState extends ProfileState {
  queueId: string;
}

interface InstanceState {
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
  hierarchyGroups: Map<string, ProfileState>;
  users: Map<string, ConnectUser>;
}

interface SsoInstanceState {
  InstanceArn: string;
  IdentityStoreId: string;
  OwnerAccountId: string;
  Name?: string;
  CreatedDate: number;
  Status: "ACTIVE";
}

interface ApplicationState {
  arn: string;
  name: string;
  instanceArn?: string;
  assignments: Map<string, ApplicationAssignment>;
}

/** Context of one request for a handler. */
interface Call {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly region: string;
}

type Handler = (call: Call) => Reply;

interface Route {
  readonly method: string;
  /** Path segments; `:Name` captures one (percent-decoded) segment. */
  readonly segments: string[];
  readonly operation: string;
  readonly handler: Handler;
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

export async function startConnectFake(options: ConnectFakeOptions = {}): Promise<ConnectFake> {
  const accountId = options.accountId ?? "111122223333";
  const defaultRegion = options.region ?? "us-east-1";
  const partition = options.partition ?? "aws";

  const instances = new Map<string, InstanceState>();
  const ssoInstances: SsoInstanceState[] = [];
  const applications = new Map<string, ApplicationState>();
  const requests: RecordedRequest[] = [];

  // ---- Connect state helpers -----------------------------------------------------------------

  const instanceArn = (region: string, id: string) => `arn:${partition}:connect:${region}:${accountId}:instance/${id}`;

  function getInstance(instanceId: string): InstanceState {
    const instance = instances.get(instanceId);
    if (!instance) throw new ApiError("ResourceNotFoundException", `Instance not found: ${instanceId}`);
    return instance;
  }

  function createInstanceState(o: {
    id: string;
    identityManagementType: IdentityManagementType;
    alias?: string;
    directoryId?: string;
    inbound: boolean;
    outbound: boolean;
    region: string;
    tags: Record<string, string>;
  }): InstanceState {
    const instance: InstanceState = {
      id: o.id,
      arn: instanceArn(o.region, o.id),
      region: o.region,
      alias: o.alias,
      identityManagementType: o.identityManagementType,
      directoryId: o.directoryId,
      createdTime: new Date(Math.floor(Date.now() / 1000) * 1000),
      serviceRole: `arn:${partition}:iam::${accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${hex(10).toUpperCase()}`,
      attributes: { ...INSTANCE_ATTRIBUTE_DEFAULTS, INBOUND_CALLS: String(o.inbound), OUTBOUND_CALLS: String(o.outbound) },
      tags: o.tags,
      securityProfiles: new Map(),
      routingProfiles: new Map(),
      queues: new Map(),
      hierarchyGroups: new Map(),
      users: new Map(),
    };
    instances.set(o.id, instance);
    return instance;
  }

  function seedDefaults(instance: InstanceState): void {
    for (const [name, permissions] of Object.entries(DEFAULT_SECURITY_PROFILES)) addSecurityProfileTo(instance, name, { permissions });
    addRoutingProfileTo(instance, "Basic Routing Profile", { description: "Default routing profile" });
  }

  function uniqueName(map: Map<string, { name: string }>, name: string, what: string): void {
    for (const existing of map.values()) if (existing.name === name) throw new Error(`connect fake: ${what} ${JSON.stringify(name)} already exists`);
  }

  function addSecurityProfileTo(
    instance: InstanceState,
    name: string,
    o: { id?: string; permissions?: string[]; description?: string } = {},
  ): SecurityProfileState {
    uniqueName(instance.securityProfiles, name, "security profile");
    const id = o.id ?? randomUUID();
    const profile: SecurityProfileState = {
      id,
      arn: `${instance.arn}/security-profile/${id}`,
      name,
      description: o.description ?? "",
      tags: {},
      lastModified: new Date(),
      region: instance.region,
      permissions: [...(o.permissions ?? DEFAULT_SECURITY_PROFILES[name] ?? ["BasicAgentAccess"])],
    };
    instance.securityProfiles.set(id, profile);
    return profile;
  }

  function basicQueue(instance: InstanceState): QueueState {
    for (const queue of instance.queues.values()) if (queue.name === "BasicQueue") return queue;
    const id = randomUUID();
    const queue = { id, arn: `${instance.arn}/queue/${id}`, name: "BasicQueue" };
    instance.queues.set(id, queue);
    return queue;
  }

  function addRoutingProfileTo(instance: InstanceState, name: string, o: { id?: string; description?: string } = {}): RoutingProfileState {
    uniqueName(instance.routingProfiles, name, "routing profile");
    const id = o.id ?? randomUUID();
    const profile: RoutingProfileState = {
      id,
      arn: `${instance.arn}/routing-profile/${id}`,
      name,
      description: o.description ?? name,
      tags: {},
      lastModified: new Date(),
      region: instance.region,
      queueId: basicQueue(instance).id,
    };
    instance.routingProfiles.set(id, profile);
    return profile;
  }

  function getUser(instance: InstanceState, userId: string): ConnectUser {
    const user = instance.users.get(userId);
    if (!user) throw new ApiError("ResourceNotFoundException", `User not found for UserId: ${userId}`);
    return user;
  }

  function describeInstance(instance: InstanceState): Record<string, unknown> {
    return {
      Id: instance.id,
      Arn: instance.arn,
      IdentityManagementType: instance.identityManagementType,
      ...(instance.alias ? { InstanceAlias: instance.alias } : {}),
      CreatedTime: epochSeconds(instance.createdTime),
      ServiceRole: instance.serviceRole,
      InstanceStatus: "ACTIVE",
      InboundCallsEnabled: instance.attributes.INBOUND_CALLS === "true",
      OutboundCallsEnabled: instance.attributes.OUTBOUND_CALLS === "true",
      InstanceAccessUrl: `https://${instance.alias ?? instance.id}.my.connect.aws`,
      Tags: { ...instance.tags },
    };
  }

  function checkSecurityProfiles(instance: InstanceState, ids: unknown): string[] {
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > 10)
      throw new ApiError("InvalidParameterException", "SecurityProfileIds must contain 1 to 10 IDs.");
    for (const id of ids) {
      if (typeof id !== "string" || !instance.securityProfiles.has(id))
        throw new ApiError("InvalidParameterException", `Security profile ${String(id)} does not exist on instance ${instance.id}.`);
    }
    return [...new Set(ids as string[])];
  }

  function checkRoutingProfile(instance: InstanceState, id: unknown): string {
    if (typeof id !== "string" || !instance.routingProfiles.has(id))
      throw new ApiError("InvalidParameterException", `Routing profile ${String(id)} does not exist on instance ${instance.id}.`);
    return id;
  }

  function checkHierarchyGroup(instance: InstanceState, id: unknown): string | undefined {
    if (id === undefined || id === null || id === "") return undefined;
    if (typeof id !== "string" || !instance.hierarchyGroups.has(id))
      throw new ApiError("ResourceNotFoundException", `Hierarchy group ${String(id)} does not exist on instance ${instance.id}.`);
    return id;
  }

  /** UserIdentityInfo rules of the API reference, including the SAML ones. */
  function checkIdentityInfo(instance: InstanceState, value: unknown, creating: boolean): ConnectUser["IdentityInfo"] {
    if (value !== undefined && value !== null && (typeof value !== "object" || Array.isArray(value)))
      throw new ApiError("InvalidParameterException", "IdentityInfo must be an object.");
    const info = (value ?? {}) as Record<string, unknown>;
    const out: NonNullable<ConnectUser["IdentityInfo"]> = {};
    for (const key of ["FirstName", "LastName", "Email", "SecondaryEmail", "Mobile"] as const) {
      const v = optionalString(info, key);
      if (v !== undefined) out[key] = v;
    }
    // Length limits of UserIdentityInfo: SAML 0..255 / 0..300, Connect-managed 1..255 / 1..256.
    const saml = instance.identityManagementType === "SAML";
    const limits = { FirstName: saml ? [0, 255] : [1, 255], LastName: saml ? [0, 300] : [1, 256] } as const;
    for (const key of ["FirstName", "LastName"] as const) {
      const v = out[key];
      if (v === undefined) continue;
      const [min, max] = limits[key];
      if (v.length < min || v.length > max) throw new ApiError("InvalidParameterException", `${key} must be ${min} to ${max} characters.`);
      if (v !== v.normalize("NFC")) throw new ApiError("InvalidParameterException", `${key} must be in Unicode Normalization Form C.`);
    }
    if (out.SecondaryEmail !== undefined && (out.SecondaryEmail.length > 265 || !SECONDARY_EMAIL.test(out.SecondaryEmail))) {
      throw new ApiError("InvalidParameterException", `SecondaryEmail ${JSON.stringify(out.SecondaryEmail)} is not a valid email address.`);
    }
    if (out.Mobile !== undefined && !E164.test(out.Mobile)) throw new ApiError("InvalidParameterException", "Mobile must be in E.164 format.");
    if (instance.identityManagementType === "SAML") {
      if (out.Email !== undefined) throw new ApiError("InvalidRequestException", "Email is not supported for instances with SAML identity management.");
      if (creating && (out.FirstName === undefined || out.LastName === undefined)) {
        throw new ApiError("InvalidParameterException", "FirstName and LastName are required for instances with SAML identity management.");
      }
    }
    return Object.keys(out).length ? out : undefined;
  }

  function checkPhoneConfig(value: unknown): ConnectUser["PhoneConfig"] {
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new ApiError("InvalidParameterException", "PhoneConfig is required.");
    const config = value as Record<string, unknown>;
    const phoneType = config.PhoneType;
    if (phoneType !== "SOFT_PHONE" && phoneType !== "DESK_PHONE")
      throw new ApiError("InvalidParameterException", `PhoneType ${JSON.stringify(phoneType)} must be SOFT_PHONE or DESK_PHONE.`);
    const limit = config.AfterContactWorkTimeLimit ?? 0;
    if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0)
      throw new ApiError("InvalidParameterException", "AfterContactWorkTimeLimit must be an integer of 0 or more.");
    const autoAccept = config.AutoAccept ?? false;
    if (typeof autoAccept !== "boolean") throw new ApiError("InvalidParameterException", "AutoAccept must be a boolean.");
    const desk = optionalString(config, "DeskPhoneNumber");
    if (phoneType === "DESK_PHONE" && !desk) throw new ApiError("InvalidParameterException", "DeskPhoneNumber is required when PhoneType is DESK_PHONE.");
    if (desk !== undefined && !E164.test(desk))
      throw new ApiError("InvalidParameterException", `DeskPhoneNumber ${JSON.stringify(desk)} must be in E.164 format.`);
    return { PhoneType: phoneType, AutoAccept: autoAccept, AfterContactWorkTimeLimit: limit, ...(desk !== undefined ? { DeskPhoneNumber: desk } : {}) };
  }

  function touch(user: ConnectUser, region: string): Reply {
    user.LastModifiedTime = epochSeconds(new Date());
    user.LastModifiedRegion = region;
    return {};
  }

  /** The instance, user or profile with this ARN, for the tag operations. */
  function taggable(arn: string): { tags: Record<string, string> } | { Tags: Record<string, string> } {
    for (const instance of instances.values()) {
      if (instance.arn === arn) return instance;
      for (const user of instance.users.values()) if (user.Arn === arn) return user;
      for (const profile of [...instance.securityProfiles.values(), ...instance.routingProfiles.values()]) if (profile.arn === arn) return profile;
    }
    throw new ApiError("ResourceNotFoundException", `Resource not found: ${arn}`);
  }
  const tagMap = (resource: ReturnType<typeof taggable>) => ("Tags" in resource ? resource.Tags : resource.tags);

  // ---- Connect routes (method + path from the API model) --------------------------------------

  const connectRoutes: Route[] = [];
  const route = (method: string, pattern: string, operation: string, handler: Handler) =>
    connectRoutes.push({ method, segments: pattern.split("/").filter(Boolean), operation, handler });

  route("PUT", "/instance", "CreateInstance", ({ body, region }) => {
    const type = body.IdentityManagementType;
    if (type !== "SAML" && type !== "CONNECT_MANAGED" && type !== "EXISTING_DIRECTORY")
      throw new ApiError("InvalidRequestException", `IdentityManagementType ${JSON.stringify(type)} is not valid.`);
    if (typeof body.InboundCallsEnabled !== "boolean" || typeof body.OutboundCallsEnabled !== "boolean") {
      throw new ApiError("InvalidRequestException", "InboundCallsEnabled and OutboundCallsEnabled are required.");
    }
    const alias = optionalString(body, "InstanceAlias");
    const directoryId = optionalString(body, "DirectoryId");
    if (type === "EXISTING_DIRECTORY" ? !directoryId : !alias) {
      throw new ApiError(
        "InvalidRequestException",
        type === "EXISTING_DIRECTORY" ? "DirectoryId is required for EXISTING_DIRECTORY." : `InstanceAlias is required for ${type}.`,
      );
    }
    if (alias !== undefined) {
      if (alias.length > 45 || !INSTANCE_ALIAS.test(alias))
        throw new ApiError("InvalidRequestException", `InstanceAlias ${JSON.stringify(alias)} is not valid.`);
      for (const other of instances.values())
        if (other.alias === alias) throw new ApiError("InvalidRequestException", `Instance alias ${alias} is already in use.`);
    }
    const instance = createInstanceState({
      id: randomUUID(),
      identityManagementType: type,
      alias,
      directoryId,
      inbound: body.InboundCallsEnabled,
      outbound: body.OutboundCallsEnabled,
      region,
      tags: tagsOf(body.Tags),
    });
    seedDefaults(instance);
    return { body: { Id: instance.id, Arn: instance.arn } };
  });

  route("GET", "/instance", "ListInstances", ({ query }) => {
    const all = [...instances.values()].map((i) => {
      const { Tags: _tags, ...summary } = describeInstance(i);
      return summary;
    });
    const { page, nextToken } = paginate(all, query.get("maxResults"), query.get("nextToken"), 10, "InvalidRequestException");
    return { body: { InstanceSummaryList: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
  });

  route("GET", "/instance/:InstanceId", "DescribeInstance", ({ params }) => ({ body: { Instance: describeInstance(getInstance(params.InstanceId)) } }));

  route("DELETE", "/instance/:InstanceId", "DeleteInstance", ({ params }) => {
    getInstance(params.InstanceId);
    instances.delete(params.InstanceId);
    return {};
  });

  route("GET", "/instance/:InstanceId/attributes", "ListInstanceAttributes", ({ params }) => {
    const instance = getInstance(params.InstanceId);
    return { body: { Attributes: Object.entries(instance.attributes).map(([AttributeType, Value]) => ({ AttributeType, Value })) } };
  });

  route("GET", "/instance/:InstanceId/attribute/:AttributeType", "DescribeInstanceAttribute", ({ params }) => {
    const instance = getInstance(params.InstanceId);
    const value = instance.attributes[params.AttributeType];
    if (value === undefined) throw new ApiError("InvalidParameterException", `AttributeType ${params.AttributeType} is not valid.`);
    return { body: { Attribute: { AttributeType: params.AttributeType, Value: value } } };
  });

  route("POST", "/instance/:InstanceId/attribute/:AttributeType", "UpdateInstanceAttribute", ({ params, body }) => {
    const instance = getInstance(params.InstanceId);
    if (!(params.AttributeType in instance.attributes)) throw new ApiError("InvalidParameterException", `AttributeType ${params.AttributeType} is not valid.`);
    const value = requireString(body, "Value");
    if (value !== "true" && value !== "false") throw new ApiError("InvalidParameterException", `Value ${JSON.stringify(value)} must be true or false.`);
    instance.attributes[params.AttributeType] = value;
    return {};
  });

  route("GET", "/security-profiles-summary/:InstanceId", "ListSecurityProfiles", ({ params, query }) => {
    const instance = getInstance(params.InstanceId);
    const all = [...instance.securityProfiles.values()].map((p) => ({
      Id: p.id,
      Arn: p.arn,
      Name: p.name,
      LastModifiedTime: epochSeconds(p.lastModified),
      LastModifiedRegion: p.region,
    }));
    const { page, nextToken } = paginate(all, query.get("maxResults"), query.get("nextToken"), 1000, "InvalidParameterException");
    return { body: { SecurityProfileSummaryList: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
  });

  route("GET", "/security-profiles/:InstanceId/:SecurityProfileId", "DescribeSecurityProfile", ({ params }) => {
    const instance = getInstance(params.InstanceId);
    const p = instance.securityProfiles.get(params.SecurityProfileId);
    if (!p) throw new ApiError("ResourceNotFoundException", `Security profile not found: ${params.SecurityProfileId}`);
    return {
      body: {
        SecurityProfile: {
          Id: p.id,
          OrganizationResourceId: instance.id,
          Arn: p.arn,
          SecurityProfileName: p.name,
          ...(p.description ? { Description: p.description } : {}),
          Tags: { ...p.tags },
          AllowedAccessControlTags: {},
          TagRestrictedResources: [],
          HierarchyRestrictedResources: [],
          LastModifiedTime: epochSeconds(p.lastModified),
          LastModifiedRegion: p.region,
        },
      },
    };
  });

  route("GET", "/security-profiles-permissions/:InstanceId/:SecurityProfileId", "ListSecurityProfilePermissions", ({ params, query }) => {
    const instance = getInstance(params.InstanceId);
    const p = instance.securityProfiles.get(params.SecurityProfileId);
    if (!p) throw new ApiError("ResourceNotFoundException", `Security profile not found: ${params.SecurityProfileId}`);
    const { page, nextToken } = paginate(p.permissions, query.get("maxResults"), query.get("nextToken"), 1000, "InvalidParameterException");
    return {
      body: { Permissions: page, LastModifiedTime: epochSeconds(p.lastModified), LastModifiedRegion: p.region, ...(nextToken ? { NextToken: nextToken } : {}) },
    };
  });

  route("GET", "/routing-profiles-summary/:InstanceId", "ListRoutingProfiles", ({ params, query }) => {
    const instance = getInstance(params.InstanceId);
    const all = [...instance.routingProfiles.values()].map((p) => ({
      Id: p.id,
      Arn: p.arn,
      Name: p.name,
      LastModifiedTime: epochSeconds(p.lastModified),
      LastModifiedRegion: p.region,
    }));
    const { page, nextToken } = paginate(all, query.get("maxResults"), query.get("nextToken"), 1000, "InvalidParameterException");
    return { body: { RoutingProfileSummaryList: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
  });

  route("GET", "/routing-profiles/:InstanceId/:RoutingProfileId", "DescribeRoutingProfile", ({ params }) => {
    const instance = getInstance(params.InstanceId);
    const p = instance.routingProfiles.get(params.RoutingProfileId);
    if (!p) throw new ApiError("ResourceNotFoundException", `Routing profile not found: ${params.RoutingProfileId}`);
    const usersOfProfile = [...instance.users.values()].filter((u) => u.RoutingProfileId === p.id).length;
    return {
      body: {
        RoutingProfile: {
          InstanceId: instance.id,
          Name: p.name,
          RoutingProfileArn: p.arn,
          RoutingProfileId: p.id,
          Description: p.description,
          MediaConcurrencies: [{ Channel: "VOICE", Concurrency: 1, CrossChannelBehavior: { BehaviorType: "ROUTE_CURRENT_CHANNEL_ONLY" } }],
          DefaultOutboundQueueId: p.queueId,
          Tags: { ...p.tags },
          NumberOfAssociatedQueues: 1,
          NumberOfAssociatedUsers: usersOfProfile,
          AgentAvailabilityTimer: "TIME_SINCE_LAST_ACTIVITY",
          LastModifiedTime: epochSeconds(p.lastModified),
          LastModifiedRegion: p.region,
          IsDefault: p.name === "Basic Routing Profile",
          AssociatedQueueIds: [p.queueId],
        },
      },
    };
  });

  route("GET", "/routing-profiles/:InstanceId/:RoutingProfileId/queues", "ListRoutingProfileQueues", ({ params, query }) => {
    const instance = getInstance(params.InstanceId);
    const p = instance.routingProfiles.get(params.RoutingProfileId);
    if (!p) throw new ApiError("ResourceNotFoundException", `Routing profile not found: ${params.RoutingProfileId}`);
    const queue = instance.queues.get(p.queueId)!;
    const all = [{ QueueId: queue.id, QueueArn: queue.arn, QueueName: queue.name, Priority: 1, Delay: 0, Channel: "VOICE" }];
    const { page, nextToken } = paginate(all, query.get("maxResults"), query.get("nextToken"), 100, "InvalidParameterException");
    return {
      body: {
        RoutingProfileQueueConfigSummaryList: page,
        LastModifiedTime: epochSeconds(p.lastModified),
        LastModifiedRegion: p.region,
        ...(nextToken ? { NextToken: nextToken } : {}),
      },
    };
  });

  route("PUT", "/users/:InstanceId", "CreateUser", ({ params, body, region }) => {
    const instance = getInstance(params.InstanceId);
    const username = requireString(body, "Username");
    const maxLength = instance.identityManagementType === "SAML" ? 64 : 20;
    if (username.length > maxLength || !CONNECT_USERNAME.test(username) || (username.includes("@") && !EMAIL_FORM.test(username))) {
      throw new ApiError(
        "InvalidParameterException",
        `Username ${JSON.stringify(username)} is not valid: up to ${maxLength} of [a-zA-Z0-9_-.@], with @ only in email form.`,
      );
    }
    for (const other of instance.users.values()) {
      if (other.Username === username) throw new ApiError("DuplicateResourceException", `User with username ${username} already exists.`);
    }
    const password = optionalString(body, "Password");
    const directoryUserId = optionalString(body, "DirectoryUserId");
    if (instance.identityManagementType === "SAML") {
      if (password !== undefined) throw new ApiError("InvalidRequestException", "Password is not supported for instances with SAML identity management.");
      if (directoryUserId !== undefined)
        throw new ApiError("InvalidRequestException", "DirectoryUserId is not supported for instances with SAML identity management.");
    } else if (instance.identityManagementType === "CONNECT_MANAGED") {
      if (password === undefined)
        throw new ApiError("InvalidParameterException", "Password is required for instances with CONNECT_MANAGED identity management.");
      if (!CONNECT_PASSWORD.test(password)) throw new ApiError("InvalidParameterException", "Password does not meet the password policy.");
    } else if (password !== undefined) {
      throw new ApiError("InvalidRequestException", "Password is not supported for instances with EXISTING_DIRECTORY identity management.");
    }
    const info = checkIdentityInfo(instance, body.IdentityInfo, true);
    const id = randomUUID();
    const user: ConnectUser = {
      Id: id,
      Arn: `${instance.arn}/agent/${id}`,
      Username: username,
      ...(info ? { IdentityInfo: info } : {}),
      PhoneConfig: checkPhoneConfig(body.PhoneConfig),
      ...(instance.identityManagementType === "EXISTING_DIRECTORY" && directoryUserId ? { DirectoryUserId: directoryUserId } : {}),
      SecurityProfileIds: checkSecurityProfiles(instance, body.SecurityProfileIds),
      RoutingProfileId: checkRoutingProfile(instance, body.RoutingProfileId),
      Tags: tagsOf(body.Tags),
      LastModifiedTime: epochSeconds(new Date()),
      LastModifiedRegion: region,
    };
    const group = checkHierarchyGroup(instance, body.HierarchyGroupId);
    if (group) user.HierarchyGroupId = group;
    instance.users.set(id, user);
    return { body: { UserId: id, UserArn: user.Arn } };
  });

  route("GET", "/users-summary/:InstanceId", "ListUsers", ({ params, query }) => {
    const instance = getInstance(params.InstanceId);
    const all = [...instance.users.values()].map((u) => ({
      Id: u.Id,
      Arn: u.Arn,
      Username: u.Username,
      LastModifiedTime: u.LastModifiedTime,
      LastModifiedRegion: u.LastModifiedRegion,
    }));
    const { page, nextToken } = paginate(all, query.get("maxResults"), query.get("nextToken"), 1000, "InvalidParameterException");
    return { body: { UserSummaryList: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
  });

  route("GET", "/users/:InstanceId/:UserId", "DescribeUser", ({ params }) => ({
    body: { User: clone(getUser(getInstance(params.InstanceId), params.UserId)) },
  }));

  route("DELETE", "/users/:InstanceId/:UserId", "DeleteUser", ({ params }) => {
    const instance = getInstance(params.InstanceId);
    getUser(instance, params.UserId);
    instance.users.delete(params.UserId);
    return {};
  });

  route("POST", "/users/:InstanceId/:UserId/identity-info", "UpdateUserIdentityInfo", ({ params, body, region }) => {
    const instance = getInstance(params.InstanceId);
    const user = getUser(instance, params.UserId);
    const info = checkIdentityInfo(instance, body.IdentityInfo, false);
    if (info) user.IdentityInfo = info;
    else delete user.IdentityInfo;
    return touch(user, region);
  });

  route("POST", "/users/:InstanceId/:UserId/phone-config", "UpdateUserPhoneConfig", ({ params, body, region }) => {
    const user = getUser(getInstance(params.InstanceId), params.UserId);
    user.PhoneConfig = checkPhoneConfig(body.PhoneConfig);
    return touch(user, region);
  });

  route("POST", "/users/:InstanceId/:UserId/routing-profile", "UpdateUserRoutingProfile", ({ params, body, region }) => {
    const instance = getInstance(params.InstanceId);
    const user = getUser(instance, params.UserId);
    user.RoutingProfileId = checkRoutingProfile(instance, body.RoutingProfileId);
    return touch(user, region);
  });

  route("POST", "/users/:InstanceId/:UserId/security-profiles", "UpdateUserSecurityProfiles", ({ params, body, region }) => {
    const instance = getInstance(params.InstanceId);
    const user = getUser(instance, params.UserId);
    user.SecurityProfileIds = checkSecurityProfiles(instance, body.SecurityProfileIds);
    return touch(user, region);
  });

  route("POST", "/users/:InstanceId/:UserId/hierarchy", "UpdateUserHierarchy", ({ params, body, region }) => {
    const instance = getInstance(params.InstanceId);
    const user = getUser(instance, params.UserId);
    const group = checkHierarchyGroup(instance, body.HierarchyGroupId);
    if (group) user.HierarchyGroupId = group;
    else delete user.HierarchyGroupId;
    return touch(user, region);
  });

  route("GET", "/tags/:resourceArn", "ListTagsForResource", ({ params }) => ({ body: { tags: { ...tagMap(taggable(params.resourceArn)) } } }));

  route("POST", "/tags/:resourceArn", "TagResource", ({ params, body }) => {
    const tags = tagMap(taggable(params.resourceArn));
    if (!body.tags || typeof body.tags !== "object") throw new ApiError("InvalidParameterException", "tags is required.");
    Object.assign(tags, tagsOf(body.tags));
    if (Object.keys(tags).length > 50) throw new ApiError("InvalidParameterException", "At most 50 tags are allowed.");
    return {};
  });

  route("DELETE", "/tags/:resourceArn", "UntagResource", ({ params, query }) => {
    const tags = tagMap(taggable(params.resourceArn));
    const keys = query.getAll("tagKeys");
    if (keys.length === 0) throw new ApiError("InvalidParameterException", "tagKeys is required.");
    for (const key of keys) delete tags[key];
    return {};
  });

  // ---- sso-admin operations (JSON 1.1, X-Amz-Target: SWBExternalService.<op>) -----------------

  function assignmentInput(body: Record<string, unknown>): ApplicationAssignment {
    const ApplicationArn = requireString(body, "ApplicationArn", "ValidationException");
    const PrincipalId = requireString(body, "PrincipalId", "ValidationException");
    const PrincipalType = body.PrincipalType;
    if (PrincipalType !== "USER" && PrincipalType !== "GROUP")
      throw new ApiError("ValidationException", `PrincipalType ${JSON.stringify(PrincipalType)} must be USER or GROUP.`);
    return { ApplicationArn, PrincipalId, PrincipalType };
  }
  function getApplication(arn: string): ApplicationState {
    const application = applications.get(arn);
    if (!application) throw new ApiError("ResourceNotFoundException", `Application ${arn} not found.`);
    return application;
  }
  const assignmentKey = (a: ApplicationAssignment) => `${a.PrincipalType}:${a.PrincipalId}`;

  const ssoOperations: Record<string, (body: Record<string, unknown>) => Reply> = {
    ListInstances: (body) => {
      const { page, nextToken } = paginate(ssoInstances, body.MaxResults, body.NextToken, 100, "ValidationException");
      return { body: { Instances: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
    },
    CreateApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      // Creating an assignment that exists already succeeds (nothing changes).
      getApplication(input.ApplicationArn).assignments.set(assignmentKey(input), input);
      return { body: {} };
    },
    DescribeApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      const found = getApplication(input.ApplicationArn).assignments.get(assignmentKey(input));
      if (!found)
        throw new ApiError(
          "ResourceNotFoundException",
          `Assignment of ${input.PrincipalType} ${input.PrincipalId} to application ${input.ApplicationArn} not found.`,
        );
      return { body: { ...found } };
    },
    DeleteApplicationAssignment: (body) => {
      const input = assignmentInput(body);
      const application = getApplication(input.ApplicationArn);
      if (!application.assignments.delete(assignmentKey(input))) {
        throw new ApiError(
          "ResourceNotFoundException",
          `Assignment of ${input.PrincipalType} ${input.PrincipalId} to application ${input.ApplicationArn} not found.`,
        );
      }
      return { body: {} };
    },
    ListApplicationAssignments: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      const { page, nextToken } = paginate([...application.assignments.values()], body.MaxResults, body.NextToken, 100, "ValidationException");
      return { body: { ApplicationAssignments: page, ...(nextToken ? { NextToken: nextToken } : {}) } };
    },
    DescribeApplication: (body) => {
      const application = getApplication(requireString(body, "ApplicationArn", "ValidationException"));
      return {
        body: {
          ApplicationArn: application.arn,
          ApplicationProviderArn: "arn:aws:sso::aws:applicationProvider/catalog/AmazonConnect",
          Name: application.name,
          ApplicationAccount: accountId,
          ...(application.instanceArn ? { InstanceArn: application.instanceArn } : {}),
          Status: "ENABLED",
          PortalOptions: { Visibility: "ENABLED", SignInOptions: { Origin: "IDENTITY_CENTER" } },
        },
      };
    },
  };

  // ---- HTTP ------------------------------------------------------------------------------------

  function matchRoute(method: string, rawPath: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = rawPath.split("/").filter(Boolean);
    for (const candidate of connectRoutes) {
      if (candidate.method !== method || candidate.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const segment = candidate.segments[i];
        let part: string;
        try {
          part = decodeURIComponent(parts[i]);
        } catch {
          ok = false;
          break;
        }
        if (segment.startsWith(":")) params[segment.slice(1)] = part;
        else ok = segment === part;
      }
      if (ok) return { route: candidate, params };
    }
    return undefined;
  }

  function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}, contentType = "application/json"): void {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "Content-Type": contentType, "Content-Length": Buffer.byteLength(text), "x-amzn-RequestId": randomUUID(), ...headers });
    res.end(text);
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string): void {
    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rawPath = (req.url ?? "/").split("?")[0];
    const query = url.search.replace(/^\?/, "");
    const region = regionOf(req, defaultRegion);
    const target = String(req.headers["x-amz-target"] ?? "");
    const record = (service: RecordedRequest["service"], operation: string, status: number, errorCode?: string) =>
      requests.push({ service, method, path: rawPath, query, operation, status, ...(errorCode ? { errorCode } : {}) });

    const unimplemented = (service: RecordedRequest["service"], what: string) => {
      const message = `connect fake: ${what} is not implemented (${method} ${rawPath}${query ? `?${query}` : ""})`;
      record(service, "UNIMPLEMENTED", 501, "NotImplemented");
      send(res, 501, { __type: "NotImplemented", Message: message, Method: method, Path: rawPath }, { "x-amzn-ErrorType": "NotImplemented" });
    };

    let body: Record<string, unknown> = {};
    if (raw.trim()) {
      try {
        const parsed: unknown = JSON.parse(raw);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
      } catch {
        const code = target ? "SerializationException" : "InvalidRequestException";
        record(target ? "sso-admin" : "connect", target ? target.split(".").pop()! : "UNPARSEABLE", 400, code);
        send(res, 400, { __type: code, Message: "The request body is not valid JSON." }, { "x-amzn-ErrorType": code });
        return;
      }
    }

    if (target) {
      const [prefix, operation] = target.split(".");
      const op = prefix === "SWBExternalService" && method === "POST" && rawPath === "/" ? ssoOperations[operation] : undefined;
      if (!op) return unimplemented(prefix === "SWBExternalService" ? "sso-admin" : "unknown", `operation ${target}`);
      try {
        const reply = op(body);
        record("sso-admin", operation, reply.status ?? 200);
        send(res, reply.status ?? 200, reply.body ?? {}, {}, "application/x-amz-json-1.1");
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        record("sso-admin", operation, 400, error.code);
        send(
          res,
          400,
          { __type: `${SSO_ERROR_NAMESPACE}${error.code}`, Message: error.message },
          { "x-amzn-ErrorType": error.code },
          "application/x-amz-json-1.1",
        );
      }
      return;
    }

    const matched = matchRoute(method, rawPath);
    if (!matched) return unimplemented("unknown", "this request");
    const { route: found, params } = matched;
    try {
      const reply = found.handler({ params, query: url.searchParams, body, region });
      record("connect", found.operation, reply.status ?? 200);
      send(res, reply.status ?? 200, reply.body ?? {});
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const status = CONNECT_ERROR_STATUS[error.code] ?? 400;
      record("connect", found.operation, status, error.code);
      send(res, status, { Message: error.message }, { "x-amzn-ErrorType": error.code });
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 10 * 1024 * 1024) chunks.push(chunk);
    });
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (error) {
        if (!res.headersSent)
          send(
            res,
            500,
            { __type: "InternalServiceException", Message: `connect fake crashed: ${(error as Error).stack ?? error}` },
            { "x-amzn-ErrorType": "InternalServiceException" },
          );
        else res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    accountId,
    get requests() {
      return requests;
    },
    resetCounts: () => {
      requests.length = 0;
    },
    operationCounts: () => {
      const counts: Record<string, number> = {};
      for (const r of requests) {
        const key = r.service === "sso-admin" && r.operation !== "UNIMPLEMENTED" ? `sso-admin:${r.operation}` : r.operation;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    unimplemented: () => requests.filter((r) => r.operation === "UNIMPLEMENTED"),

    addInstance: (o) => {
      if (!UUID.test(o.id)) throw new Error(`connect fake: instance id ${JSON.stringify(o.id)} is not a lowercase UUID`);
      if (instances.has(o.id)) throw new Error(`connect fake: instance ${o.id} exists already`);
      const instance = createInstanceState({
        id: o.id,
        identityManagementType: o.identityManagementType,
        alias: o.alias ?? `fake-${o.id.slice(0, 8)}`,
        inbound: o.inboundCallsEnabled ?? true,
        outbound: o.outboundCallsEnabled ?? true,
        region: o.region ?? defaultRegion,
        tags: { ...(o.tags ?? {}) },
      });
      if (o.withDefaults) seedDefaults(instance);
      return { id: instance.id, arn: instance.arn };
    },
    addSecurityProfile: (instanceId, name, o) => {
      const profile = addSecurityProfileTo(seeded(instanceId), name, o);
      return { id: profile.id, arn: profile.arn };
    },
    addRoutingProfile: (instanceId, name, o) => {
      const profile = addRoutingProfileTo(seeded(instanceId), name, o);
      return { id: profile.id, arn: profile.arn };
    },
    addHierarchyGroup: (instanceId, name, o) => {
      const instance = seeded(instanceId);
      uniqueName(instance.hierarchyGroups, name, "hierarchy group");
      const id = o?.id ?? randomUUID();
      const arn = `${instance.arn}/agent-group/${id}`;
      instance.hierarchyGroups.set(id, { id, arn, name, description: "", tags: {}, lastModified: new Date(), region: instance.region });
      return { id, arn };
    },
    instanceIds: () => [...instances.keys()],
    instance: (instanceId) => {
      const instance = instances.get(instanceId);
      return instance ? describeInstance(instance) : undefined;
    },
    users: (instanceId) => [...seeded(instanceId).users.values()].map(clone).sort((a, b) => (a.Username < b.Username ? -1 : a.Username > b.Username ? 1 : 0)),
    user: (instanceId, username) => {
      for (const u of seeded(instanceId).users.values()) if (u.Username === username) return clone(u);
      return undefined;
    },
    deleteUser: (instanceId, usernameOrId) => {
      const instance = seeded(instanceId);
      for (const u of instance.users.values()) if (u.Username === usernameOrId || u.Id === usernameOrId) return instance.users.delete(u.Id);
      return false;
    },

    addSsoInstance: (o) => {
      const instance: SsoInstanceState = {
        InstanceArn: o.instanceArn ?? `arn:${partition}:sso:::instance/ssoins-${hex(8)}`,
        IdentityStoreId: o.identityStoreId,
        OwnerAccountId: accountId,
        ...(o.name ? { Name: o.name } : {}),
        CreatedDate: epochSeconds(new Date()),
        Status: "ACTIVE",
      };
      ssoInstances.push(instance);
      return { instanceArn: instance.InstanceArn, identityStoreId: instance.IdentityStoreId };
    },
    addApplication: (applicationArn, o) => {
      if (applications.has(applicationArn)) throw new Error(`connect fake: application ${applicationArn} exists already`);
      applications.set(applicationArn, { arn: applicationArn, name: o?.name ?? "Amazon Connect", instanceArn: o?.instanceArn, assignments: new Map() });
    },
    applicationAssignments: (applicationArn) =>
      [...applications.values()]
        .filter((a) => applicationArn === undefined || a.arn === applicationArn)
        .flatMap((a) => [...a.assignments.values()].map((x) => ({ ...x }))),

    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 3000);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeAllConnections();
      });
      return stopped;
    },
  };

  function seeded(instanceId: string): InstanceState {
    const instance = instances.get(instanceId);
    if (!instance) throw new Error(`connect fake: no instance ${instanceId} (add it with addInstance first)`);
    return instance;
  }
}

// ---------------------------------------------------------------------------------------------
// Provider override
// ---------------------------------------------------------------------------------------------

export interface ProviderOverrideOptions {
  /** The fake's url: Amazon Connect. */
  readonly connectUrl: string;
  /** moto_server's url: IAM, STS and (unless identitystoreUrl says otherwise) identitystore. */
  readonly motoUrl: string;
  /** @default connectUrl (the fake answers sso-admin) */
  readonly ssoadminUrl?: string;
  /** @default motoUrl (moto implements GetUserId, DescribeUser, CreateUser) */
  readonly identitystoreUrl?: string;
  /** Local state file. @default `<dir>/terraform.tfstate` */
  readonly statePath?: string;
  /**
   * Provider default tags. @default {} (none): moto has no SAML-provider tagging and an apply of a
   * tagged aws_iam_saml_provider hangs there.
   */
  readonly defaultTags?: Record<string, string>;
  /** Retries of the AWS SDK for failed calls. @default 2 (a dead endpoint fails fast) */
  readonly maxRetries?: number;
  /** Aliases of further `aws` provider blocks to point at the same endpoints. @default those found in `<dir>/cdk.tf.json` */
  readonly aliases?: ReadonlyArray<string>;
}

/**
 * Writes `zz_override.tf.json` into a synthesized stack's folder (next to `cdk.tf.json`), so
 * terraform talks to the fake and moto only: every `aws` provider block (default and aliased)
 * gets loopback endpoints, test credentials and no metadata-service lookup, and the backend is a
 * local state file inside `dir`. Refuses any endpoint that is not 127.0.0.1 or localhost.
 * Returns the file's path.
 */
export function writeProviderOverride(dir: string, options: ProviderOverrideOptions): string {
  const endpoints = {
    connect: options.connectUrl,
    ssoadmin: options.ssoadminUrl ?? options.connectUrl,
    identitystore: options.identitystoreUrl ?? options.motoUrl,
    iam: options.motoUrl,
    sts: options.motoUrl,
  };
  for (const [service, url] of Object.entries(endpoints)) {
    const host = new URL(url).hostname;
    if (host !== "127.0.0.1" && host !== "localhost") throw new Error(`writeProviderOverride: endpoint ${service} = ${url} is not a loopback address`);
  }
  const statePath = path.resolve(dir, options.statePath ?? "terraform.tfstate");
  if (!statePath.startsWith(path.resolve(dir) + path.sep)) throw new Error(`writeProviderOverride: state path ${statePath} is outside ${dir}`);

  let aliases = options.aliases;
  if (!aliases) {
    const main = path.join(dir, "cdk.tf.json");
    aliases = [];
    if (fs.existsSync(main)) {
      const providers = (JSON.parse(fs.readFileSync(main, "utf8")) as { provider?: { aws?: unknown } }).provider?.aws;
      const blocks = Array.isArray(providers) ? providers : providers ? [providers] : [];
      aliases = blocks.map((b) => (b as { alias?: string }).alias).filter((a): a is string => typeof a === "string");
    }
  }
  const settings = {
    access_key: "test",
    secret_key: "test",
    skip_metadata_api_check: true,
    skip_region_validation: true,
    max_retries: options.maxRetries ?? 2,
    endpoints: [endpoints],
    default_tags: [{ tags: { ...(options.defaultTags ?? {}) } }],
  };
  const override = {
    terraform: { backend: { local: { path: statePath } } },
    provider: { aws: [settings, ...aliases.map((alias) => ({ alias, ...settings }))] },
  };
  const file = path.join(dir, "zz_override.tf.json");
  fs.writeFileSync(file, JSON.stringify(override, null, 2) + "\n");
  return file;
}
