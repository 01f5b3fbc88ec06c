/**
 * The environment file: its schema (keys, types, allowed values, defaults) in one place.
 *
 * Checks that need more than one field, the file system or other environments live in
 * `validate.ts`; this file only says what a single file may contain.
 */
import { z } from "zod";
import {
  ACCOUNT_ID,
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
  username: z.string({ error: "must be a string: the user's email" }).superRefine((name, ctx) => {
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
  firstName: text("the Connect user's first name", USER_LIMITS.name).transform(nfc),
  lastName: text("the Connect user's last name", USER_LIMITS.name).transform(nfc),
  securityProfiles: z
    .array(text("a security profile name", 127), { error: "must be a list of security profile names" })
    .min(1, { error: "needs 1..10 security profile names" })
    .max(10, { error: "allows at most 10 security profile names" }),
  routingProfile: text("a routing profile name", 127),
  phoneType: z.enum(PHONE_TYPES, { error: `allowed: ${PHONE_TYPES.join(" | ")}` }).default("SOFT_PHONE"),
  deskPhoneNumber: pattern(E164, 'an E.164 number in quotes, such as "+12065550100"').optional(),
  secondaryEmail: pattern(EMAIL, "an email address such as alice@home.example")
    .max(USER_LIMITS.secondaryEmail, { error: `must be at most ${USER_LIMITS.secondaryEmail} characters (an email address)` })
    .optional(),
  autoAccept: z.boolean({ error: "must be true or false" }).default(false),
  afterContactWorkTimeLimit: z
    .number({ error: "must be a whole number of seconds" })
    .int({ error: "must be a whole number of seconds" })
    .min(0, { error: "must be 0 or more seconds" })
    .max(USER_LIMITS.afterContactWorkSeconds, { error: `allowed: 0..${USER_LIMITS.afterContactWorkSeconds} seconds (24 days)` })
    .default(0),
  hierarchyGroup: hierarchyPath.optional(),
  tags: tags.optional(),
});

const INSTANCE_ID_WORDS = "the instance ID, a lowercase UUID 8-4-4-4-12 such as 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90";

const connect = z.strictObject({
  instanceId: z
    .string({ error: `must be a string; allowed: ${INSTANCE_ID_WORDS}` })
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
      alias: pattern(CONNECT_INSTANCE_ALIAS, "1..45 letters, digits and inner hyphens, not starting with d-"),
      inboundCalls: z.boolean({ error: "must be true or false" }).default(true),
      outboundCalls: z.boolean({ error: "must be true or false" }).default(true),
    })
    .optional(),
  manageHierarchyGroups: z.boolean({ error: "must be true or false" }).default(false),
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
  displayName: text("the application's display name in Identity Center", 255),
  metadataFile: text("path of the metadata XML, relative to the environment file", 1024),
  sessionDurationHours: z
    .number({ error: "must be a number of hours, 0.25..12" })
    .min(0.25, { error: "allowed: 0.25..12 hours (15 minutes to 12 hours)" })
    .max(12, { error: "allowed: 0.25..12 hours (15 minutes to 12 hours)" })
    .default(10),
  destination: z.enum(DESTINATIONS, { error: `allowed landing pages: ${DESTINATIONS.join(" | ")} (or leave it out for the Connect admin site)` }).optional(),
  applicationArn: pattern(
    SSO_APPLICATION_ARN,
    "arn:<partition>:sso::<account>:application/ssoins-<16>/apl-<16>, from the application's details page",
  ).optional(),
  groups: z.array(groupDisplayName, { error: "must be a list of Identity Center group display names" }).optional(),
  assignUsers: z.boolean({ error: "must be true (assign each user) or false (assign the groups instead)" }).default(true),
  assignmentRequired: z.boolean({ error: "must be true or false (leave it out to keep the console's setting)" }).optional(),
});

const iam = z.strictObject({
  samlProviderName: pattern(SAML_PROVIDER_NAME, "1..128 characters of A-Z a-z 0-9 _ . - (IAM CreateSAMLProvider)").optional(),
  roleName: pattern(IAM_ROLE_NAME, "1..64 characters of A-Z a-z 0-9 _ + = , . @ -").optional(),
});

const identityCenter = z.strictObject({
  region: z.string({ error: "must be a region name such as us-east-1" }).optional(),
  assumeRoleArn: pattern(
    /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
    "an IAM role ARN such as arn:aws:iam::999988887777:role/IdentityCenterAdmin",
  ).optional(),
  identityStoreId: pattern(IDENTITY_STORE_ID, "d- and 10 hex digits, such as d-9067a1b2c3").optional(),
  createUsers: z.boolean({ error: "must be true or false" }).default(false),
  /**
   * Groups whose members `npm run users -- sync` brings into `users`, and the profiles a new member
   * gets (a member of several: the first group listed here).
   */
  syncGroups: z
    .array(
      z.strictObject(
        { group: groupDisplayName, routingProfile: user.shape.routingProfile, securityProfiles: user.shape.securityProfiles },
        { error: "must be { group, routingProfile, securityProfiles }: an Identity Center group and the profiles its new members get" },
      ),
      { error: "must be a list of { group, routingProfile, securityProfiles }" },
    )
    .min(1, { error: "must name at least one group (or leave syncGroups out)" })
    .optional(),
});

const kmsKeyArn = () => pattern(/^arn:(aws|aws-cn|aws-us-gov):kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/+=,.@-]+$/, "a KMS key or alias ARN");

const backend = z.strictObject({
  s3: z.strictObject({
    bucket: pattern(S3_BUCKET_NAME, "an S3 bucket name: 3..63 of a-z 0-9 . -"),
    region: z.string({ error: "must be the bucket's region, such as us-west-2" }),
    key: pattern(/^[\w!\-.*'()/]{1,1024}$/, "an object key such as connect-sso/prod/terraform.tfstate").optional(),
    kmsKeyId: kmsKeyArn().optional(),
  }),
});

const pipeline = z.strictObject({
  repository: pattern(
    GITHUB_REPOSITORY,
    "a GitHub repository owner/name such as acme/contact-center, exactly as GitHub spells it (no wildcards), or its immutable form owner@<id>/name@<id> such as acme@1234/contact-center@5678",
  ),
  oidcProviderArn: pattern(
    GITHUB_OIDC_PROVIDER_ARN,
    "the ARN of the account's existing GitHub provider, arn:<partition>:iam::<account>:oidc-provider/token.actions.githubusercontent.com",
  ).optional(),
  stateBucket: z
    .strictObject(
      { create: z.boolean({ error: "must be true or false" }).default(true) },
      { error: "must be { create: true } (the bootstrap stack creates backend.s3.bucket) or { create: false } (it exists)" },
    )
    .default({ create: true }),
  stateKmsKeyId: kmsKeyArn().optional(),
  noncurrentVersionDays: z
    .number({ error: "must be a whole number of days, 1 or more" })
    .int({ error: "must be a whole number of days, 1 or more" })
    .min(1, { error: "must be a whole number of days, 1 or more" })
    .default(90),
});

const adopt = z.strictObject({
  samlProvider: z.boolean({ error: "must be true or false" }).default(false),
  role: z.boolean({ error: "must be true or false" }).default(false),
  users: z
    .union([z.literal("all"), z.array(z.string({ error: "must be user names" }))], { error: 'must be "all" or a list of configured user names' })
    .optional(),
  /**
   * Users imported by their Connect user ID (written by `npm run users -- import-live`): no look-up
   * by name, whose cost is a ListUsers of the whole instance for each user.
   */
  userIds: z
    .record(z.string(), pattern(CONNECT_USER_ID, "the user's Connect user ID, a lowercase UUID such as 3f1c9a2e-5b7d-4e8f-9a0b-1c2d3e4f5a6b (ListUsers' Id)"), {
      error: "must map configured user names to their Connect user IDs",
    })
    .optional(),
});

const stackCount = (what: string) =>
  z
    .number({ error: `must be a whole number of ${what}, 0..${MAX_USERS_STACKS}` })
    .int({ error: `must be a whole number of ${what}, 0..${MAX_USERS_STACKS}` })
    .min(0, { error: `allowed: 0..${MAX_USERS_STACKS}` })
    .max(MAX_USERS_STACKS, { error: `allowed: 0..${MAX_USERS_STACKS}` });

const sharding = z.strictObject({
  stacks: stackCount("users stacks (0 keeps users in the main stack)"),
  previousStacks: stackCount("users stacks before this change").optional(),
  usersPerStack: z
    .number({ error: "must be a whole number of users" })
    .int({ error: "must be a whole number of users" })
    .min(1, { error: "must be at least 1" })
    .default(DEFAULT_USERS_PER_STACK),
});

/** Schema of one environment file. */
export const environmentFileSchema = z.strictObject({
  account: z
    .string({ error: 'must be 12 digits in quotes, such as "111122223333" (unquoted, YAML reads a number and drops leading zeros)' })
    .regex(ACCOUNT_ID, { error: 'must be exactly 12 digits, such as "111122223333"' }),
  region: z.string({ error: "must be a region name such as us-west-2" }),
  /** Allow Region names newer than the project's list (lib/rules/regions.ts); the partition's naming rules still hold. */
  allowUnlistedRegion: z.boolean({ error: "must be true or false" }).default(false),
  protected: z.boolean({ error: "must be true or false" }).optional(),
  tags: tags.optional(),
  backend: backend.optional(),
  pipeline: pipeline.optional(),
  connect,
  ssoApplication,
  iam: iam.default({}),
  identityCenter: identityCenter.optional(),
  adopt: adopt.optional(),
  sharding: sharding.optional(),
  users: z.array(user, { error: "must be a list of users" }).default([]),
});

export type EnvironmentFile = z.infer<typeof environmentFileSchema>;
export type UserEntry = EnvironmentFile["users"][number];
