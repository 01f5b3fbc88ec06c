/**
 * The environment file: its schema (keys, types, allowed values, defaults) in one place.
 *
 * Checks that need more than one field, the file system or other environments live in
 * `validate.ts`; this file only says what a single file may contain.
 */
import { z } from "zod";
import {
  ACCOUNT_ID,
  HIERARCHY_GROUP_ID,
  IAM_ROLE_ARN,
  CONNECT_INSTANCE_ALIAS,
  CONNECT_INSTANCE_ID,
  CONNECT_USER_ID,
  CONNECT_USERNAME,
  DESTINATIONS,
  E164,
  EMAIL,
  GITHUB_OIDC_PROVIDER_ARN,
  GITHUB_REPOSITORY,
  IAM_ROLE_NAME,
  IDENTITY_STORE_ID,
  S3_BUCKET_NAME,
  SAML_PROVIDER_NAME,
  SSO_APPLICATION_ARN,
} from "../rules/naming";
import { LITERAL_TEXT_ALLOWED, TOKEN_MARKER } from "../rules/literal";
import { DEFAULT_USERS_PER_STACK, MAX_USERS_STACKS } from "../rules/sharding";
import { hierarchyPathProblem } from "../rules/hierarchy";

const nfc = (s: string) => s.normalize("NFC");

/** A non-empty string without surrounding blanks, kept literal (see lib/rules/literal.ts). */
const text = (what: string, max: number) =>
  z
    .string({ error: `must be a string (${what})` })
    .trim()
    .min(1, { error: `must not be empty (${what})` })
    .max(max, { error: `must be at most ${max} characters (${what})` })
    .refine((s) => !TOKEN_MARKER.test(s), { error: `allowed: ${LITERAL_TEXT_ALLOWED} (${what})` });

/**
 * Connect user fields (API reference: UserIdentityInfo, UserPhoneConfig). With SAML the API takes
 * first names up to 255 and last names up to 300 characters, but hashicorp/aws 5.100.0 refuses
 * more than 100 at plan: the tighter limit applies.
 */
export const USER_LIMITS = { name: 100, secondaryEmail: 265, afterContactWorkSeconds: 2_000_000 } as const;

const pattern = (re: RegExp, allowed: string) => z.string({ error: `must be a string; allowed: ${allowed}` }).regex(re, { error: `allowed: ${allowed}` });

/** An account ID: a string, since unquoted YAML reads a number and drops leading zeros. */
const accountId = (what: string) =>
  z
    .string({ error: `must be 12 digits in quotes, such as "111122223333" (unquoted, YAML reads a number and drops leading zeros): ${what}` })
    .regex(ACCOUNT_ID, { error: `must be exactly 12 digits, such as "111122223333": ${what}` });

/** Tags a resource may carry (AWS's TagMap; for a user, its own and the environment's together). */
export const MAX_TAGS = 50;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const tags = z.record(z.string(), z.string({ error: "tag values must be strings" })).superRefine((t, ctx) => {
  const entries = Object.entries(t);
  if (entries.length > MAX_TAGS) ctx.addIssue({ code: "custom", message: `at most ${MAX_TAGS} tags; given ${entries.length}`, input: entries.length });
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key) || key.toLowerCase().startsWith("aws:")) {
      ctx.addIssue({ code: "custom", path: [key], input: key, message: "tag keys: 1..128 of letters, digits, spaces and _.:/=+-@, not starting with aws:" });
    }
    if (value.length > 256 || !TAG_TEXT.test(value)) {
      ctx.addIssue({ code: "custom", path: [key], input: value, message: "tag values: 0..256 of letters, digits, spaces and _.:/=+-@" });
    }
  }
});

export const PHONE_TYPES = ["SOFT_PHONE", "DESK_PHONE"] as const;

const hierarchyPath = z
  .string({ error: 'must be a string: the group\'s path from the top level, such as "Americas/Seattle/Team A"' })
  .superRefine((path, ctx) => {
    const problem = hierarchyPathProblem(path);
    if (problem) ctx.addIssue({ code: "custom", input: path, message: problem });
  });

/** One entry of `users` (the CSV import checks each row with it). */
export const user = z.strictObject({
  username: z
    .string({ error: "must be a string: the user's email" })
    .describe(
      "The Connect user name: the user's email exactly as Identity Center sends it as RoleSessionName (case matters); 2..64 of A-Z a-z 0-9 _ . @ -, unique in the file ignoring case.",
    )
    .superRefine((name, ctx) => {
      if (!CONNECT_USERNAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          input: name,
          message: "allowed: 2..64 characters of A-Z a-z 0-9 _ . @ -, the user's email exactly as Identity Center sends it (case matters)",
        });
      } else if (!EMAIL.test(name)) {
        ctx.addIssue({
          code: "custom",
          input: name,
          message: "must be an email address: the application maps RoleSessionName to ${user:email}, and Connect matches the user name to it exactly",
        });
      }
    }),
  firstName: text("the Connect user's first name", USER_LIMITS.name).transform(nfc).describe("The Connect user's first name, stored in Unicode NFC."),
  lastName: text("the Connect user's last name", USER_LIMITS.name).transform(nfc).describe("The Connect user's last name, stored in Unicode NFC."),
  securityProfiles: z
    .array(text("a security profile name", 127), { error: "must be a list of security profile names" })
    .min(1, { error: "needs 1..10 security profile names" })
    .max(10, { error: "allows at most 10 security profile names" })
    .describe("Security profile names, as the Connect instance has them."),
  routingProfile: text("a routing profile name", 127).describe("A routing profile name, as the Connect instance has it."),
  phoneType: z
    .enum(PHONE_TYPES, { error: `allowed: ${PHONE_TYPES.join(" | ")}` })
    .default("SOFT_PHONE")
    .describe("How the agent takes calls: the softphone in the browser, or a desk phone (then deskPhoneNumber is required)."),
  deskPhoneNumber: pattern(E164, 'an E.164 number in quotes, such as "+12065550100"')
    .optional()
    .describe('The desk phone, E.164 in quotes ("+12065550100"); required with phoneType DESK_PHONE.'),
  secondaryEmail: pattern(EMAIL, "an email address such as alice@home.example")
    .max(USER_LIMITS.secondaryEmail, { error: `must be at most ${USER_LIMITS.secondaryEmail} characters (an email address)` })
    .optional()
    .describe("An email for notifications (never the sign-in: Connect refuses an email on a SAML instance's user)."),
  autoAccept: z.boolean({ error: "must be true or false" }).default(false).describe("Accept contacts on the softphone automatically."),
  afterContactWorkTimeLimit: z
    .number({ error: "must be a whole number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(0, { error: "must be 0 or more seconds" })
    .max(USER_LIMITS.afterContactWorkSeconds, { error: `allowed: 0..${USER_LIMITS.afterContactWorkSeconds} seconds (24 days)` })
    .default(0)
    .describe("After-contact work limit in whole seconds; 0: no limit."),
  hierarchyGroup: hierarchyPath
    .optional()
    .describe(
      'The hierarchy group\'s path from the top level, level names joined by / ("Americas/Seattle/Team A"): 1..5 levels of 1..100 characters, no blanks around a /; or none: no group. Left out: the group set in the console stays. Needs connect.manageHierarchyGroups: true.',
    ),
  tags: tags
    .optional()
    .describe(
      "The user's own tags, under the rules of the environment's tags; together with them at most 50 (a key in both counts once, and the user's value wins).",
    ),
});

const INSTANCE_ID_WORDS = "the instance ID, a lowercase UUID 8-4-4-4-12 such as 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";

const connect = z.strictObject({
  instanceId: z
    .string({ error: `must be a string; allowed: ${INSTANCE_ID_WORDS}` })
    .describe("The ID of an existing Connect instance whose identity management is SAML (a lowercase UUID); give it or create, not both.")
    .regex(CONNECT_INSTANCE_ID, {
      // An instance ARN pasted from the console: say which ID it holds.
      error: (issue) => {
        const id = typeof issue.input === "string" ? /^arn:[\w-]+:connect:[\w-]+:\d{12}:instance\/([0-9a-f-]{36})$/.exec(issue.input)?.[1] : undefined;
        return id ? `is an instance ARN; write the ID it holds: instanceId: ${id}` : `allowed: ${INSTANCE_ID_WORDS}`;
      },
    })
    .optional(),
  create: z
    .strictObject({
      alias: pattern(CONNECT_INSTANCE_ALIAS, "1..45 letters, digits and inner hyphens, not starting with d-").describe(
        "The new instance's alias: 1..45 letters, digits and inner hyphens, not starting with d-.",
      ),
      inboundCalls: z.boolean({ error: "must be true or false" }).default(true).describe("The instance takes inbound calls."),
      outboundCalls: z.boolean({ error: "must be true or false" }).default(true).describe("The instance places outbound calls."),
    })
    .optional()
    .describe("A new SAML instance that the first apply creates; give it or instanceId, not both."),
  manageHierarchyGroups: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe(
      "true: the file sets the hierarchy group of each user that names one (users[].hierarchyGroup; none clears it), and a user without one keeps the console's. false: the stack never sets or clears a group, and users[].hierarchyGroup is an error.",
    ),
  hierarchyGroupIds: z
    .record(hierarchyPath, pattern(HIERARCHY_GROUP_ID, "a hierarchy group ID: the last part of its ARN (…/agent-group/<id>), such as 3f2a…-…"), {
      error: 'must be a map of hierarchy paths to group IDs, such as "Europe/Dublin/Sales": 0a1b2c3d-…',
    })
    .optional()
    .describe(
      "Hierarchy group IDs by path, for groups whose name another group shares (Connect allows the same name under different parents): those are looked up by ID, and the plan checks each sits at its path. The others are looked up by name. The ID is the last part of the group's ARN (aws connect list-user-hierarchy-groups).",
    ),
});

/**
 * An Identity Center group's display name as the identity store keeps it (Identity Store API reference,
 * Group DisplayName: 1..1,024 of letters, marks, symbols, digits, punctuation, tab, line breaks, space and
 * no-break space). Not trimmed: the look-up matches the name exactly.
 */
export const GROUP_DISPLAY_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\t\n\r \u00A0]{1,1024}$/u;
const groupDisplayName = pattern(
  GROUP_DISPLAY_NAME,
  "an Identity Center group's display name exactly as the identity store shows it: 1..1024 letters, digits, symbols, punctuation, spaces",
).refine((s) => !TOKEN_MARKER.test(s), { error: `allowed: ${LITERAL_TEXT_ALLOWED} (an Identity Center group's display name)` });

const ssoApplication = z.strictObject({
  displayName: text("the application's display name in Identity Center", 255).describe("The application's display name in Identity Center."),
  metadataFile: text("path of the metadata XML, relative to the environment file", 1024).describe(
    "The application's IAM Identity Center SAML metadata, downloaded from the application: a path relative to the environment file, inside its folder.",
  ),
  sessionDurationHours: z
    .number({ error: "must be a number of hours, 0.25..12" })
    .min(0.25, { error: "allowed: 0.25..12 hours (15 minutes to 12 hours)" })
    .max(12, { error: "allowed: 0.25..12 hours (15 minutes to 12 hours)" })
    .default(10)
    .describe("The application's session duration in hours; the federation role's maximum session follows it."),
  destination: z
    .enum(DESTINATIONS, { error: `allowed landing pages: ${DESTINATIONS.join(" | ")} (or leave it out for the Connect admin site)` })
    .optional()
    .describe("The page users land on after sign-in; left out: the Connect admin website."),
  applicationArn: pattern(SSO_APPLICATION_ARN, "arn:<partition>:sso::<account>:application/ssoins-<16>/apl-<16>, from the application's details page")
    .optional()
    .describe(
      "The application's ARN, from its details page: the stack then manages its assignments. In another account it needs identityCenter.assumeRoleArn.",
    ),
  groups: z
    .array(groupDisplayName, { error: "must be a list of Identity Center group display names" })
    .optional()
    .describe(
      "Identity Center groups assigned to the application, each once, by display name exactly as the identity store shows it (not trimmed). Needs applicationArn.",
    ),
  assignUsers: z
    .boolean({ error: "must be true (assign each user) or false (assign the groups instead)" })
    .default(true)
    .describe("true: one assignment per user of the file; false: none, users reach the application through groups. false needs applicationArn."),
  assignmentRequired: z
    .boolean({ error: "must be true or false (leave it out to keep the console's setting)" })
    .optional()
    .describe(
      "true: only assigned users and groups may use the application; false: every user of the directory may. Left out: the console's setting is kept. Needs applicationArn.",
    ),
});

const iam = z.strictObject({
  samlProviderName: pattern(SAML_PROVIDER_NAME, "1..128 characters of A-Z a-z 0-9 _ . - (IAM CreateSAMLProvider)")
    .optional()
    .describe("The IAM SAML provider's name; default AmazonConnectSSO-<env>."),
  roleName: pattern(IAM_ROLE_NAME, "1..64 characters of A-Z a-z 0-9 _ + = , . @ -")
    .optional()
    .describe("The federation role's name; default AmazonConnectSSO-<env>."),
});

const identityCenter = z.strictObject({
  region: z
    .string({ error: "must be a region name such as us-east-1" })
    .optional()
    .describe("Identity Center's home Region; default: the environment's region."),
  account: accountId("the account of Identity Center (its management or delegated administrator account)")
    .optional()
    .describe(
      "Identity Center's account when it is not the environment's (its management or delegated administrator account): the pipeline reaches it through the roles the identity-center bootstrap stack makes there. Not with assumeRoleArn.",
    ),
  assumeRoleArn: pattern(IAM_ROLE_ARN, "an IAM role ARN such as arn:aws:iam::999988887777:role/IdentityCenterAdmin")
    .optional()
    .describe("A role of your own to assume for Identity Center in another account, instead of account's bootstrap roles. Not with account."),
  identityStoreId: pattern(IDENTITY_STORE_ID, "d- and 10 hex digits, such as d-9067a1b2c3")
    .optional()
    .describe("The identity store of the users and groups; default: the first store of the Identity Center instance."),
  createUsers: z
    .boolean({ error: "must be true or false" })
    .default(false)
    .describe("true: create the users in the Identity Center directory (when it is its own identity source). Needs ssoApplication.applicationArn."),
  syncGroups: z
    .array(
      z.strictObject(
        {
          group: groupDisplayName.describe("The Identity Center group's display name, exactly as Identity Center shows it."),
          routingProfile: user.shape.routingProfile,
          securityProfiles: user.shape.securityProfiles,
        },
        { error: "must be { group, routingProfile, securityProfiles }: an Identity Center group and the profiles its new members get" },
      ),
      { error: "must be a list of { group, routingProfile, securityProfiles }" },
    )
    .min(1, { error: "must name at least one group (or leave syncGroups out)" })
    .optional()
    .describe(
      "Identity Center groups whose members npm run users -- sync brings into users, and the profiles a new member gets (a member of several: the first group listed here).",
    ),
});

const kmsKeyArn = () => pattern(/^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+$/, "a KMS key or alias ARN");

const backend = z.strictObject({
  s3: z
    .strictObject({
      bucket: pattern(S3_BUCKET_NAME, "an S3 bucket name: 3..63 of a-z 0-9 . -").describe("The state bucket's name."),
      region: z.string({ error: "must be the bucket's region, such as us-west-2" }).describe("The state bucket's Region, in the environment's partition."),
      key: pattern(/^[\w!\-.*'()/]{1,1024}$/, "an object key such as connect-sso/prod/terraform.tfstate")
        .optional()
        .describe("The state's object key; default connect-sso/<env>/terraform.tfstate (users stacks add users-<n>/ before the file name)."),
      kmsKeyId: kmsKeyArn().optional().describe("A KMS key or alias ARN for the state; default: the bucket's encryption."),
    })
    .describe("An S3 bucket of the environment's account."),
});

const pipeline = z.strictObject({
  repository: pattern(
    GITHUB_REPOSITORY,
    "a GitHub repository owner/name such as acme/contact-center, exactly as GitHub spells it (no wildcards), or its immutable form owner@<id>/name@<id> such as acme@1234/contact-center@5678",
  ).describe("The GitHub repository whose workflows get the plan and apply roles: owner/name exactly as GitHub spells it, or owner@<id>/name@<id>."),
  oidcProviderArn: pattern(
    GITHUB_OIDC_PROVIDER_ARN,
    "the ARN of the account's existing GitHub provider, arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
  )
    .optional()
    .describe("The account's existing GitHub OIDC provider; left out: the bootstrap stack creates one."),
  stateBucket: z
    .strictObject(
      {
        create: z.boolean({ error: "must be true or false" }).default(true).describe("true: the bootstrap stack creates backend.s3.bucket; false: it exists."),
      },
      { error: "must be { create: true } (the bootstrap stack creates backend.s3.bucket) or { create: false } (it exists)" },
    )
    .default({ create: true })
    .describe("Whether the bootstrap stack creates the state bucket."),
  stateKmsKeyId: kmsKeyArn().optional().describe("A KMS key or alias ARN the created state bucket encrypts with; default SSE-S3."),
  noncurrentVersionDays: z
    .number({ error: "must be a whole number of days, 1 or more" })
    .int({ error: "must be a whole number of days, 1 or more" })
    .min(1, { error: "must be a whole number of days, 1 or more" })
    .default(90)
    .describe("Days the created state bucket keeps a state's older versions."),
});

const adopt = z.strictObject({
  samlProvider: z.boolean({ error: "must be true or false" }).default(false).describe("Import the hand-made SAML provider of iam.samlProviderName."),
  role: z.boolean({ error: "must be true or false" }).default(false).describe("Import the hand-made federation role of iam.roleName."),
  users: z
    .union([z.literal("all"), z.array(z.string({ error: "must be user names" }))], { error: 'must be "all" or a list of configured user names' })
    .optional()
    .describe("Configured users that already exist in Connect (found by name): all of them, or a list of user names."),
  userIds: z
    .record(z.string(), pattern(CONNECT_USER_ID, "the user's Connect user ID, a lowercase UUID such as 3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b (ListUsers' Id)"), {
      error: "must map configured user names to their Connect user IDs",
    })
    .optional()
    .describe(
      "Users imported by their Connect user ID (written by npm run users -- import-live): no look-up by name, whose cost is a ListUsers of the whole instance for each user.",
    ),
});

const stackCount = (what: string) =>
  z
    .number({ error: `must be a whole number of ${what}, 0..${MAX_USERS_STACKS}` })
    .int({ error: `must be a whole number of ${what}, 0..${MAX_USERS_STACKS}` })
    .min(0, { error: `allowed: 0..${MAX_USERS_STACKS}` })
    .max(MAX_USERS_STACKS, { error: `allowed: 0..${MAX_USERS_STACKS}` });

const sharding = z.strictObject({
  stacks: stackCount("users stacks (0 keeps users in the main stack)").describe("The number of users stacks; 0 keeps the users in the main stack."),
  previousStacks: stackCount("users stacks before this change").optional().describe("The former stacks, only while users move to a new number of stacks."),
  usersPerStack: z
    .number({ error: "must be a whole number of users" })
    .int({ error: "must be a whole number of users" })
    .min(1, { error: "must be at least 1" })
    .default(DEFAULT_USERS_PER_STACK)
    .describe("Users a stack should hold at most: a stack above it draws a warning."),
});

/** Schema of one environment file. */
export const environmentFileSchema = z
  .strictObject({
    account: accountId("the environment's account").describe('The AWS account of the Connect instance: 12 digits, in quotes ("111122223333").'),
    region: z
      .string({ error: "must be a region name such as us-west-2" })
      .describe("The Region of the Connect instance, such as us-west-2, listed in lib/rules/regions.ts; its partition follows (us-gov-*, cn-*)."),
    allowUnlistedRegion: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe(
        "true allows a Region name newer than the project's list (lib/rules/regions.ts), here and in identityCenter.region and backend.s3.region; the partition's naming rules still hold.",
      ),
    protected: z
      .boolean({ error: "must be true or false" })
      .optional()
      .describe("prevent_destroy on the SAML provider, the role and a created instance; default true for names starting with prod, else false."),
    tags: tags
      .optional()
      .describe(
        "Tags on every resource (the provider's default_tags): at most 50; keys 1..128 and values 0..256 of letters, digits, spaces and _.:/=+-@; keys not starting with aws:.",
      ),
    backend: backend.optional().describe("Where Terraform keeps the state; left out: local state, for a try-out (a pipeline refuses it)."),
    pipeline: pipeline
      .optional()
      .describe("The bootstrap stack of the GitOps pipeline: GitHub's OIDC provider, the plan and apply roles, the state bucket. Needs backend."),
    connect: connect.describe("The Connect instance: instanceId (an existing SAML instance) or create."),
    ssoApplication: ssoApplication.describe("The Identity Center application users sign in through."),
    iam: iam.default({}).describe("Names of the IAM SAML provider and the federation role."),
    identityCenter: identityCenter.optional().describe("Where Identity Center is and what the stack does there; used with ssoApplication.applicationArn."),
    adopt: adopt.optional().describe("Resources made by hand that the first apply imports instead of creating."),
    sharding: sharding.optional().describe("How the users spread over users stacks of their own."),
    users: z
      .array(user, { error: "must be a list of users" })
      .default([])
      .describe("The Connect users, each signing in through Identity Center with its user name (an email)."),
  })
  .meta({
    title: "connect-sso environment file",
    description:
      "One environment: an AWS account, Region and Connect instance, signing in through IAM Identity Center. The file's name without .yaml is the environment's name.",
  });

export type EnvironmentFile = z.infer<typeof environmentFileSchema>;
export type UserEntry = EnvironmentFile["users"][number];
