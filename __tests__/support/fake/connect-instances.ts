/**
 * Connect instances and their attributes: seeding (addInstance) and CreateInstance, ListInstances,
 * DescribeInstance, DeleteInstance, ListInstanceAttributes, DescribeInstanceAttribute and
 * UpdateInstanceAttribute.
 */
import { randomUUID } from "node:crypto";
import { seedDefaultProfiles } from "./connect-profiles";
import { epochSeconds, getInstance, hex, type ConnectState, type IdentityManagementType, type InstanceState, type SeededResource } from "./connect-state";
import { tagsOf } from "./connect-tags";
import { ApiError, optionalString, requireString } from "./errors";
import { MAX_RESULT_10, MAX_RESULT_7, queryPage } from "./paging";
import { route, type Route } from "./server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** DirectoryAlias of the model: 1..45 of this pattern. */
const INSTANCE_ALIAS = /^(?!d-)([\da-zA-Z]+)([-]*[\da-zA-Z])*$/;

/**
 * Every InstanceAttributeType of the model with its value on a new instance (INBOUND_CALLS and
 * OUTBOUND_CALLS come from CreateInstance). Guess: the values of the others.
 */
const INSTANCE_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
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
  readonly tags?: Readonly<Record<string, string>>;
}

interface NewInstance {
  readonly id: string;
  readonly identityManagementType: IdentityManagementType;
  readonly alias?: string;
  readonly directoryId?: string;
  readonly inbound: boolean;
  readonly outbound: boolean;
  readonly region: string;
  readonly tags: Record<string, string>;
}

function createInstance(state: ConnectState, o: NewInstance): InstanceState {
  const instance: InstanceState = {
    id: o.id,
    arn: `arn:${state.partition}:connect:${o.region}:${state.accountId}:instance/${o.id}`,
    region: o.region,
    alias: o.alias,
    identityManagementType: o.identityManagementType,
    directoryId: o.directoryId,
    createdTime: new Date(Math.floor(Date.now() / 1000) * 1000),
    // Guess: the suffix of the service-linked role's name.
    serviceRole: `arn:${state.partition}:iam::${state.accountId}:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect_${hex(10).toUpperCase()}`,
    attributes: { ...INSTANCE_ATTRIBUTE_DEFAULTS, INBOUND_CALLS: String(o.inbound), OUTBOUND_CALLS: String(o.outbound) },
    tags: o.tags,
    securityProfiles: new Map(),
    routingProfiles: new Map(),
    queues: new Map(),
    users: new Map(),
  };
  state.instances.set(o.id, instance);
  return instance;
}

/** An instance made before the test (as by hand in the console), with the fake's region unless told. */
export function addInstance(state: ConnectState, o: AddInstanceOptions): SeededResource {
  if (!UUID.test(o.id)) throw new Error(`connect fake: instance id ${JSON.stringify(o.id)} is not a lowercase UUID`);
  if (state.instances.has(o.id)) throw new Error(`connect fake: instance ${o.id} exists already`);
  const instance = createInstance(state, {
    id: o.id,
    identityManagementType: o.identityManagementType,
    alias: o.alias ?? `fake-${o.id.slice(0, 8)}`,
    inbound: o.inboundCallsEnabled ?? true,
    outbound: o.outboundCallsEnabled ?? true,
    region: o.region ?? state.defaultRegion,
    tags: { ...o.tags },
  });
  if (o.withDefaults) seedDefaultProfiles(instance);
  return { id: instance.id, arn: instance.arn };
}

/** The instance as DescribeInstance returns it. */
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

// Guess: the error codes for bad input below: InvalidRequestException for CreateInstance (its model
// lists no InvalidParameterException), InvalidParameterException for an attribute type or value.

/** The attribute type of the path, which must be one of the model's InstanceAttributeType. */
function attributeType(instance: InstanceState, type: string): string {
  if (!(type in instance.attributes)) throw new ApiError("InvalidParameterException", `AttributeType ${type} is not valid.`);
  return type;
}

export function instanceRoutes(state: ConnectState): Route[] {
  return [
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
        for (const other of state.instances.values())
          if (other.alias === alias) throw new ApiError("InvalidRequestException", `Instance alias ${alias} is already in use.`);
      }
      const instance = createInstance(state, {
        id: randomUUID(),
        identityManagementType: type,
        alias,
        directoryId,
        inbound: body.InboundCallsEnabled,
        outbound: body.OutboundCallsEnabled,
        region,
        tags: tagsOf(body.Tags),
      });
      seedDefaultProfiles(instance);
      return { body: { Id: instance.id, Arn: instance.arn } };
    }),

    route("GET", "/instance", "ListInstances", ({ query }) => {
      const summaries = [...state.instances.values()].map((instance) => {
        const { Tags: _tags, ...summary } = describeInstance(instance);
        return summary;
      });
      return { body: queryPage(query, "InstanceSummaryList", summaries, MAX_RESULT_10, "InvalidRequestException") };
    }),

    route("GET", "/instance/:InstanceId", "DescribeInstance", ({ params }) => ({
      body: { Instance: describeInstance(getInstance(state, params.InstanceId)) },
    })),

    route("DELETE", "/instance/:InstanceId", "DeleteInstance", ({ params }) => {
      state.instances.delete(getInstance(state, params.InstanceId).id);
      return {};
    }),

    route("GET", "/instance/:InstanceId/attributes", "ListInstanceAttributes", ({ params, query }) => {
      const attributes = Object.entries(getInstance(state, params.InstanceId).attributes).map(([AttributeType, Value]) => ({ AttributeType, Value }));
      return { body: queryPage(query, "Attributes", attributes, MAX_RESULT_7) };
    }),

    route("GET", "/instance/:InstanceId/attribute/:AttributeType", "DescribeInstanceAttribute", ({ params }) => {
      const instance = getInstance(state, params.InstanceId);
      const type = attributeType(instance, params.AttributeType);
      return { body: { Attribute: { AttributeType: type, Value: instance.attributes[type] } } };
    }),

    route("POST", "/instance/:InstanceId/attribute/:AttributeType", "UpdateInstanceAttribute", ({ params, body }) => {
      const instance = getInstance(state, params.InstanceId);
      const type = attributeType(instance, params.AttributeType);
      // Guess: every attribute type of the model is a switch, so "true" and "false" are its only values.
      const value = requireString(body, "Value");
      if (value !== "true" && value !== "false") throw new ApiError("InvalidParameterException", `Value ${JSON.stringify(value)} must be true or false.`);
      instance.attributes[type] = value;
      return {};
    }),
  ];
}
