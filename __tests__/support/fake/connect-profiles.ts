/**
 * Security profiles and routing profiles (with the queue they route to): seeding, the checks user
 * calls make against them, and the List/Describe operations the provider's data sources call
 * (hierarchy groups are in connect-hierarchy.ts).
 */
import { randomUUID } from "node:crypto";
import { epochSeconds, getInstance, type ConnectState, type InstanceState, type RoutingProfileState, type SecurityProfileState } from "./connect-state";
import { ApiError } from "./errors";
import { MAX_RESULT_100, MAX_RESULT_1000, queryPage } from "./paging";
import { route, type Call, type Route } from "./server";

/**
 * The security profiles every new instance has, with their permissions. Guess: AWS's defaults hold
 * many more permissions; these are a representative few.
 */
const DEFAULT_SECURITY_PROFILES: Readonly<Record<string, ReadonlyArray<string>>> = {
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
const DEFAULT_ROUTING_PROFILE = "Basic Routing Profile";
const DEFAULT_QUEUE = "BasicQueue";

function requireUniqueName(profiles: Map<string, { name: string }>, name: string, what: string): void {
  for (const existing of profiles.values()) if (existing.name === name) throw new Error(`connect fake: ${what} ${JSON.stringify(name)} already exists`);
}

export interface AddSecurityProfileOptions {
  /** @default a random UUID */
  readonly id?: string;
  /** @default the permissions of the AWS default profile of that name, else BasicAgentAccess */
  readonly permissions?: ReadonlyArray<string>;
  readonly description?: string;
}

export function addSecurityProfile(instance: InstanceState, name: string, o: AddSecurityProfileOptions = {}): SecurityProfileState {
  requireUniqueName(instance.securityProfiles, name, "security profile");
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

/** The instance's BasicQueue, made on first use (every routing profile routes to it). */
function basicQueue(instance: InstanceState): string {
  for (const queue of instance.queues.values()) if (queue.name === DEFAULT_QUEUE) return queue.id;
  const id = randomUUID();
  instance.queues.set(id, { id, arn: `${instance.arn}/queue/${id}`, name: DEFAULT_QUEUE });
  return id;
}

export interface AddRoutingProfileOptions {
  /** @default a random UUID */
  readonly id?: string;
  /** @default the name */
  readonly description?: string;
}

export function addRoutingProfile(instance: InstanceState, name: string, o: AddRoutingProfileOptions = {}): RoutingProfileState {
  requireUniqueName(instance.routingProfiles, name, "routing profile");
  const id = o.id ?? randomUUID();
  const profile: RoutingProfileState = {
    id,
    arn: `${instance.arn}/routing-profile/${id}`,
    name,
    description: o.description ?? name,
    tags: {},
    lastModified: new Date(),
    region: instance.region,
    queueId: basicQueue(instance),
  };
  instance.routingProfiles.set(id, profile);
  return profile;
}

/** What AWS creates with every instance: the default security profiles, "Basic Routing Profile" and "BasicQueue". */
export function seedDefaultProfiles(instance: InstanceState): void {
  for (const [name, permissions] of Object.entries(DEFAULT_SECURITY_PROFILES)) addSecurityProfile(instance, name, { permissions });
  addRoutingProfile(instance, DEFAULT_ROUTING_PROFILE, { description: "Default routing profile" });
}

// Guess: the error codes for a user call naming a profile or hierarchy group the instance does not
// have (the model lists both InvalidParameterException and ResourceNotFoundException for them).

/** CreateUser's and UpdateUserSecurityProfiles' SecurityProfileIds: 1..10 IDs of the instance (duplicates kept once). */
export function checkSecurityProfiles(instance: InstanceState, ids: unknown): string[] {
  if (!Array.isArray(ids) || ids.length < 1 || ids.length > 10) throw new ApiError("InvalidParameterException", "SecurityProfileIds must contain 1 to 10 IDs.");
  for (const id of ids) {
    if (typeof id !== "string" || !instance.securityProfiles.has(id))
      throw new ApiError("InvalidParameterException", `Security profile ${String(id)} does not exist on instance ${instance.id}.`);
  }
  return [...new Set(ids as string[])];
}

export function checkRoutingProfile(instance: InstanceState, id: unknown): string {
  if (typeof id !== "string" || !instance.routingProfiles.has(id))
    throw new ApiError("InvalidParameterException", `Routing profile ${String(id)} does not exist on instance ${instance.id}.`);
  return id;
}

const summary = (p: SecurityProfileState | RoutingProfileState) => ({
  Id: p.id,
  Arn: p.arn,
  Name: p.name,
  LastModifiedTime: epochSeconds(p.lastModified),
  LastModifiedRegion: p.region,
});

export function profileRoutes(state: ConnectState): Route[] {
  const securityProfile = ({ params }: Call) => {
    const instance = getInstance(state, params.InstanceId);
    const profile = instance.securityProfiles.get(params.SecurityProfileId);
    if (!profile) throw new ApiError("ResourceNotFoundException", `Security profile not found: ${params.SecurityProfileId}`);
    return { instance, profile };
  };
  const routingProfile = ({ params }: Call) => {
    const instance = getInstance(state, params.InstanceId);
    const profile = instance.routingProfiles.get(params.RoutingProfileId);
    if (!profile) throw new ApiError("ResourceNotFoundException", `Routing profile not found: ${params.RoutingProfileId}`);
    return { instance, profile };
  };

  return [
    route("GET", "/security-profiles-summary/:InstanceId", "ListSecurityProfiles", ({ params, query }) => {
      const profiles = [...getInstance(state, params.InstanceId).securityProfiles.values()].map(summary);
      return { body: queryPage(query, "SecurityProfileSummaryList", profiles, MAX_RESULT_1000) };
    }),

    route("GET", "/security-profiles/:InstanceId/:SecurityProfileId", "DescribeSecurityProfile", (call) => {
      const { instance, profile: p } = securityProfile(call);
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
    }),

    route("GET", "/security-profiles-permissions/:InstanceId/:SecurityProfileId", "ListSecurityProfilePermissions", (call) => {
      const { profile: p } = securityProfile(call);
      return {
        body: {
          ...queryPage(call.query, "Permissions", p.permissions, MAX_RESULT_1000),
          LastModifiedTime: epochSeconds(p.lastModified),
          LastModifiedRegion: p.region,
        },
      };
    }),

    route("GET", "/routing-profiles-summary/:InstanceId", "ListRoutingProfiles", ({ params, query }) => {
      const profiles = [...getInstance(state, params.InstanceId).routingProfiles.values()].map(summary);
      return { body: queryPage(query, "RoutingProfileSummaryList", profiles, MAX_RESULT_1000) };
    }),

    // Guess: the settings of AWS's default routing profile (one voice contact at a time, BasicQueue).
    route("GET", "/routing-profiles/:InstanceId/:RoutingProfileId", "DescribeRoutingProfile", (call) => {
      const { instance, profile: p } = routingProfile(call);
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
            NumberOfAssociatedUsers: [...instance.users.values()].filter((u) => u.RoutingProfileId === p.id).length,
            AgentAvailabilityTimer: "TIME_SINCE_LAST_ACTIVITY",
            LastModifiedTime: epochSeconds(p.lastModified),
            LastModifiedRegion: p.region,
            IsDefault: p.name === DEFAULT_ROUTING_PROFILE,
            AssociatedQueueIds: [p.queueId],
          },
        },
      };
    }),

    route("GET", "/routing-profiles/:InstanceId/:RoutingProfileId/queues", "ListRoutingProfileQueues", (call) => {
      const { instance, profile: p } = routingProfile(call);
      const queue = instance.queues.get(p.queueId)!;
      const configs = [{ QueueId: queue.id, QueueArn: queue.arn, QueueName: queue.name, Priority: 1, Delay: 0, Channel: "VOICE" }];
      return {
        body: {
          ...queryPage(call.query, "RoutingProfileQueueConfigSummaryList", configs, MAX_RESULT_100),
          LastModifiedTime: epochSeconds(p.lastModified),
          LastModifiedRegion: p.region,
        },
      };
    }),
  ];
}
