/**
 * Writes an environment's users as a bulk user upload CSV: the SAML template's header exactly,
 * then one row per user in file order; the extra columns (secondary email, UserHierarchy, tags)
 * only when some user has a value for them.
 */
import { stringify } from "csv-stringify/sync";
import type { UserEntry } from "../../config/schema";
import { EXTRA_COLUMNS, isRefusal, TEMPLATE_COLUMNS } from "./columns";

/** The CSV text, or one message per value the format cannot hold (naming the user and column). */
export function usersToCsv(users: ReadonlyArray<UserEntry>): { csv: string } | { problems: string[] } {
  const columns = [...TEMPLATE_COLUMNS, ...EXTRA_COLUMNS.filter((c) => users.some((u) => u[c.field] !== undefined))];
  const problems: string[] = [];
  const rows = users.map((user, index) =>
    columns.map((column) => {
      const cell = column.write(user[column.field]);
      if (!isRefusal(cell)) return cell;
      problems.push(`users[${index}] (${user.username}): column ${JSON.stringify(column.header)}: ${cell.refused}; it cannot be written to this CSV format`);
      return "";
    }),
  );
  if (problems.length > 0) return { problems };
  return { csv: stringify([columns.map((c) => c.header), ...rows]) };
}
