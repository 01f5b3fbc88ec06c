/**
 * Connect profile IDs shown by the names a person wrote, from the profile look-ups (data sources)
 * a plan read: the review and drift show a user's security and routing profiles by name.
 */
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
            : undefined;
      if (typeof id === "string" && typeof r.values.name === "string") names.set(id, r.values.name);
    }
    module?.child_modules?.forEach(walk);
  };
  walk(plan.prior_state?.values?.root_module);
  return names;
}

/** A Connect user's profile IDs shown by name (IDs the plan did not look up stay IDs). */
export function withProfileNames(fields: ReadonlyArray<FieldChange>, names: ReadonlyMap<string, string>): FieldChange[] {
  const name = (v: unknown) => (typeof v === "string" ? (names.get(v) ?? v) : v);
  const convert = (v: unknown) => (Array.isArray(v) ? v.map(name).sort() : name(v));
  return fields.map((f) =>
    f.field === "security_profile_ids" || f.field === "routing_profile_id" ? { ...f, before: convert(f.before), after: convert(f.after) } : f,
  );
}
