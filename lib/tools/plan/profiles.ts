/**
 * Connect profile and hierarchy group IDs shown by the names a person wrote, from the look-ups
 * (data sources) a plan read: the review and drift show a user's security and routing profiles by
 * name and its hierarchy group by path ("Americas/Seattle/Team A").
 */
import { hierarchyPath } from "../../rules/hierarchy";
import type { FieldChange } from "./fields";
import type { PlanJson, StateModule } from "./format";

/** Profile IDs to names, from the profile look-ups (data sources) the plan read. */
export function profileNames(plan: PlanJson): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (module: StateModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode !== "data" || !r.values) continue;
      const id =
        r.type === "aws_connect_security_profile"
          ? r.values.security_profile_id
          : r.type === "aws_connect_routing_profile"
            ? r.values.routing_profile_id
            : r.type === "aws_connect_user_hierarchy_group"
              ? r.values.hierarchy_group_id
              : undefined;
      const name = r.type === "aws_connect_user_hierarchy_group" ? pathOfGroup(r.values.hierarchy_path) : r.values.name;
      if (typeof id === "string" && typeof name === "string") names.set(id, name);
    }
    module?.child_modules?.forEach(walk);
  };
  walk(plan.prior_state?.values?.root_module);
  return names;
}

/** The levels of a hierarchy group's `hierarchy_path`, top first, as the environment file writes the path (hierarchyPath); undefined when unreadable. */
function pathOfGroup(value: unknown): string | undefined {
  const path = Array.isArray(value) ? (value[0] as Record<string, unknown> | undefined) : undefined;
  if (!path || typeof path !== "object") return undefined;
  const names = ["level_one", "level_two", "level_three", "level_four", "level_five"].flatMap((level) => {
    const entry = (path[level] as Array<{ name?: unknown }> | undefined)?.[0];
    return typeof entry?.name === "string" ? [entry.name] : [];
  });
  return names.length > 0 ? hierarchyPath(names) : undefined;
}

const NAMED_FIELDS = new Set(["security_profile_ids", "routing_profile_id", "hierarchy_group_id"]);

/** A Connect user's profile and hierarchy group IDs shown by name (IDs the plan did not look up stay IDs). */
export function withProfileNames(fields: ReadonlyArray<FieldChange>, names: ReadonlyMap<string, string>): FieldChange[] {
  const name = (v: unknown) => (typeof v === "string" ? (names.get(v) ?? v) : v);
  const convert = (v: unknown) => (Array.isArray(v) ? v.map(name).sort() : name(v));
  return fields.map((f) => (NAMED_FIELDS.has(f.field) ? { ...f, before: convert(f.before), after: convert(f.after) } : f));
}
