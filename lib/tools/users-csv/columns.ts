/**
 * The columns of the Amazon Connect console's bulk user upload template for SAML instances, and
 * how each maps to a `users[]` field of the environment file (lib/config/schema.ts `user`).
 *
 * Source of the header text: the template the console offers under Users, User management, Add new
 * users, "Upload my users from a template (csv)" (Amazon Connect Administrator Guide, "Add users
 * to Amazon Connect", https://docs.aws.amazon.com/connect/latest/adminguide/user-management.html).
 * The guide does not print the columns; the SAML template's header is taken as AWS's own tools
 * reproduce it (see docs/users-and-csv.md, "Bulk import and export").
 */
import { hierarchyLevels, hierarchyPath } from "../../rules/hierarchy";
import type { UserEntry } from "../../config/schema";

/** A `users[]` field the CSV can set. */
export type UserField = keyof UserEntry & string;

/** One column: its header text, the field it sets, and how a cell reads and is written. */
export interface Column {
  /** The header text, exactly as written on export (import matches it ignoring case and surrounding blanks). */
  readonly header: string;
  readonly field: UserField;
  /** What a cell may hold, for messages. */
  readonly allowed: string;
  /** The field's value from a non-empty cell, or why the cell is refused (the schema checks the value afterwards). */
  readonly read: (cell: string) => unknown | CellRefusal;
  /** The cell for a user's value (undefined: an empty cell), or why the value cannot be written in this format. */
  readonly write: (value: unknown) => string | CellRefusal;
  /** Read on import, never written on export (another column writes the same field). */
  readonly importOnly?: boolean;
  /** What a refused value is told, when the schema's own words are the environment file's (YAML quoting, field names). */
  readonly refusal?: string;
}

/** Why a cell cannot be read, or a value cannot be written. */
export interface CellRefusal {
  readonly refused: string;
}

export const isRefusal = (x: unknown): x is CellRefusal => typeof x === "object" && x !== null && "refused" in x;

/** The template's separator of several values in one cell (its header says security_profile_name_1|security_profile_name_2). */
export const MULTI_VALUE_SEPARATOR = "|";

const text = (header: string, field: UserField, allowed: string): Column => ({
  header,
  field,
  allowed,
  read: (cell) => cell,
  write: (value) => (value === undefined ? "" : String(value)),
});

const choice = <T extends string | boolean>(header: string, field: UserField, values: ReadonlyArray<readonly [string, T]>): Column => {
  const allowed = values.map(([cell]) => cell).join(" | ");
  return {
    header,
    field,
    allowed: `${allowed} (any case)`,
    read: (cell) => values.find(([c]) => c === cell.trim().toLowerCase())?.[1] ?? { refused: `allowed: ${allowed} (any case)` },
    write: (value) => values.find(([, v]) => v === value)?.[0] ?? "",
  };
};

const list = (header: string, field: UserField, what: string): Column => ({
  header,
  field,
  allowed: `${what} separated by "${MULTI_VALUE_SEPARATOR}"`,
  read: (cell) => cell.split(MULTI_VALUE_SEPARATOR),
  write: (value) => {
    const names = (value ?? []) as string[];
    const bad = names.find((n) => n.includes(MULTI_VALUE_SEPARATOR));
    return bad === undefined
      ? names.join(MULTI_VALUE_SEPARATOR)
      : { refused: `${JSON.stringify(bad)} holds "${MULTI_VALUE_SEPARATOR}", the template's separator` };
  },
});

/**
 * The columns every console template has (today's and the older SAML one); the others of
 * TEMPLATE_COLUMNS (auto-accept, ACW) only the older one: today's sets those per channel.
 */
export const REQUIRED_HEADERS: ReadonlyArray<string> = [
  "first name",
  "last name",
  "user login",
  "routing profile name",
  "security_profile_name_1|security_profile_name_2",
  "phone type (soft/desk)",
  "phone number",
];

/** The SAML template's columns, in its order, as the export writes them. */
export const TEMPLATE_COLUMNS: ReadonlyArray<Column> = [
  text("first name", "firstName", "the first name, 1..100 characters"),
  text("last name", "lastName", "the last name, 1..100 characters"),
  text("user login", "username", "the user's email exactly as Identity Center sends it"),
  text("routing profile name", "routingProfile", "a routing profile name"),
  list("security_profile_name_1|security_profile_name_2", "securityProfiles", "1..10 security profile names"),
  choice("phone type (soft/desk)", "phoneType", [
    ["soft", "SOFT_PHONE"],
    ["desk", "DESK_PHONE"],
    // The API's names, as AWS's bulk tools write them.
    ["soft_phone", "SOFT_PHONE"],
    ["desk_phone", "DESK_PHONE"],
  ]),
  {
    ...text("phone number", "deskPhoneNumber", 'an E.164 number such as +12065550100 (the desk phone; empty for "soft")'),
    refusal: "allowed: an E.164 number: + and up to 15 digits without spaces or dashes, such as +12065550100",
  },
  choice("soft phone auto accept (yes/no)", "autoAccept", [
    ["yes", true],
    ["no", false],
  ]),
  {
    header: "ACW timeout (seconds)",
    field: "afterContactWorkTimeLimit",
    allowed: "a whole number of seconds, 0 (no limit)..2000000",
    read: (cell) => (/^\s*\d+\s*$/.test(cell) ? Number(cell) : { refused: "allowed: a whole number of seconds, 0 (no limit)..2000000" }),
    write: (value) => (value === undefined ? "" : String(value)),
  },
];

const TAG_PAIR = "=";

/**
 * Columns after the template's for fields the SAML template has no column for. Optional on
 * import (a missing column leaves that field of every user as it is); written on export only
 * when some user has a value.
 */
export const EXTRA_COLUMNS: ReadonlyArray<Column> = [
  text("secondary email", "secondaryEmail", "an email address"),
  // AWS's bulk user tool (AWS Contact Center blog, "Create and update agents in bulk with Amazon Connect") names it so, with the same path form.
  text("UserHierarchy", "hierarchyGroup", 'the hierarchy group\'s path from the top level, level names joined by "/"'),
  // Today's console template: the agent's hierarchy as a path, or its levels in one cell.
  { ...text("agent hierarchy", "hierarchyGroup", 'the hierarchy group\'s path from the top level, level names joined by "/"'), importOnly: true },
  {
    header: "user_hierarchy_1|user_hierarchy_2",
    field: "hierarchyGroup",
    allowed: `the hierarchy group's level names from the top level, separated by "${MULTI_VALUE_SEPARATOR}"`,
    // Level names as they are (a "/" in one is escaped in the path: hierarchyPath).
    read: (cell) => hierarchyPath(cell.split(MULTI_VALUE_SEPARATOR).map((level) => level.trim())),
    write: (value) => (value === undefined ? "" : hierarchyLevels(String(value)).join(MULTI_VALUE_SEPARATOR)),
    importOnly: true,
  },
  {
    header: "tags",
    field: "tags",
    allowed: `key${TAG_PAIR}value pairs separated by "${MULTI_VALUE_SEPARATOR}", such as team${TAG_PAIR}blue${MULTI_VALUE_SEPARATOR}site${TAG_PAIR}seattle`,
    read: (cell) => {
      const tags: Record<string, string> = {};
      for (const pair of cell.split(MULTI_VALUE_SEPARATOR)) {
        const at = pair.indexOf(TAG_PAIR);
        if (at < 0)
          return { refused: `${JSON.stringify(pair)} has no "${TAG_PAIR}"; allowed: key${TAG_PAIR}value pairs separated by "${MULTI_VALUE_SEPARATOR}"` };
        const key = pair.slice(0, at).trim();
        if (key in tags) return { refused: `tag key ${JSON.stringify(key)} is given twice` };
        tags[key] = pair.slice(at + 1).trim();
      }
      return tags;
    },
    write: (value) => {
      const entries = Object.entries((value ?? {}) as Record<string, string>);
      const bad = entries.find(([key]) => key.includes(TAG_PAIR));
      if (bad) return { refused: `tag key ${JSON.stringify(bad[0])} holds "${TAG_PAIR}", which separates key and value in this column` };
      return entries.map(([key, v]) => `${key}${TAG_PAIR}${v}`).join(MULTI_VALUE_SEPARATOR);
    },
  },
];

/**
 * Columns of the console's other template (instances that store users in Connect) that a SAML
 * instance refuses: an empty cell is ignored, a filled one is an error.
 */
export const REFUSED_COLUMNS: Readonly<Record<string, string>> = {
  // Today's console template's columns for settings this project does not manage.
  "persistent connection": "this project does not manage a user's persistent connection; set it in the Connect console (Users, the user's settings)",
  "audio enhancement(none/isolate voice/suppress noise)":
    "this project does not manage a user's audio enhancement; set it in the Connect console (Users, the user's settings)",
  // The older template's auto-accept and ACW belong to the columns above; today's sets them per channel in the console.
  "email address":
    "a SAML instance refuses a primary email (Connect's UserIdentityInfo); the user login is the email. Leave the column empty or remove it (for notifications use secondary email)",
  password:
    "a SAML instance refuses a password (users sign in through Identity Center), and a password must not be kept in the repository. Leave it empty or remove it",
};

/**
 * Spreadsheet formula injection (OWASP "CSV Injection", CWE-1236): a cell that starts with `=`, `+`,
 * `-`, `@`, a tab or a carriage return is a formula to Excel, LibreOffice and Google Sheets. The
 * export writes such a cell behind a `'` (the spreadsheets' text prefix, which they do not keep in
 * the cell), so `=HYPERLINK(…)` stays text and `+12065550100` stays a phone number; the import
 * takes one `'` off again. A value that already starts with `'`s before such a character gets one
 * more, so import, export and import again give the same bytes.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
/** A cell as written to a spreadsheet: neutralized when a spreadsheet would read a formula. */
export const neutralized = (cell: string): string => (FORMULA_START.test(cell) ? `'${cell}` : cell);
/** A cell as read from one: the export's `'` taken off. */
export const unneutralized = (cell: string): string => (/^'+[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

/** Header text as matched on import: any case, blanks collapsed, none before "(". */
export const headerKey = (header: string): string =>
  header
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ")
    .replace(/ \(/g, "(")
    .replace(/\s*\|\s*/g, "|");
