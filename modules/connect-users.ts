/**
 * Step 2g of the doc: Connect users pre-provisioned with the same user name (email) as in Identity Center.
 */
import { Construct } from "constructs";
import { ListTerraformIterator, TerraformIterator, TerraformLocal, Token } from "cdktf";
import { ConnectUser } from "@cdktf/provider-aws/lib/connect-user";
import { DataAwsConnectRoutingProfile } from "@cdktf/provider-aws/lib/data-aws-connect-routing-profile";
import { DataAwsConnectUser } from "@cdktf/provider-aws/lib/data-aws-connect-user";
import { DataAwsConnectSecurityProfile } from "@cdktf/provider-aws/lib/data-aws-connect-security-profile";
import { DataAwsConnectUserHierarchyGroup } from "@cdktf/provider-aws/lib/data-aws-connect-user-hierarchy-group";
import { HIERARCHY, hierarchyLevels, hierarchyPathProblem, NO_HIERARCHY_GROUP } from "../lib/rules/hierarchy";
import { CONNECT_USER_BLOCKS, CONNECT_USER_ID, CONNECT_USERNAME, HIERARCHY_GROUP_ID } from "../lib/rules/naming";
import { forgetInstances, importEach, importInstances, movedInstances } from "./state-blocks";
import { adoptedNames, literalInExpression, literalText, requireMatch, ValidationError, type AdoptionProps } from "./props";

/** Terraform name of the users resource: plans read `aws_connect_user.connect_users["<user name>"]`. */
export const USERS_LOGICAL_ID = CONNECT_USER_BLOCKS.fileGroups;

export interface ConnectUserSpec {
  /** Connect user name: exactly the SAML RoleSessionName (the user's email), case included. */
  readonly username: string;
  /** First name, in Unicode NFC. */
  readonly firstName: string;
  /** Last name, in Unicode NFC. */
  readonly lastName: string;
  /** Security profile names (1..10), looked up on the instance. */
  readonly securityProfiles: ReadonlyArray<string>;
  /** Routing profile name, looked up on the instance. */
  readonly routingProfile: string;
  readonly phoneType: "SOFT_PHONE" | "DESK_PHONE";
  /** E.164 number; required with DESK_PHONE. */
  readonly deskPhoneNumber?: string;
  readonly secondaryEmail?: string;
  readonly autoAccept: boolean;
  /** Seconds of after-contact work; 0 means no limit. */
  readonly afterContactWorkTimeLimit: number;
  /**
   * Hierarchy group as its path from the top level, level names joined by "/" ("Americas/Seattle/Team A"),
   * or `none` (NO_HIERARCHY_GROUP) for no group; only with `manageHierarchyGroups`.
   * @default the group set in the console stays
   */
  readonly hierarchyGroup?: string;
  /** The user's own tags; the provider's default_tags add the environment's (the user's win on a key). @default none */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ConnectUsersProps extends AdoptionProps {
  /** Instance ID (a reference, so users wait for the instance's SAML check). */
  readonly instanceId: string;
  /** The users, keyed in Terraform by user name. */
  readonly users: ReadonlyArray<ConnectUserSpec>;
  /**
   * User names whose state moves to another stack: forgotten here, never deleted in Connect.
   * @default none
   */
  readonly forget?: ReadonlyArray<string>;
  /**
   * The hierarchy group of each user that names one (`hierarchyGroup`, or `none`) is the file's; the
   * others keep the console's. When false, every user keeps the console's. @default false
   */
  readonly manageHierarchyGroups?: boolean;
  /**
   * Group IDs by path: those groups are looked up by ID, for a name another group shares (the
   * provider's look-up by name refuses it: "too many results"). @default every group by name
   */
  readonly hierarchyGroupIds?: Readonly<Record<string, string>>;
  /**
   * Users that exist already, imported by their Connect user ID (user name → ID): no look-up by
   * name. A name here must not also be in `adopt`. @default none
   */
  readonly adoptIds?: Readonly<Record<string, string>>;
}

/**
 * `aws_connect_user` with `for_each` keyed by user name, so plans read
 * `aws_connect_user.connect_users["alice@example.com"]`, and one profile look-up per distinct name.
 * Users whose hierarchy group the console keeps while the environment manages others' are a second
 * block (`connect_users_console_group`, ignore_changes is per block); moved blocks follow a user
 * from one to the other, so no user is ever re-created for it.
 */
export class ConnectUsers extends Construct {
  constructor(scope: Construct, id: string, props: ConnectUsersProps) {
    super(scope, id);
    const manage = props.manageHierarchyGroups ?? false;
    const forgotten = props.forget ?? [];
    for (const block of Object.values(CONNECT_USER_BLOCKS))
      forgetInstances(this, block === USERS_LOGICAL_ID ? "forget" : `forget_${block}`, { type: ConnectUser.tfResourceType, name: block }, forgotten);
    const seen = new Set<string>();
    for (const user of props.users) {
      requireMatch(this, "users[].username", user.username, CONNECT_USERNAME, "2..64 of A-Z a-z 0-9 _ . @ -");
      if (seen.has(user.username)) throw new ValidationError(this, `user name ${JSON.stringify(user.username)} is given twice; allowed: each once`);
      seen.add(user.username);
      if (user.firstName !== user.firstName.normalize("NFC") || user.lastName !== user.lastName.normalize("NFC")) {
        throw new ValidationError(this, `names of ${user.username} are not in Unicode NFC; Connect refuses decomposed text`);
      }
      if (user.hierarchyGroup !== undefined && !manage) {
        throw new ValidationError(this, `${user.username} names hierarchy group ${JSON.stringify(user.hierarchyGroup)}, but manageHierarchyGroups is false`);
      }
    }
    const adopt = adoptedNames(this, props, seen, "names of the users given");
    const adoptIds = Object.entries(props.adoptIds ?? {});
    for (const [name, userId] of adoptIds) {
      if (!seen.has(name) || adopt.includes(name))
        throw new ValidationError(this, `adoptIds names ${JSON.stringify(name)}; allowed: names of the users given, not also in adopt`);
      requireMatch(this, "adoptIds[]", userId, CONNECT_USER_ID, "a Connect user ID (a lowercase UUID)");
    }
    if (props.users.length === 0) return;

    // Profile names reach the look-ups inside cdktf's `toset([...])` expression, and the users' entries as literal text.
    const distinct = (prop: string, names: string[]) => [...new Set(names)].sort().map((name) => literalInExpression(this, prop, name));
    const securityProfiles = lookup(
      this,
      "security_profiles",
      distinct(
        "users[].securityProfiles[]",
        props.users.flatMap((u) => [...u.securityProfiles]),
      ),
      (scope, it) => new DataAwsConnectSecurityProfile(scope, "security_profiles", { forEach: it, instanceId: props.instanceId, name: it.value }),
    );
    const routingProfiles = lookup(
      this,
      "routing_profiles",
      distinct(
        "users[].routingProfile",
        props.users.map((u) => u.routingProfile),
      ),
      (scope, it) => new DataAwsConnectRoutingProfile(scope, "routing_profiles", { forEach: it, instanceId: props.instanceId, name: it.value }),
    );

    // Which block each user is in: see CONNECT_USER_BLOCKS.
    const fileGroups = manage ? props.users.filter((u) => u.hierarchyGroup !== undefined) : props.users;
    const consoleGroups = manage ? props.users.filter((u) => u.hierarchyGroup === undefined) : [];
    const groups = manage ? hierarchyGroups(this, props) : undefined;
    const common = { instanceId: props.instanceId, routingProfiles, securityProfiles };
    const blocks = [
      { name: CONNECT_USER_BLOCKS.fileGroups, users: fileGroups, other: CONNECT_USER_BLOCKS.consoleGroups },
      { name: CONNECT_USER_BLOCKS.consoleGroups, users: consoleGroups, other: CONNECT_USER_BLOCKS.fileGroups },
    ];
    for (const block of blocks) {
      if (block.users.length > 0) {
        const fileSetsGroups = manage && block.name === CONNECT_USER_BLOCKS.fileGroups;
        userBlock(this, block.name, block.users, { ...common, groups: fileSetsGroups ? (groups ?? null) : undefined });
      }
      // A user whose state is in the other block (its group was managed, or left to the console, until now).
      movedInstances(
        this,
        `moved_to_${block.name}`,
        block.users.map((user) => {
          const key = JSON.stringify(user.username);
          return { from: `${ConnectUser.tfResourceType}.${block.other}[${key}]`, to: `${ConnectUser.tfResourceType}.${block.name}[${key}]` };
        }),
      );
    }

    // Users that exist already are found by name, and imported with the IDs found, into their block.
    if (adopt.length > 0) {
      const it = TerraformIterator.fromList([...adopt]);
      const existing = new DataAwsConnectUser(this, "existing", { forEach: it, instanceId: props.instanceId, name: it.value });
      existing.overrideLogicalId("adopted_connect_users");
      for (const block of blocks) {
        const here = adopt.filter((name) => block.users.some((u) => u.username === name));
        if (here.length === 0) continue;
        const names = here.map((name) => literalInExpression(this, "adopt.users[]", name));
        importEach(this, block.name === USERS_LOGICAL_ID ? "import" : `import_${block.name}`, {
          forEach:
            here.length === adopt.length ? `\${${existing.fqn}}` : `\${{ for k, v in ${existing.fqn} : k => v if contains(${JSON.stringify(names)}, k) }}`,
          to: `${ConnectUser.tfResourceType}.${block.name}[each.key]`,
          id: `\${each.value.instance_id}:\${each.value.user_id}`,
        });
      }
    }
    // Users whose IDs are known (npm run users -- import-live) are imported by ID into their block: the plan reads each once.
    const blockOf = new Map(blocks.flatMap((block) => block.users.map((u) => [u.username, block.name] as const)));
    importInstances(
      this,
      "import_by_id",
      adoptIds.map(([name, userId]) => ({
        to: `${ConnectUser.tfResourceType}.${blockOf.get(name)}[${JSON.stringify(name)}]`,
        id: `${props.instanceId}:${userId}`,
      })),
    );
  }
}

interface UserBlockLookups {
  readonly instanceId: string;
  readonly routingProfiles: string;
  readonly securityProfiles: string;
  /**
   * The hierarchy groups' look-ups (null: no user names a path): the block sets each user's group,
   * `none` clearing it. Undefined: the block leaves hierarchy_group_id to the console.
   */
  readonly groups?: string | null;
}

/** One `aws_connect_user` block over `users`, keyed by user name, with `logicalId` as its Terraform name. */
function userBlock(scope: Construct, logicalId: string, users: ReadonlyArray<ConnectUserSpec>, lookups: UserBlockLookups): void {
  const setsGroups = lookups.groups !== undefined;
  // Every entry carries every key (null when unset): Terraform needs one shape to read each.value.x.
  // Its text is the user's, literal (Terraform reads the map's strings as templates).
  const text = (prop: string, value: string) => literalText(scope, `users[].${prop}`, value);
  const byName: Record<string, unknown> = {};
  for (const user of users) {
    byName[user.username] = {
      first_name: text("firstName", user.firstName),
      last_name: text("lastName", user.lastName),
      secondary_email: user.secondaryEmail === undefined ? null : text("secondaryEmail", user.secondaryEmail),
      security_profiles: user.securityProfiles.map((name) => text("securityProfiles[]", name)),
      routing_profile: text("routingProfile", user.routingProfile),
      phone_type: user.phoneType,
      desk_phone_number: user.deskPhoneNumber === undefined ? null : text("deskPhoneNumber", user.deskPhoneNumber),
      auto_accept: user.autoAccept,
      after_contact_work_time_limit: user.afterContactWorkTimeLimit,
      tags: user.tags === undefined ? null : Object.fromEntries(Object.entries(user.tags).map(([k, v]) => [text("tags key", k), text(`tags.${k}`, v)])),
      ...(setsGroups
        ? {
            hierarchy_group:
              user.hierarchyGroup === undefined || user.hierarchyGroup === NO_HIERARCHY_GROUP ? null : text("hierarchyGroup", user.hierarchyGroup),
          }
        : {}),
    };
  }
  // The map is a local: Terraform evaluates an inline for_each map again for each instance, and plans grew
  // faster than the users (150 users 23 s, 200 users 42 s); from a local, 600 users plan in 10 s.
  const usersMap = new TerraformLocal(scope, `${logicalId}_map`, byName);
  usersMap.overrideLogicalId(logicalId);
  const each = TerraformIterator.fromMap(usersMap.asAnyMap);
  const resource = new ConnectUser(scope, logicalId === USERS_LOGICAL_ID ? "users" : logicalId, {
    forEach: each,
    instanceId: lookups.instanceId,
    name: each.key,
    routingProfileId: Token.asString(`\${${lookups.routingProfiles}[each.value.routing_profile].routing_profile_id}`),
    securityProfileIds: Token.asList(`\${[for name in each.value.security_profiles : ${lookups.securityProfiles}[name].security_profile_id]}`),
    // Never identity_info.email: Connect refuses it on SAML instances.
    identityInfo: {
      firstName: each.getString("first_name"),
      lastName: each.getString("last_name"),
      secondaryEmail: each.getString("secondary_email"),
    },
    phoneConfig: {
      phoneType: each.getString("phone_type"),
      autoAccept: each.getBoolean("auto_accept"),
      afterContactWorkTimeLimit: each.getNumber("after_contact_work_time_limit"),
      deskPhoneNumber: each.getString("desk_phone_number"),
    },
    tags: each.getStringMap("tags"),
    // The file's group, or none (null clears it); else whatever the console set stays.
    ...(!setsGroups
      ? { lifecycle: { ignoreChanges: ["hierarchy_group_id"] } }
      : lookups.groups
        ? {
            hierarchyGroupId: Token.asString(
              `\${each.value.hierarchy_group == null ? null : ${lookups.groups}[each.value.hierarchy_group].hierarchy_group_id}`,
            ),
          }
        : {}),
  });
  resource.overrideLogicalId(logicalId);
}

/** hierarchy_path's levels, top first, as the data source names them. */
const LEVELS = ["level_one", "level_two", "level_three", "level_four", "level_five"];

/**
 * One hierarchy group look-up per distinct path (keyed by the path): by the last level's name, or
 * by the ID `hierarchyGroupIds` gives for the path (a name another group shares: hashicorp/aws 5.100
 * refuses such a name, "too many results"). A postcondition fails the plan unless the group found
 * sits at exactly that path, so a group of that name under another parent, or a wrong ID, is never
 * taken. Returns the look-ups' address, or undefined when no user names a group.
 */
function hierarchyGroups(scope: Construct, props: ConnectUsersProps): string | undefined {
  const named = props.users.flatMap((u) => (u.hierarchyGroup === undefined || u.hierarchyGroup === NO_HIERARCHY_GROUP ? [] : [u.hierarchyGroup]));
  const paths = [...new Set(named)].sort();
  if (paths.length === 0) return undefined;
  const ids = props.hierarchyGroupIds ?? {};
  const byPath: Record<string, { name: string | null; id: string | null }> = {};
  for (const path of paths) {
    const problem = hierarchyPathProblem(path);
    if (problem) throw new ValidationError(scope, `hierarchy group path ${JSON.stringify(path)}: ${problem}`);
    const levels = hierarchyLevels(path);
    const id = Object.hasOwn(ids, path) ? ids[path] : undefined;
    if (id !== undefined) requireMatch(scope, `hierarchyGroupIds[${JSON.stringify(path)}]`, id, HIERARCHY_GROUP_ID, "a hierarchy group ID");
    byPath[literalText(scope, "users[].hierarchyGroup", path)] =
      id === undefined ? { name: literalText(scope, "users[].hierarchyGroup", levels[levels.length - 1]), id: null } : { name: null, id };
  }
  // The path of the group found, each name escaped as paths write it (hierarchyPath): "\" and "/" with a "\".
  const escaped = (name: string) => String.raw`replace(replace(${name}, "\\", "\\\\"), "/", "\\/")`;
  const found = `join(${JSON.stringify(HIERARCHY.separator)}, compact([for level in ${JSON.stringify(LEVELS)} : try(${escaped("self.hierarchy_path[0][level][0].name")}, null)]))`;
  const it = TerraformIterator.fromMap(byPath);
  const source = new DataAwsConnectUserHierarchyGroup(scope, "hierarchy_groups", {
    forEach: it,
    instanceId: props.instanceId,
    name: it.getString("name"),
    hierarchyGroupId: it.getString("id"),
    lifecycle: {
      postcondition: [
        {
          condition: `\${${found} == each.key}`,
          errorMessage:
            `Hierarchy group "\${each.key}" (users[].hierarchyGroup): the group \${each.value.id == null ? "named" : "with ID"} "\${coalesce(each.value.id, self.name)}" in Connect is at "\${${found}}", not at that path. ` +
            "Fix the path (or its ID in connect.hierarchyGroupIds) in the environment file, or move the group in Connect.",
        },
      ],
    },
  });
  source.overrideLogicalId("hierarchy_groups");
  return source.fqn;
}

/** A data source over distinct names; returns its address for `[name]` look-ups in expressions. */
function lookup(
  scope: Construct,
  logicalId: string,
  names: string[],
  make: (scope: Construct, it: ListTerraformIterator) => { fqn: string; overrideLogicalId(id: string): void },
): string {
  const source = make(scope, TerraformIterator.fromList(names));
  source.overrideLogicalId(logicalId);
  return source.fqn;
}
