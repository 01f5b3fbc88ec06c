/** The cost table as Markdown, for docs/scaling-users.md and reports (`npm run bench` prints it). */
import { COST_TABLE, type CallCount, type ConnectInventory } from "./table";

/** The inventory counts in words. */
const COUNTS: Readonly<Record<keyof ConnectInventory, string>> = {
  users: "users on the instance",
  securityProfiles: "security profiles",
  routingProfiles: "routing profiles",
  permissionsPerSecurityProfile: "permissions",
  queuesPerRoutingProfile: "queues",
  instances: "instances",
  hierarchyGroups: "hierarchy groups",
};

function callText(operation: string, count: CallCount): string {
  if (typeof count === "number") return count === 1 ? operation : `${operation} x ${count}`;
  if ("pages" in count) return `${operation} x ceil(${COUNTS[count.pages]} / ${count.pageSize})`;
  return `${operation} x ${count.instancesOf} instances`;
}

/** One line per row: block, API, when, and the calls of one instance. */
export function costTableMarkdown(): string {
  const rows = COST_TABLE.map((r) => {
    const what = r.block === "provider" ? `provider \`${r.type}\`` : `${r.block === "data" ? "data " : ""}\`${r.type}\`${r.variant ? ` (${r.variant})` : ""}`;
    const calls = Object.entries(r.calls)
      .map(([op, count]) => callText(op, count))
      .join(", ");
    return `| ${what} | ${r.api} | ${r.when} | ${calls}${r.note ? ` (${r.note})` : ""} |`;
  });
  return ["| Block, per instance | API | When | Calls |", "| --- | --- | --- | --- |", ...rows].join("\n");
}
