/**
 * Real Terraform on the synthesized example stacks: `terraform init`, `terraform validate`, then
 * `terraform test` with `mock_provider "aws"` and `command = apply`, so the real provider schema and
 * validators see every value, and Terraform itself evaluates references, `for_each` keys,
 * `jsonencode`d policies and the data source's postcondition.
 *
 * The expectations below are written out by hand for each example (not recomputed with
 * lib/rules/naming.ts), so a wrong naming or URL rule fails here. Values AWS would compute (ARNs, IDs)
 * are given realistic mock values with override_resource / override_data.
 *
 * Nothing touches AWS: the mocked provider makes no calls. The three stacks run concurrently.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXAMPLES_DIR, exampleEnvironment, synthStack } from "../support/environments";
import { hierarchyGroupMock } from "../support/hierarchy-mock";
import {
  protectedAddresses,
  writeTeardownOverride,
  describeResult,
  formatDiagnostic,
  hcl,
  hclString,
  parseTestReport,
  removeTempDir,
  runTerraform,
  serialQueue,
  tail,
  terraform,
  terraformSetup,
  type CommandResult,
  type TerraformSetup,
  type TestReport,
} from "../support/terraform";
import { describeIfTools, missingTerraform } from "../support/tools";

// ---------------------------------------------------------------------------------------------
// Hand-written expectations per example
// ---------------------------------------------------------------------------------------------

/** Mock IDs for the profile look-ups (by profile name), so each user's IDs show which name was looked up. */
const ROUTING_PROFILE_IDS = {
  "Basic Routing Profile": "0c1d2e3f-0000-4000-8000-0000000ba51c",
  "Sales Routing Profile": "0c1d2e3f-0000-4000-8000-00000005a1e5",
} as const;
const SECURITY_PROFILE_IDS = {
  Agent: "5ec0a9e1-0000-4000-8000-00000000a9e1",
  CallCenterManager: "5ec0a9e1-0000-4000-8000-0000000cc3a9",
  QualityAnalyst: "5ec0a9e1-0000-4000-8000-0000000a0a1e",
} as const;
/** Mock IDs of the hierarchy groups (by path from the top level), parents included: the look-ups' hierarchy_path names them. */
const HIERARCHY_GROUP_IDS: Readonly<Record<string, string>> = {
  Americas: "41e7a2c0-0000-4000-8000-0000000a3e71",
  "Americas/Seattle": "41e7a2c0-0000-4000-8000-00000005ea77",
  "Americas/Seattle/Team A": "41e7a2c0-0000-4000-8000-00000000700a",
  "Americas/Seattle/Sales": "41e7a2c0-0000-4000-8000-0000000005a1",
};

interface ExpectedUser {
  readonly firstName: string;
  readonly lastName: string;
  readonly secondaryEmail: string | null;
  readonly routingProfile: keyof typeof ROUTING_PROFILE_IDS;
  readonly securityProfiles: ReadonlyArray<keyof typeof SECURITY_PROFILE_IDS>;
  readonly phoneType: "SOFT_PHONE" | "DESK_PHONE";
  readonly deskPhoneNumber: string | null;
  readonly autoAccept: boolean;
  readonly afterContactWorkTimeLimit: number;
  /** Path of the user's hierarchy group (a key of HIERARCHY_GROUP_IDS), or null for none. */
  readonly hierarchyGroup: string | null;
  /** The user's own tags (`aws_connect_user.tags`; the environment's come through default_tags). */
  readonly tags: Readonly<Record<string, string>> | null;
}

interface Expected {
  readonly summary: string;
  readonly instance:
    | { readonly kind: "existing"; readonly id: string; readonly arn: string }
    | {
        readonly kind: "created";
        readonly alias: string;
        readonly inboundCalls: boolean;
        readonly outboundCalls: boolean;
        readonly mockId: string;
        readonly mockArn: string;
      };
  readonly relayStateUrl: string;
  readonly samlProviderName: string;
  readonly roleName: string;
  readonly maxSessionDuration: number;
  /** `SAML:aud` of the role's trust: the partition's sign-in endpoint, and the Region's own where it has another. */
  readonly samlAud: string | ReadonlyArray<string>;
  /** ARNs the mock gives the SAML provider and the role (as AWS would make them). */
  readonly samlProviderArn: string;
  readonly roleArn: string;
  /** The SSO application's Role attribute: exactly `<role arn>,<provider arn>`. */
  readonly roleAttributeValue: string;
  /** The only resource of the inline policy (`${aws:userid}` is the IAM policy variable, verbatim). */
  readonly federationResource: string;
  readonly users: Readonly<Record<string, ExpectedUser>>;
  readonly identityCenter?: {
    readonly applicationArn: string;
    readonly identityStoreId: string;
    /** Where the store ID comes from: the environment file, or the account's Identity Center instance. */
    readonly storeFrom: "environment" | "aws_ssoadmin_instances";
    /** Mock Identity Center user IDs by user name. */
    readonly userIds: Readonly<Record<string, string>>;
    /** Whether `ssoApplication.groups` names groups (assigned by `application_group_assignments`). */
    readonly assignsGroups: boolean;
  };
  /** Resources with prevent_destroy. */
  readonly protectedResources: ReadonlyArray<string>;
}

const softPhone = {
  phoneType: "SOFT_PHONE",
  deskPhoneNumber: null,
  autoAccept: false,
  afterContactWorkTimeLimit: 0,
  secondaryEmail: null,
  hierarchyGroup: null,
  tags: null,
} as const;

const EXPECTED: Record<"dev" | "staging" | "prod", Expected> = {
  dev: {
    summary: "existing SAML instance in us-west-2, no application ARN",
    instance: {
      kind: "existing",
      id: "0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
      arn: "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90",
    },
    relayStateUrl: "https://us-west-2.console.aws.amazon.com/connect/federate/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90?destination=%2Fagent-app-v2",
    samlProviderName: "AmazonConnectSSO-dev",
    roleName: "AmazonConnectSSO-dev",
    maxSessionDuration: 36000,
    samlAud: ["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"],
    samlProviderArn: "arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev",
    roleArn: "arn:aws:iam::111122223333:role/AmazonConnectSSO-dev",
    roleAttributeValue: "arn:aws:iam::111122223333:role/AmazonConnectSSO-dev,arn:aws:iam::111122223333:saml-provider/AmazonConnectSSO-dev",
    federationResource: "arn:aws:connect:us-west-2:111122223333:instance/0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90/user/${aws:userid}",
    users: {
      "alice.nguyen@example.com": {
        ...softPhone,
        firstName: "Alice",
        lastName: "Nguyen",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent"],
      },
      "dev.lead@example.com": {
        ...softPhone,
        firstName: "Dana",
        lastName: "Okafor",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent", "CallCenterManager"],
        autoAccept: true,
      },
    },
    protectedResources: [],
  },
  staging: {
    summary: "creates its SAML instance in us-east-1, assigns users in a given identity store",
    instance: {
      kind: "created",
      alias: "acme-staging",
      inboundCalls: true,
      outboundCalls: false,
      mockId: "7e1d3c5a-9b2f-4c8e-a6d4-2f0b9e8c1a37",
      mockArn: "arn:aws:connect:us-east-1:222233334444:instance/7e1d3c5a-9b2f-4c8e-a6d4-2f0b9e8c1a37",
    },
    relayStateUrl:
      "https://us-east-1.console.aws.amazon.com/connect/federate/7e1d3c5a-9b2f-4c8e-a6d4-2f0b9e8c1a37?destination=%2Fccp-v2%2Fchat&new_domain=true",
    samlProviderName: "AmazonConnectSSO-staging",
    roleName: "AmazonConnectSSO-staging",
    maxSessionDuration: 28800,
    samlAud: "https://signin.aws.amazon.com/saml",
    samlProviderArn: "arn:aws:iam::222233334444:saml-provider/AmazonConnectSSO-staging",
    roleArn: "arn:aws:iam::222233334444:role/AmazonConnectSSO-staging",
    roleAttributeValue: "arn:aws:iam::222233334444:role/AmazonConnectSSO-staging,arn:aws:iam::222233334444:saml-provider/AmazonConnectSSO-staging",
    federationResource: "arn:aws:connect:us-east-1:222233334444:instance/7e1d3c5a-9b2f-4c8e-a6d4-2f0b9e8c1a37/user/${aws:userid}",
    users: {
      "alice.nguyen@example.com": {
        ...softPhone,
        firstName: "Alice",
        lastName: "Nguyen",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent"],
      },
      "bob.martin@example.com": {
        ...softPhone,
        firstName: "Bob",
        lastName: "Martin",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent"],
        phoneType: "DESK_PHONE",
        deskPhoneNumber: "+12065550100",
        afterContactWorkTimeLimit: 120,
      },
    },
    identityCenter: {
      applicationArn: "arn:aws:sso::222233334444:application/ssoins-7223a0b1c2d3e4f5/apl-5f4e3d2c1b0a9988",
      identityStoreId: "d-9067a1b2c3",
      storeFrom: "environment",
      assignsGroups: false,
      userIds: {
        "alice.nguyen@example.com": "9067a1b2c3-0a1c-4e00-8000-00000000a11c",
        "bob.martin@example.com": "9067a1b2c3-0b0b-4e00-8000-000000000b0b",
      },
    },
    protectedResources: [],
  },
  prod: {
    summary: "existing SAML instance, protected, assigns users in the account's identity store, manages hierarchy groups",
    instance: {
      kind: "existing",
      id: "5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b",
      arn: "arn:aws:connect:us-west-2:444455556666:instance/5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b",
    },
    relayStateUrl: "https://us-west-2.console.aws.amazon.com/connect/federate/5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b?destination=%2Fagent-app-v2",
    samlProviderName: "AmazonConnectSSO-prod",
    roleName: "AmazonConnectSSO-prod",
    maxSessionDuration: 36000,
    samlAud: ["https://signin.aws.amazon.com/saml", "https://us-west-2.signin.aws.amazon.com/saml"],
    samlProviderArn: "arn:aws:iam::444455556666:saml-provider/AmazonConnectSSO-prod",
    roleArn: "arn:aws:iam::444455556666:role/AmazonConnectSSO-prod",
    roleAttributeValue: "arn:aws:iam::444455556666:role/AmazonConnectSSO-prod,arn:aws:iam::444455556666:saml-provider/AmazonConnectSSO-prod",
    federationResource: "arn:aws:connect:us-west-2:444455556666:instance/5b7d2e90-3c4a-4f1e-8a6b-9d0c1e2f3a4b/user/${aws:userid}",
    users: {
      "alice.nguyen@example.com": {
        ...softPhone,
        firstName: "Alice",
        lastName: "Nguyen",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent"],
        secondaryEmail: "alice@home.example",
        hierarchyGroup: "Americas/Seattle/Team A",
      },
      // Precomposed (NFC) é and ñ, written as escapes so this file shows the code points
      // (compared code point by code point on the JSON: Terraform itself normalizes to NFC).
      "jose.pena@example.com": {
        ...softPhone,
        firstName: "Jos\u00e9",
        lastName: "Pe\u00f1a",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["Agent", "QualityAnalyst"],
        hierarchyGroup: "Americas/Seattle/Team A",
      },
      "bob.martin@example.com": {
        ...softPhone,
        firstName: "Bob",
        lastName: "Martin",
        routingProfile: "Sales Routing Profile",
        securityProfiles: ["Agent"],
        phoneType: "DESK_PHONE",
        deskPhoneNumber: "+12065550100",
        autoAccept: true,
        afterContactWorkTimeLimit: 120,
        hierarchyGroup: "Americas/Seattle/Sales",
        tags: { Team: "sales", CostCenter: "4420" },
      },
      "supervisor.kim@example.com": {
        ...softPhone,
        firstName: "Min-jun",
        lastName: "Kim",
        routingProfile: "Basic Routing Profile",
        securityProfiles: ["CallCenterManager"],
        hierarchyGroup: "Americas/Seattle",
        tags: { Team: "supervisors" },
      },
    },
    identityCenter: {
      applicationArn: "arn:aws:sso::444455556666:application/ssoins-7223a0b1c2d3e4f5/apl-0a1b2c3d4e5f6a7b",
      identityStoreId: "d-92670c4b2e",
      storeFrom: "aws_ssoadmin_instances",
      assignsGroups: true,
      userIds: {
        "alice.nguyen@example.com": "92670c4b2e-0a1c-4e00-8000-00000000a11c",
        "jose.pena@example.com": "92670c4b2e-0e05-4e00-8000-00000000e05e",
        "bob.martin@example.com": "92670c4b2e-0b0b-4e00-8000-000000000b0b",
        "supervisor.kim@example.com": "92670c4b2e-0c1a-4e00-8000-000000000c1a",
      },
    },
    protectedResources: ["aws_iam_role.federation_role", "aws_iam_saml_provider.saml_provider"],
  },
};

const NAMES = Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>;

// ---------------------------------------------------------------------------------------------
// The generated *.tftest.hcl
// ---------------------------------------------------------------------------------------------

interface Assertion {
  /** HCL expression that must be true. */
  readonly condition: string;
  /** What was expected, in words; the actual value of `actual` is appended by Terraform. */
  readonly expected: string;
  /** HCL expression whose value the failure message shows. */
  readonly actual: string;
}

interface RunSpec {
  readonly name: string;
  /** Test title: WHEN ... THEN ... */
  readonly title: string;
  readonly command: "apply" | "plan";
  readonly asserts?: ReadonlyArray<Assertion>;
  readonly overrides?: ReadonlyArray<string>;
  readonly expectFailures?: ReadonlyArray<string>;
}

const eq = (actual: string, value: unknown, what: string): Assertion => ({
  condition: `${actual} == ${hcl(value)}`,
  expected: `${what} should be ${JSON.stringify(value)}`,
  actual,
});

/** Map equality (an HCL object literal never equals a map(string) without the conversion); null is no map. */
const eqMap = (actual: string, value: Readonly<Record<string, string>> | null, what: string): Assertion =>
  value === null ? eq(actual, null, what) : { ...eq(actual, value, what), condition: `${actual} == tomap(${hcl(value)})` };

/** Set equality (order and duplicates do not matter). */
const eqSet = (actual: string, values: ReadonlyArray<unknown>, what: string): Assertion => ({
  condition: `toset(${actual}) == toset(${hcl(values)})`,
  expected: `${what} should be the set ${JSON.stringify(values)}`,
  actual,
});

function block(kind: string, lines: ReadonlyArray<string>, indent = ""): string {
  return [`${indent}${kind} {`, ...lines.map((l) => `${indent}  ${l}`), `${indent}}`].join("\n");
}

function overrideBlock(kind: "override_data" | "override_resource", target: string, values: Record<string, unknown>, indent = ""): string {
  return block(kind, [`target = ${target}`, `values = ${hcl(values)}`], indent);
}

function assertBlock(a: Assertion): string {
  // error_message is a template: the words are escaped, the actual value is interpolated.
  const message = `${hclString(`${a.expected}; it is `).slice(0, -1)}\${jsonencode(${a.actual})}"`;
  return block("assert", [`condition     = ${a.condition}`, `error_message = ${message}`], "  ");
}

function runBlock(run: RunSpec): string {
  const lines = [`run ${hclString(run.name)} {`, `  command = ${run.command}`];
  for (const o of run.overrides ?? []) lines.push(o);
  if (run.expectFailures) lines.push(`  expect_failures = [${run.expectFailures.join(", ")}]`);
  for (const a of run.asserts ?? []) lines.push(assertBlock(a));
  lines.push("}");
  return lines.join("\n");
}

/** The run blocks of one example: what terraform test checks after a mocked apply. */
function runsFor(name: keyof typeof EXPECTED): RunSpec[] {
  const x = EXPECTED[name];
  const usernames = Object.keys(x.users);
  const instanceId = x.instance.kind === "existing" ? x.instance.id : x.instance.mockId;
  const trust = "jsondecode(aws_iam_role.federation_role.assume_role_policy)";
  const permissions = "jsondecode(aws_iam_role_policy.federation_policy.policy)";
  const runs: RunSpec[] = [];

  runs.push({
    name: "iam_saml_provider_and_role",
    title:
      "WHEN applied THEN the SAML provider, the role's trust (SAML provider only, sts:AssumeRoleWithSAML, SAML:aud) and its inline policy (only connect:GetFederationToken on the caller's own Connect user) are as the doc says",
    command: "apply",
    asserts: [
      eq("aws_iam_saml_provider.saml_provider.name", x.samlProviderName, "SAML provider name"),
      eq(
        "sha256(aws_iam_saml_provider.saml_provider.saml_metadata_document)",
        metadataSha256(name),
        `SHA-256 of the SAML metadata (environments/metadata/${name}.xml)`,
      ),
      eq("aws_iam_role.federation_role.name", x.roleName, "role name"),
      eq("aws_iam_role.federation_role.max_session_duration", x.maxSessionDuration, "max_session_duration"),
      eq(`length(${trust}.Statement)`, 1, "number of trust statements"),
      eq(`${trust}.Statement[0].Effect`, "Allow", "trust Effect"),
      eq(`${trust}.Statement[0].Action`, "sts:AssumeRoleWithSAML", "trust Action"),
      eq(`${trust}.Statement[0].Principal`, { Federated: x.samlProviderArn }, "trust Principal (the SAML provider's ARN, nothing else)"),
      eq(`${trust}.Statement[0].Condition`, { StringEquals: { "SAML:aud": x.samlAud } }, "trust Condition"),
      eq("aws_iam_role_policy.federation_policy.role", x.roleName, "role of the inline policy"),
      eqSet(`[for s in ${permissions}.Statement : s.Effect]`, ["Allow"], "inline policy effects"),
      // Action and Resource may be a string or a list in IAM JSON: flatten reads both.
      eqSet(`flatten([for s in ${permissions}.Statement : s.Action])`, ["connect:GetFederationToken"], "inline policy actions"),
      eqSet(`flatten([for s in ${permissions}.Statement : s.Resource])`, [x.federationResource], "inline policy resources"),
    ],
  });

  runs.push({
    name: "console_values",
    title:
      "WHEN applied THEN the outputs a person types into the Identity Center console are exact: relay state URL, role ARN, provider ARN and the Role attribute `<role arn>,<provider arn>`",
    command: "apply",
    asserts: [
      eq("output.relay_state_url", x.relayStateUrl, "relay_state_url"),
      eq("output.saml_provider_arn", x.samlProviderArn, "saml_provider_arn"),
      eq("output.federation_role_arn", x.roleArn, "federation_role_arn"),
      eq("output.sso_role_attribute_value", x.roleAttributeValue, "sso_role_attribute_value"),
    ],
  });

  if (x.instance.kind === "existing") {
    runs.push({
      name: "connect_instance_is_checked",
      title: `WHEN applied with a SAML instance THEN the existing instance ${x.instance.id} is read (and its SAML postcondition holds)`,
      command: "apply",
      asserts: [
        eq("data.aws_connect_instance.connect_instance.instance_id", x.instance.id, "instance_id of the look-up"),
        eq("data.aws_connect_instance.connect_instance.identity_management_type", "SAML", "identity_management_type"),
      ],
    });
  } else {
    runs.push({
      name: "connect_instance_is_created",
      title: `WHEN applied THEN a Connect instance ${x.instance.alias} is created with identity management SAML`,
      command: "apply",
      asserts: [
        eq("aws_connect_instance.connect_instance.identity_management_type", "SAML", "identity_management_type"),
        eq("aws_connect_instance.connect_instance.instance_alias", x.instance.alias, "instance_alias"),
        eq("aws_connect_instance.connect_instance.inbound_calls_enabled", x.instance.inboundCalls, "inbound_calls_enabled"),
        eq("aws_connect_instance.connect_instance.outbound_calls_enabled", x.instance.outboundCalls, "outbound_calls_enabled"),
      ],
    });
  }

  const users = "aws_connect_user.connect_users";
  runs.push({
    name: "connect_users",
    title: `WHEN applied THEN exactly the Connect users ${usernames.join(", ")} exist, keyed and named by user name, with their names, no identity_info.email (refused on SAML instances), their phone, profiles, hierarchy group and own tags`,
    command: "apply",
    asserts: [
      eqSet(`keys(${users})`, usernames, "Connect user keys"),
      ...usernames.flatMap((u) => {
        const e = x.users[u];
        const one = `${users}[${hclString(u)}]`;
        return [
          eq(`${one}.name`, u, `${u}: name`),
          eq(`${one}.instance_id`, instanceId, `${u}: instance_id`),
          eq(`${one}.identity_info[0].first_name`, e.firstName, `${u}: first_name`),
          eq(`${one}.identity_info[0].last_name`, e.lastName, `${u}: last_name`),
          eq(`${one}.identity_info[0].email`, null, `${u}: identity_info.email`),
          eq(`${one}.identity_info[0].secondary_email`, e.secondaryEmail, `${u}: secondary_email`),
          eq(`${one}.phone_config[0].phone_type`, e.phoneType, `${u}: phone_type`),
          eq(`${one}.phone_config[0].desk_phone_number`, e.deskPhoneNumber, `${u}: desk_phone_number`),
          eq(`${one}.phone_config[0].auto_accept`, e.autoAccept, `${u}: auto_accept`),
          eq(`${one}.phone_config[0].after_contact_work_time_limit`, e.afterContactWorkTimeLimit, `${u}: after_contact_work_time_limit`),
          eq(`${one}.routing_profile_id`, ROUTING_PROFILE_IDS[e.routingProfile], `${u}: routing_profile_id (of ${e.routingProfile})`),
          eqSet(
            `${one}.security_profile_ids`,
            e.securityProfiles.map((p) => SECURITY_PROFILE_IDS[p]),
            `${u}: security_profile_ids (of ${e.securityProfiles.join(", ")})`,
          ),
          eq(
            `${one}.hierarchy_group_id`,
            e.hierarchyGroup === null ? null : HIERARCHY_GROUP_IDS[e.hierarchyGroup],
            `${u}: hierarchy_group_id (of ${e.hierarchyGroup ?? "no group"})`,
          ),
          eqMap(`${one}.tags`, e.tags, `${u}: tags`),
        ];
      }),
    ],
  });

  const ic = x.identityCenter;
  if (ic) {
    const assignments = "aws_ssoadmin_application_assignment.application_assignments";
    const lookups = "data.aws_identitystore_user.identity_center_users";
    runs.push({
      name: "identity_center_assignments",
      title: `WHEN applied THEN each user is found by UserName in identity store ${ic.identityStoreId} (${ic.storeFrom === "environment" ? "from the environment file" : "from data.aws_ssoadmin_instances"}) and assigned to the application as a USER, keyed by user name`,
      command: "apply",
      asserts: [
        eqSet(`keys(${assignments})`, usernames, "assignment keys"),
        ...usernames.flatMap((u) => {
          const a = `${assignments}[${hclString(u)}]`;
          const l = `${lookups}[${hclString(u)}]`;
          return [
            eq(`${a}.application_arn`, ic.applicationArn, `${u}: application_arn`),
            eq(`${a}.principal_type`, "USER", `${u}: principal_type`),
            eq(`${a}.principal_id`, ic.userIds[u], `${u}: principal_id (the Identity Center user ID)`),
            eq(`${l}.identity_store_id`, ic.identityStoreId, `${u}: identity_store_id of the look-up`),
            eq(`${l}.alternate_identifier[0].unique_attribute[0].attribute_path`, "UserName", `${u}: look-up attribute`),
            eq(`${l}.alternate_identifier[0].unique_attribute[0].attribute_value`, u, `${u}: look-up value`),
          ];
        }),
      ],
    });
  }

  if (x.instance.kind === "existing") {
    runs.push({
      name: "non_saml_instance_is_refused",
      title: "WHEN the existing instance reports identity management CONNECT_MANAGED THEN the plan stops at the instance's postcondition",
      // plan, not apply: terraform 1.11 marks an apply run failed when its expected failure happens during planning.
      command: "plan",
      overrides: [overrideBlock("override_data", "data.aws_connect_instance.connect_instance", { identity_management_type: "CONNECT_MANAGED" }, "  ")],
      expectFailures: ["data.aws_connect_instance.connect_instance"],
    });
  }
  return runs;
}

/** File-level overrides: realistic values for everything AWS would compute. */
function fileOverrides(name: keyof typeof EXPECTED, stackJson: StackJson): string[] {
  const x = EXPECTED[name];
  const out: string[] = [];
  if (x.instance.kind === "existing") {
    out.push(
      overrideBlock("override_data", "data.aws_connect_instance.connect_instance", {
        // id as the provider sets it (the instance ID); instance_id stays what the configuration says.
        id: x.instance.id,
        arn: x.instance.arn,
        identity_management_type: "SAML",
      }),
    );
  } else {
    out.push(overrideBlock("override_resource", "aws_connect_instance.connect_instance", { id: x.instance.mockId, arn: x.instance.mockArn }));
  }
  out.push(overrideBlock("override_resource", "aws_iam_saml_provider.saml_provider", { id: x.samlProviderArn, arn: x.samlProviderArn }));
  out.push(overrideBlock("override_resource", "aws_iam_role.federation_role", { id: x.roleName, arn: x.roleArn }));
  const users = Object.values(x.users);
  for (const profile of new Set(users.map((u) => u.routingProfile))) {
    out.push(
      overrideBlock("override_data", `data.aws_connect_routing_profile.routing_profiles[${hclString(profile)}]`, {
        routing_profile_id: ROUTING_PROFILE_IDS[profile],
      }),
    );
  }
  for (const profile of new Set(users.flatMap((u) => u.securityProfiles))) {
    out.push(
      overrideBlock("override_data", `data.aws_connect_security_profile.security_profiles[${hclString(profile)}]`, {
        security_profile_id: SECURITY_PROFILE_IDS[profile],
      }),
    );
  }
  for (const group of new Set(users.flatMap((u) => (u.hierarchyGroup === null ? [] : [u.hierarchyGroup])))) {
    out.push(
      overrideBlock(
        "override_data",
        `data.aws_connect_user_hierarchy_group.hierarchy_groups[${hclString(group)}]`,
        hierarchyGroupMock(group, (p) => HIERARCHY_GROUP_IDS[p], x.instance.kind === "existing" ? x.instance.arn : x.instance.mockArn),
      ),
    );
  }
  const ic = x.identityCenter;
  if (ic) {
    for (const [username, userId] of Object.entries(ic.userIds)) {
      out.push(
        overrideBlock("override_data", `data.aws_identitystore_user.identity_center_users[${hclString(username)}]`, { user_id: userId, user_name: username }),
      );
    }
    if (ic.storeFrom === "aws_ssoadmin_instances") {
      for (const address of ssoadminInstancesAddresses(stackJson)) {
        out.push(
          overrideBlock("override_data", address, {
            identity_store_ids: [ic.identityStoreId],
            arns: [`arn:aws:sso:::instance/${ic.applicationArn.split("/")[1]}`],
          }),
        );
      }
    }
  }
  return out;
}

function tftest(name: keyof typeof EXPECTED, stackJson: StackJson): string {
  return (
    [
      `# Generated by __tests__/terraform.test.ts for the ${name} example.`,
      'mock_provider "aws" {}',
      ...fileOverrides(name, stackJson),
      ...runsFor(name).map(runBlock),
    ].join("\n\n") + "\n"
  );
}

function metadataSha256(name: string): string {
  return createHash("sha256")
    .update(fs.readFileSync(path.join(EXAMPLES_DIR, "metadata", `${name}.xml`), "utf8"))
    .digest("hex");
}

// ---------------------------------------------------------------------------------------------
// The synthesized JSON
// ---------------------------------------------------------------------------------------------

type Blocks = Record<string, Record<string, Record<string, any>>>;
interface StackJson {
  readonly resource?: Blocks;
  readonly data?: Blocks;
  readonly locals?: Record<string, unknown>;
}

/** Addresses of `data.aws_ssoadmin_instances` (its logical ID is generated by cdktf, so it is looked up). */
function ssoadminInstancesAddresses(json: StackJson): string[] {
  return Object.keys(json.data?.aws_ssoadmin_instances ?? {}).map((id) => `data.aws_ssoadmin_instances.${id}`);
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

interface Outcome {
  readonly dir: string;
  json?: StackJson;
  /** Why init/validate failed (terraform's output), if it did. */
  prepareError?: string;
  validate?: CommandResult;
  test?: CommandResult;
  report?: TestReport;
}

describeIfTools("real Terraform on the synthesized example stacks (terraform test, mocked AWS provider)", [missingTerraform()], () => {
  let setup: TerraformSetup;
  const outcomes = {} as Record<keyof typeof EXPECTED, Outcome>;

  beforeAll(async () => {
    setup = terraformSetup("connect-sso-terraform-test");
    const initOneAtATime = serialQueue();
    await Promise.all(
      NAMES.map(async (name) => {
        const dir = path.join(setup.root, name);
        const outcome: Outcome = (outcomes[name] = { dir });
        try {
          fs.mkdirSync(dir);
          const text = synthStack(exampleEnvironment(name));
          fs.writeFileSync(path.join(dir, "cdk.tf.json"), text);
          outcome.json = JSON.parse(text) as StackJson;
          await initOneAtATime(() => terraform(setup, dir, ["init", "-backend=false", "-input=false", "-no-color"]));
          outcome.validate = await terraform(setup, dir, ["validate", "-no-color"]);
        } catch (error) {
          outcome.prepareError = (error as Error).stack ?? String(error);
          return;
        }
        writeTeardownOverride(dir, outcome.json);
        fs.writeFileSync(path.join(dir, `${name}.tftest.hcl`), tftest(name, outcome.json));
        outcome.test = await runTerraform(setup, dir, ["test", "-json", "-no-color"], 120_000);
        outcome.report = parseTestReport(outcome.test.stdout);
      }),
    );
  }, 170_000);

  afterAll(() => removeTempDir(setup?.root));

  /** Throws a readable error unless the named run block passed. */
  function expectRunPassed(name: keyof typeof EXPECTED, run: string): void {
    const outcome = outcomes[name];
    if (!outcome) throw new Error("beforeAll did not run");
    if (outcome.prepareError) throw new Error(`terraform init/validate failed for ${name}, so terraform test did not run:\n${outcome.prepareError}`);
    const report = outcome.report!;
    const status = report.runs.get(run);
    if (status === "pass") return;
    const diagnostics = [...(report.runDiagnostics.get(run) ?? []), ...report.otherDiagnostics].map(formatDiagnostic);
    throw new Error(
      [
        `terraform test: run "${run}" of ${name}.tftest.hcl ${status ? `finished with status "${status}"` : "has no result"}`,
        ...diagnostics,
        ...(report.plainLines.length ? ["--- other output ---", tail(report.plainLines.join("\n"))] : []),
        ...(status ? [] : [describeResult(outcome.test!)]),
      ].join("\n"),
    );
  }

  describe.each(NAMES)("GIVEN the %s example", (name) => {
    const x = EXPECTED[name];

    test(`(${x.summary}) WHEN terraform init -backend=false and terraform validate run on its synthesized cdk.tf.json THEN the configuration is valid`, () => {
      const outcome = outcomes[name];
      if (outcome?.prepareError) throw new Error(outcome.prepareError);
      expect(outcome?.validate?.stdout).toContain("Success! The configuration is valid.");
    });

    test(`WHEN synthesized THEN ${x.protectedResources.length ? `exactly ${x.protectedResources.join(" and ")} have` : "no resource has"} lifecycle.prevent_destroy`, () => {
      expect(protectedAddresses(outcomes[name].json!)).toEqual([...x.protectedResources].sort());
    });

    test(`WHEN synthesized THEN ${x.identityCenter?.storeFrom === "aws_ssoadmin_instances" ? "exactly one data.aws_ssoadmin_instances supplies the identity store" : "no data.aws_ssoadmin_instances is read"}${x.identityCenter ? "" : " and no user assignment is managed (no application ARN)"}`, () => {
      const json = outcomes[name].json!;
      expect(ssoadminInstancesAddresses(json)).toHaveLength(x.identityCenter?.storeFrom === "aws_ssoadmin_instances" ? 1 : 0);
      const assignments = x.identityCenter ? ["application_assignments", ...(x.identityCenter.assignsGroups ? ["application_group_assignments"] : [])] : [];
      expect(Object.keys(json.resource?.aws_ssoadmin_application_assignment ?? {})).toEqual(assignments);
    });

    test("WHEN synthesized THEN the users' first and last names in cdk.tf.json are exactly the expected code points (NFC)", () => {
      // Checked on the JSON, not in HCL: Terraform normalizes every string to NFC, so an HCL
      // comparison cannot tell a decomposed name from a precomposed one.
      // The users' maps are locals, one per users block (CONNECT_USER_BLOCKS).
      const locals = ((outcomes[name].json as { locals?: unknown }).locals ?? {}) as Record<string, Record<string, { first_name: string; last_name: string }>>;
      const forEach = { ...locals.connect_users, ...locals.connect_users_console_group };
      const codePoints = (s: string) => [...s].map((c) => c.codePointAt(0)!.toString(16));
      for (const [username, user] of Object.entries(x.users)) {
        expect({ username, first: codePoints(forEach[username].first_name), last: codePoints(forEach[username].last_name) }).toEqual({
          username,
          first: codePoints(user.firstName),
          last: codePoints(user.lastName),
        });
      }
    });

    test.each(runsFor(name).map((run) => [run.title, run.name]))("%s", (_title, run) => {
      expectRunPassed(name, run);
    });

    test("WHEN terraform test finishes THEN the whole file passed, teardown (destroy of the mocked resources) included", () => {
      const outcome = outcomes[name];
      if (outcome.prepareError) throw new Error(outcome.prepareError);
      const report = outcome.report!;
      const test = outcome.test!;
      if (report.summary?.status === "pass" && test.code === 0) return;
      if (!report.summary) throw new Error(`terraform test of ${name} ended without a summary:\n${describeResult(test)}`);
      throw new Error(
        [
          `terraform test of ${name} did not pass (exit ${test.code}): ${JSON.stringify(report.summary)}`,
          ...[...report.runs].map(([run, status]) => `  run "${run}": ${status}`),
          ...report.otherDiagnostics.map(formatDiagnostic),
          ...(report.plainLines.length ? ["--- other output ---", tail(report.plainLines.join("\n"))] : []),
          ...(test.stderr.trim() ? ["--- stderr ---", tail(test.stderr)] : []),
        ].join("\n"),
      );
    });
  });
});
