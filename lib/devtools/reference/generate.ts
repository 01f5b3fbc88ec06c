/**
 * References generated from the code, so that they cannot drift from it (as terraform-docs does):
 * the environment file's JSON Schema (from the zod schema, for editors: the example files name it
 * on their first line) and the security rules' reference (from the rule pack).
 */
import { z } from "zod";
import { ENVIRONMENT_SCHEMA_FILE } from "../../config/environments-dir";
import { environmentFileSchema } from "../../config/schema";
import { PACK } from "../../synth/security/pack";

/** Where the references live, relative to the project. */
export const REFERENCE_FILES = { environmentSchema: ENVIRONMENT_SCHEMA_FILE, rules: "docs/rules.md" } as const;

/** What each top-level key and each user field is for, shown by editors (the schema's checks give the rest). */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  account: 'The AWS account of the Connect instance: 12 digits, in quotes ("111122223333").',
  region: "The Region of the Connect instance, such as us-west-2; its partition follows (us-gov-*, cn-*).",
  allowUnlistedRegion: "true allows a Region name newer than the project's list (lib/rules/regions.ts).",
  protected: "Resources are kept from deletion (prevent_destroy); default true for names starting with prod.",
  tags: "Tags on every resource (the provider's default_tags).",
  backend: "Where Terraform keeps the state: s3 { bucket, region } (a pipeline refuses local state).",
  pipeline: "The bootstrap stack of the GitOps pipeline: repository, OIDC provider, state bucket.",
  connect: "The Connect instance: instanceId (an existing SAML instance) or create { alias }.",
  ssoApplication: "The Identity Center application: display name, metadata file, session duration, landing page, assignments.",
  iam: "Names of the SAML provider and the federation role (default AmazonConnectSSO-<env>).",
  identityCenter: "Identity Center: its home Region, a role in its account, its identity store, whether users are created there.",
  adopt: "Hand-made resources to import instead of create.",
  sharding: "How users spread over users stacks of their own.",
  users: "Connect users, each signing in through Identity Center with its user name (an email).",
  "users.username": "The user's email exactly as Identity Center sends it (RoleSessionName); case matters.",
  "users.firstName": "The Connect user's first name.",
  "users.lastName": "The Connect user's last name.",
  "users.securityProfiles": "1..10 security profile names, as the Connect instance has them.",
  "users.routingProfile": "A routing profile name, as the Connect instance has it.",
  "users.phoneType": "SOFT_PHONE (default) or DESK_PHONE.",
  "users.deskPhoneNumber": 'The desk phone, E.164 in quotes ("+12065550100"); needed with DESK_PHONE.',
  "users.secondaryEmail": "An email for notifications.",
  "users.autoAccept": "Accept contacts automatically (default false).",
  "users.afterContactWorkTimeLimit": "After-contact work limit in seconds (0: none).",
  "users.hierarchyGroup": 'The hierarchy group\'s path from the top level, "Americas/Seattle/Team A".',
  "users.tags": "The user's own tags (win over the environment's on a key).",
};

type Json = Record<string, unknown>;

/** The environment file's JSON Schema (draft 2020-12), as text. */
export function environmentSchemaJson(): string {
  const schema = z.toJSONSchema(environmentFileSchema, { io: "input", unrepresentable: "any" }) as Json;
  const properties = schema.properties as Record<string, Json>;
  for (const [key, property] of Object.entries(properties)) if (DESCRIPTIONS[key]) property.description = DESCRIPTIONS[key];
  const userProperties = ((properties.users.items as Json).properties ?? {}) as Record<string, Json>;
  for (const [key, property] of Object.entries(userProperties)) if (DESCRIPTIONS[`users.${key}`]) property.description = DESCRIPTIONS[`users.${key}`];
  const document = {
    $schema: schema.$schema,
    $id: "https://connect-sso.invalid/environment.schema.json",
    title: "connect-sso environment file",
    description: "One environment: an AWS account, Region and Connect instance, signing in through IAM Identity Center (docs/environment-file.md).",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The security rules, one row each, in the pack's order. */
export function rulesReference(): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  return [
    "# Security rules",
    "",
    "Generated from `lib/synth/security/pack.ts` by `npm run reference`; do not edit. Synth refuses a stack that breaks any of them, naming the resource and the rule.",
    "",
    "| Rule | What it holds (and where it comes from) | Resource types read | File |",
    "| --- | --- | --- | --- |",
    ...PACK.map(
      (rule) =>
        `| \`${rule.id}\` | ${cell(rule.why)} | ${rule.reads.map((t) => `\`${t}\``).join(", ")} | \`lib/synth/security/${rule.id.toLowerCase().replace(/_/g, "-")}.ts\` |`,
    ),
    "",
  ].join("\n");
}
