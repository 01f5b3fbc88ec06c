/**
 * Field-by-field differences of one resource change, shared by the plan review and drift reports.
 */
import type { Change } from "./format";

/** A field that differs: dotted path, value before, value after (UNKNOWN when known after apply). */
export interface FieldChange {
  readonly field: string;
  readonly before: unknown;
  readonly after: unknown;
  /** This difference is why the resource is replaced. */
  readonly forcesReplacement?: boolean;
}

export const UNKNOWN = "(known after apply)";

/**
 * Attributes that are not a resource's own settings, left out of drift reports and of fieldChanges.
 * `aws_iam_role.inline_policy` and `managed_policy_arns` are computed copies of the policies that
 * `aws_iam_role_policy` and the two `*_exclusive` resources manage (and report) themselves: the
 * refresh after the first apply fills the copy in (noise), and a replaced role shows it unknown.
 * The review shows them when the configuration sets them (see rolePolicyFields in lib/tools/review/classify.ts).
 */
const IGNORED_FIELDS: Readonly<Record<string, ReadonlyArray<string>>> = {
  aws_iam_role: ["inline_policy", "managed_policy_arns"],
};

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

/** The value at a dotted path (`inline_policy.0.name`), whole (objects and lists included). */
export function valueAt(value: unknown, field: string): unknown {
  return field.split(".").reduce<unknown>((v, step) => (v && typeof v === "object" ? (v as Record<string, unknown>)[step] : undefined), value);
}

/** Whether `after_unknown` marks the field, or a block or list holding it, as known only after apply. */
function isUnknownAt(afterUnknown: unknown, field: string): boolean {
  const steps = field.split(".");
  return steps.some((_, i) => valueAt(afterUnknown, steps.slice(0, i + 1).join(".")) === true);
}

/** Whether a dotted field is one of IGNORED_FIELDS of `type` (or below one). */
function isIgnoredField(type: string | undefined, field: string): boolean {
  return (IGNORED_FIELDS[type ?? ""] ?? []).some((f) => field === f || field.startsWith(`${f}.`));
}

/** null, undefined and "" all mean "not set" to a reviewer (providers store unset strings as either). */
const unset = (v: unknown) => v === undefined || v === null || v === "";

/** Whether two values are the same to a reviewer (policy documents by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizeJson(a)) === JSON.stringify(normalizeJson(b));
}

/**
 * Fields that differ between before and after; policy documents are compared as parsed JSON.
 * `tags_all`, `id` and the type's IGNORED_FIELDS are left out; a block known only after apply is
 * one field (not one per leaf); paths in `replace_paths` are marked as forcing the replacement.
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
    const parent = field.includes(".") ? field.slice(0, field.lastIndexOf(".")) : undefined;
    // Leaves under an unknown block: the block itself is the field.
    if (parent !== undefined && isUnknownAt(change.after_unknown, parent)) continue;
    const isUnknown = unknown.get(field) === true;
    const b = isUnknown ? valueAt(change.before, field) : before.get(field);
    const a = isUnknown ? UNKNOWN : after.get(field);
    if (sameValue(b, a)) continue;
    // A tag's empty value is a value (the tag is there); for other fields "" means not set.
    if (unset(b) && unset(a) && !field.startsWith("tags.")) continue;
    const forces = [...forcing].some((f) => field === f || field.startsWith(`${f}.`));
    out.push(forces ? { field, before: b, after: a, forcesReplacement: true } : { field, before: b, after: a });
  }
  return out;
}

/** A JSON document inside a string (an IAM policy) compares by content, not by spacing. */
export function normalizeJson(value: unknown): unknown {
  if (typeof value !== "string" || !value.trimStart().startsWith("{")) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
