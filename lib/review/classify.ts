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
}

export interface Change {
  readonly actions: ReadonlyArray<string>;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  /** Set when an import block brings the object under management. */
  readonly importing?: { readonly id?: string };
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

/** Fields that differ between before and after; policy documents are compared as parsed JSON. */
export function fieldChanges(change: Change): FieldChange[] {
  const before = flatten(change.before ?? {});
  const after = flatten(change.after ?? {});
  const unknown = flatten(change.after_unknown ?? {});
  const fields = new Set([...before.keys(), ...after.keys(), ...[...unknown.entries()].filter(([, v]) => v === true).map(([k]) => k)]);
  const out: FieldChange[] = [];
  for (const field of [...fields].sort()) {
    if (field === "id" || field.startsWith("tags_all")) continue;
    const b = before.get(field);
    const a = unknown.get(field) === true ? UNKNOWN : after.get(field);
    if (JSON.stringify(normalizeJson(b)) === JSON.stringify(normalizeJson(a))) continue;
    if (b === undefined && (a === undefined || a === null)) continue;
    if (b === null && a === undefined) continue;
    out.push({ field, before: b, after: a });
  }
  return out;
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

export function reviewPlan(plan: PlanJson, allowDelete: ReadonlyArray<string> = []): PlanReview {
  const resources: ResourceReview[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== "managed") continue;
    const verb = verbOf(rc);
    if (!verb) continue;
    resources.push({
      address: rc.address,
      type: rc.type,
      key: rc.index === undefined ? undefined : String(rc.index),
      verb,
      fields: verb === "update" || verb === "replace" || verb === "import" ? fieldChanges(rc.change) : [],
    });
  }
  const consoleChanges: FieldChange[] = [];
  for (const [name, change] of Object.entries(plan.output_changes ?? {})) {
    if (!(name in CONSOLE_OUTPUTS) || change.actions.join() === "no-op") continue;
    // A first apply creates the output: the sheet already shows the value to type in.
    if (change.actions.join() === "create") continue;
    consoleChanges.push({ field: name, before: change.before, after: change.after_unknown === true ? UNKNOWN : change.after });
  }
  const guarded = resources
    .filter((r) => r.type in GUARDED_TYPES && (r.verb === "delete" || r.verb === "replace"))
    .map((review) => ({ review, allowed: isAllowed(review, allowDelete) }));
  return { resources, consoleChanges, guarded };
}
