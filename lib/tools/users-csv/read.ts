/**
 * Reads a bulk user upload CSV into checked users: every cell is checked with the environment
 * file's own user schema (lib/config/schema.ts `user`), and every bad cell is reported at once
 * with its row, column, value and what is allowed.
 */
import { closest } from "fastest-levenshtein";
import { parse } from "csv-parse/sync";
import { decodeUtf8 } from "../../config/yaml";
import { given, type Problem } from "../../config/problems";
import { user as userSchema } from "../../config/schema";
import {
  EXTRA_COLUMNS,
  headerKey,
  isRefusal,
  REFUSED_COLUMNS,
  REQUIRED_HEADERS,
  TEMPLATE_COLUMNS,
  unneutralized,
  type Column,
  type UserField,
} from "./columns";
import type { IncomingUser } from "./merge";

/** One user of the CSV: its user as the schema reads it (text trimmed and in NFC), and the fields whose cell was filled. */
export interface CsvUser extends IncomingUser {
  /** Row in a spreadsheet: the header is row 1. */
  readonly row: number;
}

export interface ReadCsvResult {
  readonly users: CsvUser[];
  /** Fields the file has a column for (a field without one is left as it is on import). */
  readonly fields: ReadonlySet<UserField>;
  readonly problems: Problem[];
}

export interface ReadCsvOptions {
  /** The file as shown in messages. */
  readonly file: string;
  /** Whether the environment manages hierarchy groups (`connect.manageHierarchyGroups`). */
  readonly manageHierarchyGroups: boolean;
  /** The environment file as shown in messages, for the fix of a hierarchy cell it cannot take. */
  readonly environmentFile: string;
}

const ALL_COLUMNS = [...TEMPLATE_COLUMNS, ...EXTRA_COLUMNS];

/** Where a cell is, as a problem's path. */
export const cellPath = (row: number, header: string): string => `row ${row}, column ${JSON.stringify(header)}`;

/** Reads the CSV's bytes (UTF-8, with or without a byte-order mark); never throws for bad input. */
export function readUsersCsv(bytes: Uint8Array, options: ReadCsvOptions): ReadCsvResult {
  const problems: Problem[] = [];
  const fileProblem = (message: string) => ({
    users: [],
    fields: new Set<UserField>(),
    problems: [{ severity: "error" as const, file: options.file, path: "", message }],
  });
  const text = decodeUtf8(bytes);
  if (typeof text !== "string") return fileProblem(text.refused);
  // European Excel saves with ";" (its list separator): a header line without "," but with ";" is read so.
  const headerLine = text.replace(/^\uFEFF/, "").split(/\r?\n/, 1)[0];
  const delimiter = !headerLine.includes(",") && headerLine.includes(";") ? ";" : ",";
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: false, bom: true, delimiter }) as string[][];
  } catch (error) {
    return fileProblem(`is not readable CSV (separator "${delimiter}"): ${(error as Error).message}`);
  }
  if (records.length === 0)
    return fileProblem(`is empty; allowed: the template's header row (${TEMPLATE_COLUMNS.map((c) => c.header).join(",")}) and one row per user`);

  // Excel writes a column with no header (an empty last column) as trailing separators: left out.
  const header = [...records[0]];
  while (header.length > 1 && header[header.length - 1].trim() === "") header.pop();
  const layout = readHeader(header, options.file, problems);
  if (!layout) return { users: [], fields: new Set(), problems };

  const users: CsvUser[] = [];
  const rowOfLogin = new Map<string, number>();
  records.slice(1).forEach((cellsOfRow, index) => {
    let record = cellsOfRow;
    const row = index + 2;
    // Spreadsheets write blank rows as empty cells: skip them.
    if (record.every((cell) => cell.trim() === "")) return;
    const add = (header: string, value: string, message: string) =>
      problems.push({ severity: "error", file: options.file, path: cellPath(row, header), message: `${message}; given: ${given(value)}` });
    // Excel drops a row's trailing empty cells: they are empty. A filled cell past the last header is refused.
    if (record.slice(header.length).some((cell) => cell.trim() !== "")) {
      problems.push({
        severity: "error",
        file: options.file,
        path: `row ${row}`,
        message: `has ${record.length} cells, filled past the header row's ${header.length} columns`,
      });
      return;
    }
    record = [...record.slice(0, header.length), ...Array<string>(Math.max(0, header.length - record.length)).fill("")];
    const raw: Record<string, unknown> = {};
    const cells = new Map<UserField, { column: Column; cell: string }>();
    let refused = false;
    for (const [at, column] of layout.columns) {
      const cell = unneutralized(record[at]);
      const earlier = cells.get(column.field);
      if (cell.trim() === "") {
        if (!earlier) cells.set(column.field, { column, cell });
        continue;
      }
      cells.set(column.field, { column, cell });
      const value = column.read(cell);
      if (isRefusal(value)) {
        add(column.header, cell, value.refused);
        refused = true;
      } else if (raw[column.field] !== undefined && raw[column.field] !== value) {
        add(
          column.header,
          cell,
          `says ${JSON.stringify(value)}, column ${JSON.stringify(earlier!.column.header)} says ${JSON.stringify(raw[column.field])}; fill one of them`,
        );
        refused = true;
      } else raw[column.field] = value;
    }
    for (const [at, name] of layout.refused) {
      if (record[at].trim() === "") continue;
      // A secret is never printed back (terminal, CI log).
      if (headerKey(name) === "password")
        problems.push({
          severity: "error",
          file: options.file,
          path: cellPath(row, name),
          message: `a password was given; leave the column empty: ${REFUSED_COLUMNS.password}`,
        });
      else add(name, record[at], `must be empty: ${REFUSED_COLUMNS[headerKey(name)]}`);
    }
    const hierarchy = cells.get("hierarchyGroup");
    if (hierarchy && raw.hierarchyGroup !== undefined && !options.manageHierarchyGroups) {
      add(
        hierarchy.column.header,
        hierarchy.cell,
        `${options.environmentFile} does not manage hierarchy groups: set connect.manageHierarchyGroups: true there to import them, or leave the column empty (groups set in the console are then left alone)`,
      );
      refused = true;
    }
    const parsed = userSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      const reported = new Set<string>();
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]) as UserField;
        const at = cells.get(field);
        if (!at || reported.has(field)) continue;
        reported.add(field);
        const empty = at.cell.trim() === "";
        add(at.column.header, at.cell, empty ? `must not be empty; allowed: ${at.column.allowed}` : (at.column.refusal ?? issue.message));
      }
      return;
    }
    // The file's rule (a desk phone needs its number), said in the CSV's words.
    const phoneType = cells.get("phoneType");
    const phoneNumber = cells.get("deskPhoneNumber");
    if (parsed.data.phoneType === "DESK_PHONE" && parsed.data.deskPhoneNumber === undefined && phoneType && phoneNumber) {
      add(
        phoneNumber.column.header,
        phoneNumber.cell,
        `must not be empty when column ${JSON.stringify(phoneType.column.header)} says ${JSON.stringify(phoneType.cell.trim())}; allowed: an E.164 number such as +12065550100`,
      );
      return;
    }
    if (refused) return;
    const key = parsed.data.username.toLowerCase();
    const earlier = rowOfLogin.get(key);
    if (earlier !== undefined) {
      add(cells.get("username")!.column.header, parsed.data.username, `repeats the user login of row ${earlier}; user names must be unique, ignoring case`);
      return;
    }
    rowOfLogin.set(key, row);
    users.push({ row, user: parsed.data, filled: new Set(Object.keys(raw) as UserField[]) });
  });
  return { users, fields: new Set([...layout.columns.values()].map((c) => c.field)), problems };
}

interface Layout {
  /** Index of each known column in a row. */
  readonly columns: Map<number, Column>;
  /** Index and header of each column a SAML instance refuses when filled. */
  readonly refused: Map<number, string>;
}

/** The header row's columns, or undefined after reporting what is wrong with it. */
function readHeader(header: ReadonlyArray<string>, file: string, problems: Problem[]): Layout | undefined {
  const known = new Map(ALL_COLUMNS.map((c) => [headerKey(c.header), c]));
  const allowed = [...ALL_COLUMNS.map((c) => c.header), ...Object.keys(REFUSED_COLUMNS)];
  const columns = new Map<number, Column>();
  const refused = new Map<number, string>();
  const seen = new Map<string, number>();
  const error = (column: number, message: string) => problems.push({ severity: "error", file, path: `row 1, column ${column + 1}`, message });
  header.forEach((name, at) => {
    const key = headerKey(name);
    const first = seen.get(key);
    if (first !== undefined) {
      error(at, `header ${JSON.stringify(name)} repeats column ${first + 1}`);
      return;
    }
    seen.set(key, at);
    const column = known.get(key);
    // Several columns may set one field (today's template has a hierarchy path and its levels): a row's cells must agree.
    if (column) columns.set(at, column);
    else if (key in REFUSED_COLUMNS) refused.set(at, name.trim());
    else
      error(
        at,
        `unknown header ${JSON.stringify(name)}; did you mean ${JSON.stringify(closest(key, allowed))}? Allowed: ${allowed.map((h) => JSON.stringify(h)).join(", ")}`,
      );
  });
  const missing = REQUIRED_HEADERS.filter((h) => !seen.has(headerKey(h)));
  if (missing.length > 0) {
    problems.push({
      severity: "error",
      file,
      path: "row 1",
      message: `lacks the template's column(s) ${missing.map((h) => JSON.stringify(h)).join(", ")}; every console template has them (an empty cell takes the default)`,
    });
  }
  return problems.length > 0 ? undefined : { columns, refused };
}
