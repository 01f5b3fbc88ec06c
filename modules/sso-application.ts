/**
 * Step 1 of the doc: the Identity Center application for Amazon Connect.
 *
 * The application itself is console-only (no API creates a SAML catalog application or sets its
 * mappings), so this module owns what code can: the relay state it must use, and, given the
 * application's ARN, the assignment of every configured user (optionally creating them in the
 * Identity Center directory first), of groups found by display name, and whether assignment is
 * required. Group membership and the application's own settings stay in the console.
 */
import { Construct } from "constructs";
import { Fn, TerraformIterator, Token, type TerraformProvider } from "cdktf";
import { DataAwsIdentitystoreGroup } from "@cdktf/provider-aws/lib/data-aws-identitystore-group";
import { DataAwsIdentitystoreUser } from "@cdktf/provider-aws/lib/data-aws-identitystore-user";
import { DataAwsSsoadminInstances } from "@cdktf/provider-aws/lib/data-aws-ssoadmin-instances";
import { IdentitystoreUser } from "@cdktf/provider-aws/lib/identitystore-user";
import { SsoadminApplicationAssignment } from "@cdktf/provider-aws/lib/ssoadmin-application-assignment";
import { SsoadminApplicationAssignmentConfiguration } from "@cdktf/provider-aws/lib/ssoadmin-application-assignment-configuration";
import { relayStateUrl, SSO_APPLICATION_ARN, type Destination, type Partition } from "../lib/rules/naming";
import { literalInExpression, literalText, requireMatch, ValidationError } from "./props";

export interface ApplicationUser {
  /** Identity Center user name (and email); the Connect user name. */
  readonly username: string;
  readonly firstName: string;
  readonly lastName: string;
}

export interface SsoApplicationProps {
  readonly partition: Partition;
  readonly region: string;
  /** Connect instance ID (literal or reference) the relay state federates into. */
  readonly instanceId: string;
  /** Landing page after sign-in. @default the Connect admin website */
  readonly destination?: Destination;
  /** ARN of the console-made application; without it no assignment is managed. @default none */
  readonly applicationArn?: string;
  /** Identity store to find or create users in. @default the first store of `aws_ssoadmin_instances` */
  readonly identityStoreId?: string;
  /** Create the users in the Identity Center directory (when it is its own identity source). @default false */
  readonly createUsers?: boolean;
  readonly users: ReadonlyArray<ApplicationUser>;
  /** Assign each user of `users` to the application; false leaves users to the groups. @default true */
  readonly assignUsers?: boolean;
  /** Display names of Identity Center groups to assign to the application (found in the identity store). @default none */
  readonly groups?: ReadonlyArray<string>;
  /** Whether only assigned users and groups may use the application; undefined leaves the setting unmanaged. @default unmanaged */
  readonly assignmentRequired?: boolean;
  /** Provider for Identity Center calls (its home region and account). @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

export class SsoApplication extends Construct {
  /** Relay state URL; a reference until apply when the instance is created by the same stack. */
  public readonly relayStateUrl: string;
  private readonly provider?: TerraformProvider;

  constructor(scope: Construct, id: string, props: SsoApplicationProps) {
    super(scope, id);
    this.provider = props.provider;
    this.relayStateUrl = relayStateUrl(props);
    const groups = props.groups ?? [];
    const assignUsers = props.assignUsers ?? true;
    if (!props.applicationArn) {
      const needing = [
        props.createUsers && "createUsers",
        groups.length > 0 && "groups",
        !assignUsers && "assignUsers",
        props.assignmentRequired !== undefined && "assignmentRequired",
      ].filter((p): p is string => typeof p === "string");
      const list = needing.join(", ");
      if (needing.length)
        throw new ValidationError(
          this,
          `${list} need${needing.length === 1 ? "s" : ""} applicationArn; allowed: ${list} only with an application to assign to`,
        );
      return;
    }
    requireMatch(this, "applicationArn", props.applicationArn, SSO_APPLICATION_ARN, "arn:<partition>:sso::<account>:application/ssoins-<16>/apl-<16>");
    const applicationArn = props.applicationArn;
    if (new Set(groups).size !== groups.length) throw new ValidationError(this, `groups ${JSON.stringify(groups)} name a group twice; allowed: each once`);

    const provider = this.provider;
    let identityStore: string | undefined;
    const identityStoreId = () => (identityStore ??= props.identityStoreId ?? firstIdentityStore(this, provider));
    if (props.users.length > 0 && (assignUsers || props.createUsers)) {
      const principals = this.users(props, identityStoreId());
      if (assignUsers) this.assign("assignments", "application_assignments", applicationArn, "USER", usernames(props), `\${${principals}[each.value].user_id}`);
    }
    if (groups.length > 0) {
      // Display names reach Terraform inside cdktf's `toset([...])`; each.value is then the name as written.
      const names = [...groups].sort().map((name) => literalInExpression(this, "groups[]", name));
      const it = TerraformIterator.fromList(names);
      const found = new DataAwsIdentitystoreGroup(this, "groups", {
        provider,
        forEach: it,
        identityStoreId: identityStoreId(),
        alternateIdentifier: { uniqueAttribute: { attributePath: "DisplayName", attributeValue: it.value } },
      });
      found.overrideLogicalId("identity_center_groups");
      this.assign("group_assignments", "application_group_assignments", applicationArn, "GROUP", names, `\${${found.fqn}[each.value].group_id}`);
    }
    if (props.assignmentRequired !== undefined) {
      const configuration = new SsoadminApplicationAssignmentConfiguration(this, "assignment_configuration", {
        provider,
        applicationArn,
        assignmentRequired: props.assignmentRequired,
      });
      configuration.overrideLogicalId("application_assignment_configuration");
    }
  }

  /** The users in Identity Center, created or found by user name; returns the address to index by user name. */
  private users(props: SsoApplicationProps, identityStoreId: string): string {
    const provider = this.provider;
    if (props.createUsers) {
      const people = Object.fromEntries(
        props.users.map((u) => [
          u.username,
          { given_name: literalText(this, "users[].firstName", u.firstName), family_name: literalText(this, "users[].lastName", u.lastName) },
        ]),
      );
      const it = TerraformIterator.fromMap(people);
      const created = new IdentitystoreUser(this, "users", {
        provider,
        forEach: it,
        identityStoreId,
        userName: it.key,
        displayName: `\${each.value.given_name} \${each.value.family_name}`,
        name: { givenName: it.getString("given_name"), familyName: it.getString("family_name") },
        emails: { value: it.key, primary: true, type: "work" },
      });
      created.overrideLogicalId("identity_center_users");
      return created.fqn;
    }
    const it = TerraformIterator.fromList(usernames(props));
    const found = new DataAwsIdentitystoreUser(this, "users", {
      provider,
      forEach: it,
      identityStoreId,
      alternateIdentifier: { uniqueAttribute: { attributePath: "UserName", attributeValue: it.value } },
    });
    found.overrideLogicalId("identity_center_users");
    return found.fqn;
  }

  /** One assignment per key of `keys` (each.value), to the principal `principalId` names. */
  private assign(id: string, logicalId: string, applicationArn: string, principalType: "USER" | "GROUP", keys: string[], principalId: string): void {
    const it = TerraformIterator.fromList(keys);
    const assignment = new SsoadminApplicationAssignment(this, id, {
      provider: this.provider,
      forEach: it,
      applicationArn,
      principalId: Token.asString(principalId),
      principalType,
    });
    assignment.overrideLogicalId(logicalId);
  }
}

const usernames = (props: SsoApplicationProps) => props.users.map((u) => u.username);

/** The identity store of the (single) Identity Center instance. */
function firstIdentityStore(scope: Construct, provider?: TerraformProvider): string {
  const instances = new DataAwsSsoadminInstances(scope, "instances", { provider });
  instances.overrideLogicalId("identity_center_instances");
  return Fn.element(instances.identityStoreIds, 0);
}
