/**
 * Fast drift: the Connect users of a stack compared field by field between the
 * Terraform state (`terraform show -json`, no refresh) and what the bulk reader read from Connect.
 * The comparison builds the state a refresh would write (the state's values with every managed
 * field replaced by Connect's) and hands both to fieldChanges, so fields are named, filtered and
 * reported exactly as the refresh-only plan of today's drift reports them.
 */
import type { ConnectUserFields } from "../connect-users/bulk-reader";
import { fieldChanges, type FieldChange } from "../plan/fields";
import type { Change, StateModule } from "../plan/format";
import { profileNames, withProfileNames } from "../plan/profiles";
import { CONNECT_USER_RESOURCES } from "../../rules/naming";

/** The resources fast drift reads from Connect (both users blocks); every other managed resource still gets a refresh-only plan. */
export const USER_RESOURCES: ReadonlyArray<string> = CONNECT_USER_RESOURCES;

/** A state this tool cannot read: fast drift refuses it rather than guess. */
export class StateFormatError extends Error {}

/** One instance of a users block (`aws_connect_user.connect_users`, `…_console_group`) of the state. */
export interface StateUser {
  /** `aws_connect_user.connect_users["<user name>"]`. */
  readonly address: string;
  /** The for_each key: the Connect user name. */
  readonly username: string;
  /** The instance the user was created in (its `instance_id`). */
  readonly instanceId: string;
  /** The state's attributes, as `terraform show -json` gives them. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** What `terraform show -json` of a state holds that fast drift needs. */
export interface StackState {
  readonly users: ReadonlyArray<StateUser>;
  /** Managed resources other than the users (IAM, the SAML provider, ...): their drift needs terraform's refresh. */
  readonly otherAddresses: ReadonlyArray<string>;
  /** Profile IDs to the names a person wrote, from the state's profile look-ups. */
  readonly profileNames: ReadonlyMap<string, string>;
}

/** A drifted resource, as the drift report lists it. */
export interface DriftedResource {
  readonly address: string;
  readonly deleted: boolean;
  readonly fields: ReadonlyArray<FieldChange>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Reads `terraform show -json` of a state (not a plan). A state with no resources yet (never
 * applied) is `{ format_version }` alone; anything else unexpected is a StateFormatError.
 */
export function readStackState(shown: unknown): StackState {
  if (!isRecord(shown) || typeof shown.format_version !== "string") throw new StateFormatError("terraform show -json gave no format_version: not a state.");
  if ("resource_changes" in shown || "planned_values" in shown) throw new StateFormatError("terraform show -json gave a plan, not a state.");
  if (shown.values !== undefined && !isRecord(shown.values)) throw new StateFormatError("terraform show -json gave values that are not an object.");
  const root = shown.values?.root_module;
  const users: StateUser[] = [];
  const otherAddresses: string[] = [];
  const walk = (module: unknown, top: boolean) => {
    if (module === undefined) return;
    if (!isRecord(module)) throw new StateFormatError("a module of the state is not an object.");
    for (const r of (module.resources ?? []) as unknown[]) {
      if (!isRecord(r) || typeof r.address !== "string" || typeof r.mode !== "string" || !isRecord(r.values))
        throw new StateFormatError(`a resource of the state lacks address, mode or values: ${JSON.stringify(r).slice(0, 200)}`);
      if (r.mode !== "managed") continue;
      if (!top || !USER_RESOURCES.includes(`${r.type}.${r.name}`)) {
        otherAddresses.push(r.address);
        continue;
      }
      const { instance_id: instanceId } = r.values;
      if (typeof r.index !== "string" || typeof instanceId !== "string" || instanceId === "")
        throw new StateFormatError(`${r.address}: expected a user name as its key and an instance_id, got ${JSON.stringify({ index: r.index, instanceId })}.`);
      users.push({ address: r.address, username: r.index, instanceId, values: r.values });
    }
    for (const child of (module.child_modules ?? []) as unknown[]) walk(child, false);
  };
  walk(root, true);
  const names = profileNames({ format_version: shown.format_version, prior_state: { values: { root_module: (root ?? {}) as StateModule } } });
  return { users, otherAddresses, profileNames: names };
}

/**
 * The `from` addresses of the stack's moved blocks that the state holds: moves a plan would make
 * (a user changing users block, a forget). Terraform refuses a targeted plan that leaves them out,
 * and a user's ignore_changes then comes from the block it moves to, so the bulk paths (fast drift,
 * fast refresh) step aside for them. Moved blocks whose `from` the state does not hold are inert.
 * A moved block without a readable `from` is a StateFormatError (fail closed).
 */
export function activeMoves(stackJson: unknown, state: StackState): string[] {
  const moved = isRecord(stackJson) ? stackJson.moved : undefined;
  if (moved === undefined) return [];
  const inState = new Set([...state.users.map((u) => u.address), ...state.otherAddresses]);
  return (Array.isArray(moved) ? moved : [moved])
    .map((block) => {
      const from = isRecord(block) ? block.from : undefined;
      if (typeof from !== "string") throw new StateFormatError(`a moved block has no from address: ${JSON.stringify(block).slice(0, 200)}`);
      return from;
    })
    .filter((from) => inState.has(from));
}

/** The users whose state sets a secondary email: only DescribeUser returns it, so only they are described. */
export function needsDescribe(user: StateUser): boolean {
  const info = user.values.identity_info;
  const secondary = Array.isArray(info) && isRecord(info[0]) ? info[0].secondary_email : undefined;
  return typeof secondary === "string" && secondary !== "";
}

const sameSet = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>) => a.length === b.length && new Set([...a, ...b]).size === new Set(a).size;

/**
 * The state's values as a refresh would write them from `aws`: every managed field is Connect's;
 * attributes fast drift does not manage (arn, password, directory_user_id, ...) stay the state's.
 * The secondary email stays the state's when Connect's was not read (SearchUsers does not return it).
 * Tags: like the provider, a tag equal to one of the provider's default tags counts in tags_all
 * only; the default tags are the state's tags_all less its tags (so an override of default_tags counts).
 */
export function refreshedValues(values: Readonly<Record<string, unknown>>, aws: ConnectUserFields): Record<string, unknown> {
  const first = <T>(v: unknown): Record<string, T> => (Array.isArray(v) && isRecord(v[0]) ? (v[0] as Record<string, T>) : {});
  const info = first(values.identity_info);
  const phone = first(values.phone_config);
  const stateProfiles = Array.isArray(values.security_profile_ids) ? values.security_profile_ids : [];
  const stateTags = isRecord(values.tags) ? values.tags : {};
  const defaultTags = Object.fromEntries(Object.entries(isRecord(values.tags_all) ? values.tags_all : {}).filter(([k, v]) => stateTags[k] !== v));
  const ownTags = Object.fromEntries(Object.entries(aws.tags).filter(([k, v]) => defaultTags[k] !== v));
  return {
    ...values,
    identity_info: [
      {
        ...info,
        first_name: aws.firstName ?? null,
        last_name: aws.lastName ?? null,
        // The provider's flatteners write an absent string as "" (aws.ToString): a refresh would too.
        secondary_email: aws.secondaryEmail.read ? (aws.secondaryEmail.value ?? "") : (info.secondary_email ?? null),
      },
    ],
    phone_config: [
      {
        ...phone,
        phone_type: aws.phoneType,
        desk_phone_number: aws.deskPhoneNumber ?? "",
        auto_accept: aws.autoAccept,
        after_contact_work_time_limit: aws.afterContactWorkTimeLimit,
      },
    ],
    // A set: the same IDs in another order are no change.
    security_profile_ids: sameSet(stateProfiles, aws.securityProfileIds) ? stateProfiles : [...aws.securityProfileIds].sort(),
    routing_profile_id: aws.routingProfileId,
    // As the refresh writes a user without a group: "" (SDKv2 sets a nil string to its zero value).
    hierarchy_group_id: aws.hierarchyGroupId ?? "",
    tags: ownTags,
    tags_all: { ...aws.tags },
  };
}

/**
 * One user's drift: deleted, its changed fields (profiles by name), or undefined when Connect matches the state.
 * `ignored`: attributes the stack leaves to the console (see ignoredFields), never drift.
 */
export function userDrift(
  user: StateUser,
  aws: ConnectUserFields | "missing",
  names: ReadonlyMap<string, string>,
  ignored: ReadonlyArray<string> = [],
): DriftedResource | undefined {
  if (aws === "missing") return { address: user.address, deleted: true, fields: [] };
  const change: Change = { actions: ["update"], before: user.values, after: refreshedValues(user.values, aws) };
  const fields = withoutIgnored(withProfileNames(fieldChanges(change, "aws_connect_user"), names), ignored);
  return fields.length === 0 ? undefined : { address: user.address, deleted: false, fields };
}

/** A plain attribute name: what the stacks write in ignore_changes (a nested path is not read, rather than guessed). */
const ATTRIBUTE_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Attributes each resource of a synthesized stack leaves to the console: its `lifecycle.ignore_changes`, by
 * `<type>.<name>` (the address without its key). Such as a user's hierarchy_group_id when the environment
 * does not manage hierarchy groups: a change made there is not drift, because no apply puts it back.
 * Anything but a list of attribute names (such as "all") is refused.
 */
export function ignoredFields(stackJson: unknown): ReadonlyMap<string, ReadonlyArray<string>> {
  const ignored = new Map<string, ReadonlyArray<string>>();
  const resources = isRecord(stackJson) && isRecord(stackJson.resource) ? stackJson.resource : {};
  for (const [type, blocks] of Object.entries(resources)) {
    for (const [name, block] of Object.entries(isRecord(blocks) ? blocks : {})) {
      const list = isRecord(block) && isRecord(block.lifecycle) ? block.lifecycle.ignore_changes : undefined;
      if (list === undefined) continue;
      if (!Array.isArray(list) || !list.every((a) => typeof a === "string" && ATTRIBUTE_NAME.test(a)))
        throw new StateFormatError(`${type}.${name}: lifecycle.ignore_changes is not a list of attribute names: ${JSON.stringify(list)}.`);
      ignored.set(`${type}.${name}`, list as string[]);
    }
  }
  return ignored;
}

/** The attributes ignoredFields gives for a resource instance's address (`aws_connect_user.connect_users["a@example.com"]`). */
export function ignoredAt(ignored: ReadonlyMap<string, ReadonlyArray<string>>, address: string): ReadonlyArray<string> {
  return ignored.get(address.replace(/\[.*\]$/, "")) ?? [];
}

/** `fields` less those at or below an `ignored` attribute. */
export function withoutIgnored(fields: ReadonlyArray<FieldChange>, ignored: ReadonlyArray<string>): FieldChange[] {
  return fields.filter((f) => !ignored.some((a) => f.field === a || f.field.startsWith(`${a}.`)));
}

/**
 * Whether a refresh would change this user's state: Connect no longer has it, a field drift reports
 * differs, or `tags_all` differs. Drift leaves `tags_all` out (it repeats the provider's default
 * tags), but a refresh writes it and a plan compares it, so a default tag edited by hand on the user
 * changes the plan while drift shows no field. Fields the stack leaves to the console (ignoredFields)
 * count too: a plan keeps their refreshed value, so the state must hold it.
 */
export function needsRefresh(user: StateUser, aws: ConnectUserFields | "missing"): boolean {
  if (aws === "missing" || userDrift(user, aws, new Map()) !== undefined) return true;
  const stateTagsAll = isRecord(user.values.tags_all) ? user.values.tags_all : {};
  const keys = new Set([...Object.keys(stateTagsAll), ...Object.keys(aws.tags)]);
  return [...keys].some((key) => stateTagsAll[key] !== aws.tags[key]);
}

/** The region of a synthesized stack's (first) aws provider. */
export function regionOf(stackJson: unknown): string {
  const providers = isRecord(stackJson) && isRecord(stackJson.provider) ? stackJson.provider.aws : undefined;
  const region = Array.isArray(providers) && isRecord(providers[0]) ? providers[0].region : undefined;
  if (typeof region !== "string" || region === "") throw new StateFormatError("the stack's aws provider sets no region.");
  return region;
}
