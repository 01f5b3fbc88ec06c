/**
 * A Connect user as the environment file writes it: pure rules from what the bulk reader and the
 * name reader answer to a `users[]` entry, or why the user cannot be adopted.
 *
 * A user is adopted only when its entry reproduces what Connect holds (so the first plan imports
 * it and changes nothing it did not have to), and when it can sign in: the user name must be the
 * e-mail Identity Center sends as RoleSessionName. Anything else is listed, never guessed.
 */
import { user as userSchema } from "../../config/schema";
import { hierarchyPathOf } from "../../rules/hierarchy";
import { CONNECT_USER_ID, CONNECT_USERNAME, EMAIL } from "../../rules/naming";
import type { ConnectUserFields } from "../connect-users/bulk-reader";
import type { InstanceNames } from "../connect-users/names";
import type { UserField } from "../users-csv/columns";
import type { IncomingUser } from "../users-csv/merge";

/** A user left out, and why: the field, the value Connect holds and what is allowed. */
export interface Skipped {
  readonly username: string;
  readonly field?: string;
  readonly value?: unknown;
  readonly reason: string;
}

export interface LiveUserContext {
  readonly names: Pick<InstanceNames, "securityProfiles" | "routingProfiles" | "hierarchyLevels">;
  /** Whether the environment sets users' hierarchy groups (else they are not read). */
  readonly manageHierarchyGroups: boolean;
  /** The environment's tags, which the provider adds to every user (default_tags). */
  readonly environmentTags: Readonly<Record<string, string>>;
}

export type LiveUser = { readonly incoming: IncomingUser; readonly id: string } | { readonly skipped: Skipped };

/** Defaults of the schema: a field holding one is left out of a new entry, as a person would write it. */
const DEFAULTS: Partial<Record<UserField, unknown>> = { phoneType: "SOFT_PHONE", autoAccept: false, afterContactWorkTimeLimit: 0 };

/** The entry of one live user, or why it is skipped. */
export function liveUser(fields: ConnectUserFields, context: LiveUserContext): LiveUser {
  const skip = (reason: string, field?: string, value?: unknown): LiveUser => ({ skipped: { username: fields.username, field, value, reason } });
  const username = fields.username;
  if (!CONNECT_USERNAME.test(username) || !EMAIL.test(username))
    return skip(
      "cannot sign in through SAML: the application sends the user's e-mail as RoleSessionName (${user:email}) and Connect matches the user name to it exactly; allowed: an e-mail address of 2..64 characters of A-Z a-z 0-9 _ . @ -. Make a user named by the e-mail in Connect, or leave this one unmanaged",
      "username",
      username,
    );
  if (!CONNECT_USER_ID.test(fields.id)) return skip("is not a Connect user ID this project can import; allowed: a lowercase UUID", "id", fields.id);
  if (!fields.secondaryEmail.read) throw new Error(`the secondary email of ${username} was not read: adopting needs DescribeUser for every user`);

  const { securityProfiles, routingProfiles, hierarchyLevels } = context.names;
  const profileNames: string[] = [];
  for (const id of fields.securityProfileIds) {
    const name = securityProfiles.get(id);
    if (name === undefined) return skip("names a security profile ListSecurityProfiles did not answer", "securityProfiles", id);
    profileNames.push(name);
  }
  const routingProfile = routingProfiles.get(fields.routingProfileId);
  if (routingProfile === undefined) return skip("names a routing profile ListRoutingProfiles did not answer", "routingProfile", fields.routingProfileId);
  let hierarchyGroup: string | undefined;
  if (context.manageHierarchyGroups && fields.hierarchyGroupId !== undefined) {
    const levels = hierarchyLevels.get(fields.hierarchyGroupId);
    if (levels === undefined) return skip("sits in a hierarchy group that was not read", "hierarchyGroup", fields.hierarchyGroupId);
    const path = hierarchyPathOf(levels);
    if ("refused" in path) return skip(path.refused, "hierarchyGroup", levels);
    hierarchyGroup = path.path;
  }

  // Tags `aws:` are AWS's own (the provider ignores them); one the environment adds to every user needs no line of its own.
  const tags = Object.entries(fields.tags).filter(([key, value]) => !key.toLowerCase().startsWith("aws:") && context.environmentTags[key] !== value);
  const raw: Record<string, unknown> = {
    username,
    firstName: fields.firstName,
    lastName: fields.lastName,
    // Connect keeps a set: sorted, so the same profiles always read the same.
    securityProfiles: [...profileNames].sort(),
    routingProfile,
    phoneType: fields.phoneType,
    deskPhoneNumber: fields.deskPhoneNumber,
    secondaryEmail: fields.secondaryEmail.value,
    autoAccept: fields.autoAccept,
    afterContactWorkTimeLimit: fields.afterContactWorkTimeLimit,
    hierarchyGroup,
    tags: tags.length > 0 ? Object.fromEntries(tags) : undefined,
  };
  const parsed = userSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0]);
    const value = raw[field];
    return skip(`${value === undefined ? "is empty in Connect; the environment file needs it" : issue.message}`, field, value);
  }
  // Text is written as Connect holds it: a value the schema would trim or normalize is not what Connect has.
  for (const field of ["firstName", "lastName"] as const) {
    if (parsed.data[field] !== raw[field]) return skip("has blanks at either end or is not in Unicode NFC; fix it in Connect", field, raw[field]);
  }
  const filled = new Set(
    (Object.keys(raw) as UserField[]).filter((field) => raw[field] !== undefined && (!(field in DEFAULTS) || DEFAULTS[field] !== raw[field])),
  );
  return { incoming: { user: parsed.data, filled }, id: fields.id };
}
