/**
 * Step 1 of the doc: the Identity Center application for Amazon Connect.
 *
 * The application itself is console-only (no API creates a SAML catalog application or sets its
 * mappings), so this module owns what code can: the relay state it must use, and, given the
 * application's ARN, the assignment of every configured user (optionally creating them in the
 * Identity Center directory first).
 */
import { Construct } from "constructs";
import { Fn, TerraformIterator, Token, type TerraformProvider } from "cdktf";
import { DataAwsIdentitystoreUser } from "@cdktf/provider-aws/lib/data-aws-identitystore-user";
import { DataAwsSsoadminInstances } from "@cdktf/provider-aws/lib/data-aws-ssoadmin-instances";
import { IdentitystoreUser } from "@cdktf/provider-aws/lib/identitystore-user";
import { SsoadminApplicationAssignment } from "@cdktf/provider-aws/lib/ssoadmin-application-assignment";
import { relayStateUrl, SSO_APPLICATION_ARN, type Destination, type Partition } from "../lib/rules/naming";
import { literalText, requireMatch, ValidationError } from "./props";

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
  /** Provider for Identity Center calls (its home region and account). @default the stack's default provider */
  readonly provider?: TerraformProvider;
}

export class SsoApplication extends Construct {
  /** Relay state URL; a reference until apply when the instance is created by the same stack. */
  public readonly relayStateUrl: string;

  constructor(scope: Construct, id: string, props: SsoApplicationProps) {
    super(scope, id);
    this.relayStateUrl = relayStateUrl(props);
    if (!props.applicationArn) {
      if (props.createUsers)
        throw new ValidationError(this, "createUsers needs applicationArn; allowed: createUsers only with an application to assign users to");
      return;
    }
    requireMatch(this, "applicationArn", props.applicationArn, SSO_APPLICATION_ARN, "arn:<partition>:sso::<account>:application/ssoins-<16>/apl-<16>");
    if (props.users.length === 0) return;

    const provider = props.provider;
    const identityStoreId = props.identityStoreId ?? firstIdentityStore(this, provider);
    const usernames = props.users.map((u) => u.username);
    let principals: string;
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
      principals = created.fqn;
    } else {
      const it = TerraformIterator.fromList(usernames);
      const found = new DataAwsIdentitystoreUser(this, "users", {
        provider,
        forEach: it,
        identityStoreId,
        alternateIdentifier: { uniqueAttribute: { attributePath: "UserName", attributeValue: it.value } },
      });
      found.overrideLogicalId("identity_center_users");
      principals = found.fqn;
    }
    const it = TerraformIterator.fromList(usernames);
    const assignment = new SsoadminApplicationAssignment(this, "assignments", {
      provider,
      forEach: it,
      applicationArn: props.applicationArn,
      principalId: Token.asString(`\${${principals}[each.value].user_id}`),
      principalType: "USER",
    });
    assignment.overrideLogicalId("application_assignments");
  }
}

/** The identity store of the (single) Identity Center instance. */
function firstIdentityStore(scope: Construct, provider?: TerraformProvider): string {
  const instances = new DataAwsSsoadminInstances(scope, "instances", { provider });
  instances.overrideLogicalId("identity_center_instances");
  return Fn.element(instances.identityStoreIds, 0);
}
