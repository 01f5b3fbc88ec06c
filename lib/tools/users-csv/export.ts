/**
 * Writes an environment's users as a bulk user upload CSV: a UTF-8 byte-order mark (so that Excel
 * reads accented names as UTF-8), the SAML template's header exactly, then one row per user in file
 * order; the extra columns (secondary email, UserHierarchy, tags) only when some user has a value
 * for them. A cell a spreadsheet would read as a formula is neutralized (columns.ts).
 */
import { stringify } from "csv-stringify/sync";
import type { UserEntry } from "../../config/schema";
import { EXTRA_COLUMNS, isRefusal, neutralized, TEMPLATE_COLUMNS } from "./columns";

/** The UTF-8 byte-order mark Excel needs to read a CSV as UTF-8 (the import accepts it). */
export const BYTE_ORDER_MARK = "\uFEFF";

/** The CSV text, or one message per value the format cannot hold (naming the user and column). */
export function usersToCsv(users: ReadonlyArray<UserEntry>): { csv: string } | { problems: string[] } {
  const columns = [...TEMPLATE_COLUMNS, ...EXTRA_COLUMNS.filter((c) => !c.importOnly && users.some((u) => u[c.field] !== undefined))];
  const problems: string[] = [];
  const rows = users.map((user, index) =>
    columns.map((column) => {
      const cell = column.write(user[column.field]);
      if (!isRefusal(cell)) return neutralized(cell);
      problems.push(`users[${index}] (${user.username}): column ${JSON.stringify(column.header)}: ${cell.refused}; it cannot be written to this CSV format`);
      return "";
    }),
  );
  if (problems.length > 0) return { problems };
  return { csv: `${BYTE_ORDER_MARK}${stringify([columns.map((c) => c.header), ...rows])}` };
}
