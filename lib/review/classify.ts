/**
 * Reads a saved plan (`terraform show -json`) into what a reviewer of an identity change needs:
 * users added, removed, replaced and changed field by field; IAM trust and policy differences;
 * console settings that change; and the deletions that need explicit consent.
 */

/** The parts of Terraform's JSON plan format this reads (format_version 1.x). */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<ResourceChange>;
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly resource_drift?: ReadonlyArray<ResourceChange>;
  /** State before the plan, with the data sources the plan read (profile look-ups). */
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
}

export interface StateModule {
  readonly resources?: ReadonlyArray<{ readonly mode: string; readonly type: string; readonly address: string; readonly values?: Record<string, unknown> }>;
  readonly child_modules?: ReadonlyArray<StateModule>;
}

export interface Change {
  readonly actions: ReadonlyArray<string>;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  /** Set when an import block brings the object under management. */
  readonly importing?: { readonly id?: string };
  /** Attribute paths that force a replacement (`[["name"]]`). */
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface ResourceChange {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: Change;
  readonly action_reason?: string;
}

/** A field that differs: dotted path, value before, value after (UNKNOWN when known after apply). */
export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  /** This difference is why the resource is replaced. */
  readonly forcesReplacement?: boolean;
}

export const UNKNOWN = "(known after apply)";

export type Verb = "create" | "delete" | "replace" | "update" | "import" | "forget";

export interface ResourceReview {
  readonly address: string;
  readonly type: string;
  /** The for_each key, such as a user name. */
  readonly key?: string;
  readonly verb: Verb;
  readonly fields: ReadonlyArray<FieldChange>;
}

/** Resource types whose deletion or replacement breaks sign-in: gated. */
export const GUARDED_TYPES: Readonly<Record<string, string>> = {
  aws_iam_saml_provider: "SAML provider",
  aws_iam_role: "federation role",
  aws_connect_user: "Connect user",
  aws_connect_instance: "Connect instance",
};

/** Outputs a person copies into the Identity Center console. */
export const CONSOLE_OUTPUTS: Readonly<Record<string, string>> = {
  relay_state_url: "Relay state (application properties)",
  sso_role_attribute_value: "`https://aws.amazon.com/SAML/Attributes/Role` attribute mapping",
};

/**
 * Console settings a plan changes: the outputs above, and the application's session duration,
 * which is no output but moves with the federation role's maximum session (the stack derives one
 * from the other, see maxSessionDurationSeconds in lib/naming.ts).
 */
export const CONSOLE_SETTINGS: Readonly<Record<string, string>> = {
  ...CONSOLE_OUTPUTS,
  session_duration: "Session duration (application properties; the federation role's maximum session follows it)",
};

/**
 * Attributes that are not a resource's own settings, left out of reviews and drift reports.
 * `aws_iam_role.inline_policy` and `managed_policy_arns` are computed copies of the policies that
 * `aws_iam_role_policy` and the two `*_exclusive` resources manage (and report) themselves: the
 * refresh after the first apply fills the copy in (noise), and a replaced role shows it unknown.
 */
export const IGNORED_FIELDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  aws_iam_role: ["inline_policy", "managed_policy_arns"],
};

export interface PlanReview {
  readonly resources: ReadonlyArray<ResourceReview>;
  readonly consoleChanges: ReadonlyArray<FieldChange>;
  /** Deletions or replacements of guarded resources, with whether the run allowed them. */
  readonly guarded: ReadonlyArray<{ readonly review: ResourceReview; readonly allowed: boolean }>;
}

export class PlanFormatError extends Error {}

/** Checks that a parsed JSON value is a Terraform plan, naming what is wrong. */
export function asPlan(value: unknown): PlanJson {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new PlanFormatError("is not a JSON object; expected the output of `terraform show -json <planfile>`");
  const plan = value as Record<string, unknown>;
  if (typeof plan.format_version !== "string") {
    throw new PlanFormatError("has no format_version; expected the output of `terraform show -json <planfile>` (not the plan file itself, nor state)");
  }
  if (!/^1\./.test(plan.format_version)) throw new PlanFormatError(`has format_version ${plan.format_version}; this reads 1.x`);
  if (plan.resource_changes !== undefined && !Array.isArray(plan.resource_changes)) throw new PlanFormatError("resource_changes is not a list");
  return plan as unknown as PlanJson;
}

function verbOf(rc: ResourceChange): Verb | undefined {
  const actions = rc.change.actions.join(",");
  // An import block's instance plans as no-op (or update) with `importing` set.
  if (rc.change.importing && (actions === "no-op" || actions === "update")) return "import";
  switch (actions) {
    case "create":
      return "create";
    case "delete":
      return "delete";
    case "delete,create":
    case "create,delete":
      return "replace";
    case "update":
      return "update";
    case "forget":
      return "forget";
    default:
      return undefined;
  }
}

/** Leaf values of a JSON value by dotted path (`phone_config.0.auto_accept`). */
function flatten(value: unknown, prefix = "", out: Map<string, unknown> = new Map()): Map<string, unknown> {
  if (Array.isArray(value)) {
    // Lists of scalars compare as a whole: a security-profile list is one field to a reviewer.
    if (value.every((v) => v === null || typeof v !== "object")) out.set(prefix, value);
    else value.forEach((v, i) => flatten(v, prefix ? `${prefix}.${i}` : String(i), out));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** Whether a dotted field is one of IGNORED_FIELDS of `type` (or below one). */
export function isIgnoredField(type: string | undefined, field: string): boolean {
  return (IGNORED_FIELDS[type ?? ""] ?? []).some((f) => field === f || field.startsWith(`${f}.`));
}

/** null, undefined and "" all mean "not set" to a reviewer (providers store unset strings as either). */
const unset = (v: unknown) => v === undefined || v === null || v === "";

/**
 * Fields that differ between before and after; policy documents are compared as parsed JSON.
 * `tags_all`, `id` and the type's IGNORED_FIELDS are left out; with `type`, paths in
 * `replace_paths` are marked as forcing the replacement.
 */
export function fieldChanges(change: Change, type?: string): FieldChange[] {
  const before = flatten(change.before ?? {});
  const after = flatten(change.after ?? {});
  const unknown = flatten(change.after_unknown ?? {});
  const fields = new Set([...before.keys(), ...after.keys(), ...[...unknown.entries()].filter(([, v]) => v === true).map(([k]) => k)]);
  const forcing = new Set((change.replace_paths ?? []).map((p) => p.join(".")));
  const out: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    if (field === "id" || field.startsWith("tags_all") || isIgnoredField(type, field)) continue;
    const b = before.get(field);
    const a = unknown.get(field) === true ? UNKNOWN : after.get(field);
    if (JSON.stringify(normalizeJson(b)) === JSON.stringify(normalizeJson(a))) continue;
    if (unset(b) && unset(a)) continue;
    const forces = [...forcing].some((f) => field === f || field.startsWith(`${f}.`));
    out.push(forces ? { field, before: b, after: a, forcesReplacement: true } : { field, before: b, after: a });
  }
  return out;
}

/** Profile IDs to names, from the profile look-ups (data sources) the plan read. */
export function profileNames(plan: PlanJson): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (module: StateModule | undefined) => {
    for (const r of module?.resources ?? []) {
      if (r.mode !== "data" || !r.values) continue;
      const id = r.type === "aws_connect_security_profile" ? r.values.security_profile_id : r.type === "aws_connect_routing_profile" ? r.values.routing_profile_id : undefined;
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
  return fields.map((f) => (f.field === "security_profile_ids" || f.field === "routing_profile_id" ? { ...f, before: convert(f.before), after: convert(f.after) } : f));
}

/** A JSON document inside a string (an IAM policy) compares by content, not by spacing. */
function normalizeJson(value: unknown): unknown {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Whether a deletion was allowed by the run: by full address, by resource address
 * (every instance), or by for_each key (a user name).
 */
export function isAllowed(review: ResourceReview, allowed: ReadonlyArray<string>): boolean {
  const base = review.address.replace(/\[.*\]$/, "");
  return allowed.some((a) => a === review.address || a === base || (review.key !== undefined && a === review.key));
}

/** Settings of the resource itself to show for a verb (a replacement's new computed values are left out). */
function reviewFields(rc: ResourceChange, verb: Verb, names: ReadonlyMap<string, string>): FieldChange[] {
  if (verb !== "update" && verb !== "replace" && verb !== "import") return [];
  let fields = fieldChanges(rc.change, rc.type);
  // A replacement makes a new object: its ARN, IDs and dates are all "known after apply"; keep
  // what forces the replacement and what the configuration itself changes.
  if (verb === "replace") fields = fields.filter((f) => f.forcesReplacement || f.after !== UNKNOWN);
  return rc.type === "aws_connect_user" ? withProfileNames(fields, names) : fields;
}

/**
 * For a role being imported: the inline and managed policies it holds now, and what the exclusive
 * resources of the same plan will leave on it (everything else is removed by the apply).
 */
function adoptedRolePolicies(role: ResourceChange, plan: PlanJson): FieldChange[] {
  const before = (role.change.before ?? {}) as { name?: string; inline_policy?: Array<{ name?: string }>; managed_policy_arns?: string[] };
  const exclusive = (type: string) => (plan.resource_changes ?? []).find((rc) => rc.type === type && (rc.change.after as { role_name?: string } | undefined)?.role_name === before.name);
  const out: FieldChange[] = [];
  const inline = exclusive("aws_iam_role_policies_exclusive");
  const inlineNow = (before.inline_policy ?? []).map((p) => p.name).filter((n): n is string => Boolean(n)).sort();
  const inlineAfter = [...((inline?.change.after as { policy_names?: string[] } | undefined)?.policy_names ?? [])].sort();
  if (inline && JSON.stringify(inlineNow) !== JSON.stringify(inlineAfter)) out.push({ field: "inline policies", before: inlineNow, after: inlineAfter });
  const managed = exclusive("aws_iam_role_policy_attachments_exclusive");
  const managedNow = [...(before.managed_policy_arns ?? [])].sort();
  const managedAfter = [...((managed?.change.after as { policy_arns?: string[] } | undefined)?.policy_arns ?? [])].sort();
  if (managed && JSON.stringify(managedNow) !== JSON.stringify(managedAfter)) out.push({ field: "managed policies", before: managedNow, after: managedAfter });
  return out;
}

/** The application's session duration moves with the role's maximum session (whole hours of it). */
function sessionDurationChange(review: ResourceReview): FieldChange | undefined {
  if (review.type !== "aws_iam_role") return undefined;
  const f = review.fields.find((x) => x.field === "max_session_duration");
  if (!f || typeof f.before !== "number" || typeof f.after !== "number") return undefined;
  const hours = (seconds: number) => `${seconds / 3600} hour${seconds === 3600 ? "" : "s"}`;
  return { field: "session_duration", before: hours(f.before), after: hours(f.after) };
}

export function reviewPlan(plan: PlanJson, allowDelete: ReadonlyArray<string> = []): PlanReview {
  const names = profileNames(plan);
  const resources: ResourceReview[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const verb = verbOf(rc);
    if (!verb) continue;
    const fields = reviewFields(rc, verb, names);
    if (verb === "import" && rc.type === "aws_iam_role") fields.push(...adoptedRolePolicies(rc, plan));
    resources.push({
      address: rc.address,
      type: rc.type,
      key: rc.index === undefined ? undefined : String(rc.index),
      verb,
      fields,
    });
  }
  const consoleChanges: FieldChange[] = [];
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    if (!(name in CONSOLE_OUTPUTS) || change.actions.join() === "no-op") continue;
    // A first apply creates the output: the sheet already shows the value to type in.
    if (change.actions.join() === "create") continue;
    consoleChanges.push({ field: name, before: change.before, after: change.after_unknown === true ? UNKNOWN : change.after });
  }
  for (const r of resources) {
    const session = sessionDurationChange(r);
    if (session) consoleChanges.push(session);
  }
  const guarded = resources
    .filter((r) => r.type in GUARDED_TYPES && (r.verb === "delete" || r.verb === "replace"))
    .map((review) => ({ review, allowed: isAllowed(review, allowDelete) }));
  return { resources, consoleChanges, guarded };
}
