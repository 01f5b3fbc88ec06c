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
import { HIERARCHY, hierarchyLevels, hierarchyPathProblem } from "../lib/rules/hierarchy";
import { CONNECT_USER_ID, CONNECT_USERNAME } from "../lib/rules/naming";
import { forgetInstances, importEach, importInstances } from "./state-blocks";
import { adoptedNames, literalInExpression, literalText, requireMatch, ValidationError, type AdoptionProps } from "./props";

/** Terraform name of the users resource: plans read `aws_connect_user.connect_users["<user name>"]`. */
export const USERS_LOGICAL_ID = "connect_users";

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
   * Hierarchy group as its path from the top level, level names joined by "/" ("Americas/Seattle/Team A");
   * only with `manageHierarchyGroups`. @default none
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
   * The users' hierarchy groups are the file's: a user without `hierarchyGroup` has none. When false,
   * `hierarchy_group_id` is ignored (a group set in the console stays). @default false
   */
  readonly manageHierarchyGroups?: boolean;
  /**
   * Users that exist already, imported by their Connect user ID (user name → ID): no look-up by
   * name. A name here must not also be in `adopt`. @default none
   */
  readonly adoptIds?: Readonly<Record<string, string>>;
}

/**
 * One `aws_connect_user` with `for_each` keyed by user name, so plans read
 * `aws_connect_user.connect_users["alice@example.com"]`, and one profile look-up per distinct name.
 */
export class ConnectUsers extends Construct {
  constructor(scope: Construct, id: string, props: ConnectUsersProps) {
    super(scope, id);
    forgetInstances(this, "forget", { type: ConnectUser.tfResourceType, name: USERS_LOGICAL_ID }, props.forget ?? []);
    const manage = props.manageHierarchyGroups ?? false;
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

    const groups = manage ? hierarchyGroups(this, props) : undefined;

    // Every entry carries every key (null when unset): Terraform needs one shape to read each.value.x.
    // Its text is the user's, literal (Terraform reads the map's strings as templates).
    const text = (prop: string, value: string) => literalText(this, `users[].${prop}`, value);
    const byName: Record<string, unknown> = {};
    for (const user of props.users) {
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
        ...(groups ? { hierarchy_group: user.hierarchyGroup === undefined ? null : text("hierarchyGroup", user.hierarchyGroup) } : {}),
      };
    }
    // The map is a local: Terraform evaluates an inline for_each map again for each instance, and plans grew
    // faster than the users (150 users 23 s, 200 users 42 s here); from a local, 600 users plan in 10 s.
    const usersMap = new TerraformLocal(this, "users_map", byName);
    usersMap.overrideLogicalId(USERS_LOGICAL_ID);
    const each = TerraformIterator.fromMap(usersMap.asAnyMap);
    const resource = new ConnectUser(this, "users", {
      forEach: each,
      instanceId: props.instanceId,
      name: each.key,
      routingProfileId: Token.asString(`\${${routingProfiles}[each.value.routing_profile].routing_profile_id}`),
      securityProfileIds: Token.asList(`\${[for name in each.value.security_profiles : ${securityProfiles}[name].security_profile_id]}`),
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
      // Managed: the file's group, or none (null clears it). Not managed: whatever the console set stays.
      ...(groups
        ? { hierarchyGroupId: Token.asString(`\${each.value.hierarchy_group == null ? null : ${groups}[each.value.hierarchy_group].hierarchy_group_id}`) }
        : {}),
      ...(manage ? {} : { lifecycle: { ignoreChanges: ["hierarchy_group_id"] } }),
    });
    resource.overrideLogicalId(USERS_LOGICAL_ID);

    // Users that exist already are found by name, and imported with the IDs found.
    if (adopt.length > 0) {
      const it = TerraformIterator.fromList([...adopt]);
      const existing = new DataAwsConnectUser(this, "existing", { forEach: it, instanceId: props.instanceId, name: it.value });
      existing.overrideLogicalId("adopted_connect_users");
      importEach(this, "import", {
        forEach: `\${${existing.fqn}}`,
        to: `${ConnectUser.tfResourceType}.${USERS_LOGICAL_ID}[each.key]`,
        id: `\${each.value.instance_id}:\${each.value.user_id}`,
      });
    }
    // Users whose IDs are known (npm run users -- import-live) are imported by ID: the plan reads each once.
    if (adoptIds.length > 0) {
      importInstances(
        this,
        "import_by_id",
        adoptIds.map(([name, userId]) => ({
          to: `${ConnectUser.tfResourceType}.${USERS_LOGICAL_ID}[${JSON.stringify(name)}]`,
          id: `${props.instanceId}:${userId}`,
        })),
      );
    }
  }
}

/** hierarchy_path's levels, top first, as the data source names them. */
const LEVELS = ["level_one", "level_two", "level_three", "level_four", "level_five"];

/**
 * One hierarchy group look-up per distinct path (keyed by the path), by the last level's name; a
 * postcondition fails the plan unless the group found sits at exactly that path, so a group of that
 * name under another parent is never taken. (hashicorp/aws 5.100 itself refuses a name two groups
 * share: "too many results".) Returns the look-ups' address, or undefined when no user names a group.
 */
function hierarchyGroups(scope: Construct, props: ConnectUsersProps): string | undefined {
  const paths = [...new Set(props.users.flatMap((u) => (u.hierarchyGroup === undefined ? [] : [u.hierarchyGroup])))].sort();
  if (paths.length === 0) return undefined;
  const byPath: Record<string, string> = {};
  for (const path of paths) {
    const problem = hierarchyPathProblem(path);
    if (problem) throw new ValidationError(scope, `hierarchy group path ${JSON.stringify(path)}: ${problem}`);
    const levels = hierarchyLevels(path);
    byPath[literalText(scope, "users[].hierarchyGroup", path)] = literalText(scope, "users[].hierarchyGroup", levels[levels.length - 1]);
  }
  const found = `join(${JSON.stringify(HIERARCHY.separator)}, compact([for level in ${JSON.stringify(LEVELS)} : try(self.hierarchy_path[0][level][0].name, null)]))`;
  const it = TerraformIterator.fromMap(byPath);
  const source = new DataAwsConnectUserHierarchyGroup(scope, "hierarchy_groups", {
    forEach: it,
    instanceId: props.instanceId,
    name: it.value,
    lifecycle: {
      postcondition: [
        {
          condition: `\${${found} == each.key}`,
          errorMessage:
            `Hierarchy group "\${each.key}" (users[].hierarchyGroup): the group named "\${self.name}" in Connect is at "\${${found}}", not at that path. ` +
            "Fix the path in the environment file, or move the group in Connect.",
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
