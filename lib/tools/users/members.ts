/**
 * Pure rules of `npm run users -- sync`: which Identity Center group members become users of the
 * environment file, with which profiles, who is renamed, who departed, and who is left out and
 * why; and the summary a person reads (stderr) and a pull request shows (Markdown).
 *
 * One name must be a user's Identity Center user name (the stack looks the user up by it for the
 * application assignment), its e-mail (SAML sends the e-mail as RoleSessionName) and its Connect
 * user name (Connect matches it exactly): a member whose e-mail is missing or differs from the
 * user name cannot be one user of the file, and is reported instead.
 */
import type { SyncGroup } from "../../config/environment";
import { user as userSchema, type UserEntry } from "../../config/schema";
import { code } from "../review/markdown";
import type { IncomingUser } from "../users-csv/merge";
import type { StoreUser } from "./identity-store";
import type { Skipped } from "./live-user";

/** The e-mail SAML sends for a user: its primary one, or its only one. */
export function samlEmail(user: StoreUser): { email: string } | { refused: string } {
  const emails = user.emails.filter((e) => e.value);
  const primary = emails.filter((e) => e.primary);
  if (emails.length === 0)
    return { refused: "has no e-mail; the application sends the user's e-mail as RoleSessionName (${user:email}): give the user one in Identity Center" };
  if (primary.length > 1) return { refused: "has several primary e-mails; give the user one primary e-mail in Identity Center" };
  if (primary.length === 0 && emails.length > 1)
    return { refused: "has several e-mails and none is primary; make one primary in Identity Center (SAML sends that one)" };
  return { email: (primary[0] ?? emails[0]).value! };
}

export interface SyncInput {
  /** The file's users. */
  readonly current: ReadonlyArray<UserEntry>;
  /** Every group of identityCenter.syncGroups, in the file's order (a member of several takes the first). */
  readonly syncGroups: ReadonlyArray<SyncGroup>;
  /** Member IDs of the groups read, by display name. */
  readonly members: ReadonlyMap<string, ReadonlyArray<string>>;
  readonly users: ReadonlyMap<string, StoreUser>;
  /** Remove the file's users who are no member of any group (every group of syncGroups was read). */
  readonly removeDeparted: boolean;
}

export interface SyncChanges {
  /** For the merge: new members, renamed ones, and members left as they are (so that a removal never takes them). */
  readonly incoming: IncomingUser[];
  readonly added: ReadonlyArray<{ readonly username: string; readonly group: string }>;
  readonly renamed: ReadonlyArray<{ readonly username: string; readonly from: string; readonly to: string }>;
  readonly removed: ReadonlyArray<string>;
  readonly skipped: ReadonlyArray<Skipped>;
}

const fullName = (u: { readonly firstName: string; readonly lastName: string }) => `${u.firstName} ${u.lastName}`;

/** What the sync changes in the file's users. */
export function syncChanges(input: SyncInput): SyncChanges {
  const byName = new Map(input.current.map((u) => [u.username, u]));
  const byKey = new Map(input.current.map((u) => [u.username.toLowerCase(), u]));
  const firstGroup = new Map<string, SyncGroup>();
  for (const group of input.syncGroups) for (const id of input.members.get(group.group) ?? []) if (!firstGroup.has(id)) firstGroup.set(id, group);

  const incoming: IncomingUser[] = [];
  const added: Array<{ username: string; group: string }> = [];
  const renamed: Array<{ username: string; from: string; to: string }> = [];
  const skipped: Skipped[] = [];
  /** The file's users that are members (ignoring case: Identity Center does), whatever else happens to them. */
  const members = new Set<string>();
  const claimed = new Map<string, string>();

  const entries = [...firstGroup.entries()]
    .map(([id, group]) => ({ id, group, user: input.users.get(id) }))
    .filter((m): m is { id: string; group: SyncGroup; user: StoreUser } => m.user !== undefined)
    .sort((a, b) => (a.user.userName ?? a.id).localeCompare(b.user.userName ?? b.id));
  for (const { id, group, user } of entries) {
    const who = user.userName ?? id;
    const skip = (reason: string, field?: string, value?: unknown) => skipped.push({ username: who, field, value, reason });
    for (const name of [user.userName, ...user.emails.map((e) => e.value)]) {
      const inFile = name === undefined ? undefined : byKey.get(name.toLowerCase());
      if (inFile) members.add(inFile.username);
    }
    const email = samlEmail(user);
    if ("refused" in email) {
      skip(
        email.refused,
        "emails",
        user.emails.map((e) => e.value),
      );
      continue;
    }
    if (user.userName !== email.email) {
      skip(
        `differs from its e-mail ${JSON.stringify(email.email)}: the file names a user by one name that is its Identity Center user name (the application assignment looks it up), its e-mail (what SAML sends) and its Connect user name; make them the same in Identity Center`,
        "userName",
        user.userName,
      );
      continue;
    }
    const username = user.userName;
    const earlier = claimed.get(username.toLowerCase());
    const sameInFile = byKey.get(username.toLowerCase());
    if (earlier !== undefined || (sameInFile && sameInFile.username !== username)) {
      skip(
        `differs from ${JSON.stringify(earlier ?? sameInFile!.username)} (${earlier !== undefined ? "in Identity Center" : "in the file"}) only in case; Connect matches user names exactly: make them the same`,
        "userName",
        username,
      );
      continue;
    }
    claimed.set(username.toLowerCase(), username);
    const current = byName.get(username);
    const parsed = userSchema.safeParse(
      {
        username,
        firstName: user.givenName,
        lastName: user.familyName,
        securityProfiles: current?.securityProfiles ?? group.securityProfiles,
        routingProfile: current?.routingProfile ?? group.routingProfile,
      },
      { reportInput: true },
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = String(issue.path[0]);
      const value = ({ username, firstName: user.givenName, lastName: user.familyName } as Record<string, unknown>)[field];
      skip(issue.code === "invalid_type" && value === undefined ? `is empty in Identity Center; the environment file needs it` : issue.message, field, value);
      continue;
    }
    const names = { firstName: parsed.data.firstName, lastName: parsed.data.lastName };
    if (current) {
      // Only the names follow Identity Center; profiles and every other setting stay the file's.
      incoming.push({ user: { ...current, ...names }, filled: new Set(["firstName", "lastName"]) });
      if (fullName(current) !== fullName(names) || current.firstName !== names.firstName)
        renamed.push({ username, from: fullName(current), to: fullName(names) });
    } else {
      incoming.push({ user: parsed.data, filled: new Set(["username", "firstName", "lastName", "securityProfiles", "routingProfile"]) });
      added.push({ username, group: group.group });
    }
  }
  // Members of the file that could not be synced stay as they are (never departed).
  const named = new Set(incoming.map((i) => i.user.username));
  for (const u of input.current) if (members.has(u.username) && !named.has(u.username)) incoming.push({ user: u, filled: new Set(["firstName", "lastName"]) });
  const removed = input.removeDeparted ? input.current.filter((u) => !members.has(u.username)).map((u) => u.username) : [];
  return { incoming, added, renamed, removed, skipped };
}

export interface SyncSummary extends Omit<SyncChanges, "incoming"> {
  readonly environment: string;
  readonly file: string;
  /** Each group read and its number of members. */
  readonly groups: ReadonlyArray<{ readonly group: string; readonly members: number }>;
  readonly removeDeparted: boolean;
}

/** One line for a skipped member. */
const skippedLine = (s: Skipped) => `${s.username}:${s.field === undefined ? "" : ` ${s.field} ${JSON.stringify(s.value)}`}: ${s.reason}`;

/** The summary as lines for the terminal. */
export function summaryLines(s: SyncSummary): string[] {
  return [
    ...s.added.map((a) => `users: added ${a.username} (group ${JSON.stringify(a.group)})`),
    ...s.renamed.map((r) => `users: renamed ${r.username}: ${JSON.stringify(r.from)} -> ${JSON.stringify(r.to)}`),
    ...s.removed.map((name) => `users: removed ${name} (in no group of identityCenter.syncGroups)`),
    ...s.skipped.map((k) => `users: not synced: ${skippedLine(k)}`),
    `users: ${s.file}: ${s.added.length} added, ${s.renamed.length} renamed, ${s.removed.length} removed, ${s.skipped.length} skipped (${s.groups.map((g) => `${JSON.stringify(g.group)} ${g.members} members`).join(", ")})`,
  ];
}

/** Text from Identity Center inside inline code, on one line whatever it holds. */
const literal = (text: string) => code(JSON.stringify(text).slice(1, -1));

/** The summary as Markdown, for a pull request's body. */
export function summaryMarkdown(s: SyncSummary): string {
  const section = (title: string, lines: string[]) => (lines.length === 0 ? [] : [`**${title} (${lines.length})**`, "", ...lines, ""]);
  const changed = s.added.length + s.renamed.length + s.removed.length > 0;
  return [
    `### Identity Center sync: ${literal(s.environment)}`,
    "",
    `Groups read: ${s.groups.map((g) => `${literal(g.group)} (${g.members} members)`).join(", ")}. ${changed ? `This changes ${code(s.file)}:` : "No change to the file."}`,
    "",
    ...section(
      "Added",
      s.added.map((a) => `- ${literal(a.username)}, from ${literal(a.group)}`),
    ),
    ...section(
      "Renamed",
      s.renamed.map((r) => `- ${literal(r.username)}: ${literal(r.from)} → ${literal(r.to)}`),
    ),
    ...section(
      "Removed (in no group of identityCenter.syncGroups)",
      s.removed.map((name) => `- ${literal(name)}`),
    ),
    ...section(
      "Skipped (not synced: fix them in Identity Center)",
      s.skipped.map((k) => `- ${literal(k.username)}: ${literal(`${k.field === undefined ? "" : `${k.field} ${JSON.stringify(k.value)}: `}${k.reason}`)}`),
    ),
    s.removeDeparted ? "Departed members are removed (--remove-departed)." : "Departed members are kept: the sync removes users only with --remove-departed.",
    "",
  ].join("\n");
}
