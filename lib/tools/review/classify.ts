/**
 * One plan in a reviewer's words: what each resource change does (a verb), the fields that change,
 * what a SAML metadata change does to whom IAM trusts, and the console settings a person types
 * again. Which of these need consent is gate.ts's decision.
 */
import { resourceAddress } from "../plan/address";
import { fieldChanges, normalizeJson, sameValue, UNKNOWN, valueAt, type FieldChange } from "../plan/fields";
import type { Change, PlanJson, ResourceChange } from "../plan/format";
import { profileNames, withProfileNames } from "../plan/profiles";
import { MAIN_STACK_OUTPUTS } from "../../rules/outputs";
import { metadataChange, type MetadataChange } from "./certificates";

/** What a change does. `unknown`: an action list this review was not taught (gated). */
export type Verb = "create" | "update" | "import" | "delete" | "replace" | "forget" | "unknown";

export interface ResourceReview {
  readonly address: string;
  /** The address without its instance key: a consent to it covers every instance. */
  readonly resource: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  /** The for_each key (such as a user name), when the instance has one. */
  readonly key?: string;
  /** Terraform's action list, as planned. */
  readonly actions: ReadonlyArray<string>;
  readonly verb: Verb;
  readonly fields: ReadonlyArray<FieldChange>;
  /** The object's ID in state before the plan (a Connect user's is `<instance>:<user>`). */
  readonly id?: string;
  /** The ID an import block brings under management. */
  readonly importId?: string;
  /** For a SAML provider whose metadata document changes: the identity provider and certificates. */
  readonly metadata?: MetadataChange;
  /**
   * Top-level attributes an in-place change (update, or import with update) sets differently,
   * computed from the plan's raw before and after (nothing left out for display), for the gate.
   */
  readonly changedAttributes: ReadonlyArray<string>;
}

export interface PlanReview {
  /** Every change that is not a plain no-op or read, in plan order. */
  readonly resources: ReadonlyArray<ResourceReview>;
  readonly consoleChanges: ReadonlyArray<FieldChange>;
}

/** Outputs a person copies into the Identity Center console. */
const CONSOLE_OUTPUTS: Readonly<Record<string, string>> = {
  [MAIN_STACK_OUTPUTS.relayStateUrl.name]: "Relay state (application properties)",
  [MAIN_STACK_OUTPUTS.roleAttributeValue.name]: "`https://aws.amazon.com/SAML/Attributes/Role` attribute mapping",
};

/**
 * Console settings a plan changes: the outputs above, and the application's session duration,
 * which is no output but moves with the federation role's maximum session (the stack derives one
 * from the other, see maxSessionDurationSeconds in lib/rules/naming.ts).
 */
export const CONSOLE_SETTINGS: Readonly<Record<string, string>> = {
  ...CONSOLE_OUTPUTS,
  session_duration: "Session duration (application properties; the federation role's maximum session follows it)",
};

/** The role's own policy attributes, shown when the configuration sets them. */
const ROLE_POLICY_FIELDS = ["inline_policy", "managed_policy_arns"] as const;

const METADATA_FIELD = "saml_metadata_document";

/**
 * The verb of a change; undefined for what passes unseen (no-op, read). Only exact action lists
 * are known: anything else (an unknown word, another case, a new combination) is `unknown`.
 */
function verbOf(rc: Pick<ResourceChange, "mode" | "change">): Verb | undefined {
  const actions = rc.change.actions;
  const exactly = (...expected: string[]) => actions.length === expected.length && expected.every((e, i) => actions[i] === e);
  const replace = exactly("delete", "create") || exactly("create", "delete");
  if (rc.mode === "data") return !rc.change.importing && (exactly("read") || exactly("no-op")) ? undefined : "unknown";
  // An import block's instance plans as no-op (or update) with `importing` set.
  if (rc.change.importing) return exactly("no-op") || exactly("update") ? "import" : replace ? "replace" : "unknown";
  if (exactly("no-op") || exactly("read")) return undefined;
  if (exactly("create")) return "create";
  if (exactly("update")) return "update";
  if (exactly("delete")) return "delete";
  if (exactly("forget")) return "forget";
  return replace ? "replace" : "unknown";
}

/**
 * The role's `inline_policy` and `managed_policy_arns` when the plan's `after` sets them. Left
 * out as read-back noise: the computed copy the plan leaves as it was, and a copy known only
 * after apply (a new or replaced role; terraform leaves unknown values out of `after`).
 */
function rolePolicyFields(change: Change): FieldChange[] {
  const policies = (field: string, value: unknown): unknown => {
    if (!Array.isArray(value)) return value;
    if (field === "managed_policy_arns") return [...value].sort();
    const named = value as Array<{ name?: string; policy?: unknown }>;
    return [...named].sort((a, b) => String(a.name).localeCompare(String(b.name))).map((p) => ({ ...p, policy: normalizeJson(p.policy) }));
  };
  const out: FieldChange[] = [];
  for (const field of ROLE_POLICY_FIELDS) {
    const before = policies(field, valueAt(change.before, field));
    const after = policies(field, valueAt(change.after, field));
    if (after === undefined || sameValue(before, after)) continue;
    out.push({ field, before, after });
  }
  return out;
}

/** Settings of the resource itself to show for a verb (a replacement's new computed values are left out). */
function reviewFields(rc: ResourceChange, verb: Verb, names: ReadonlyMap<string, string>): FieldChange[] {
  if (verb === "create" || verb === "delete" || verb === "forget") return [];
  let fields = fieldChanges(rc.change, rc.type);
  // A replacement makes a new object: its ARN, IDs and dates are all "known after apply"; keep
  // what forces the replacement and what the configuration itself changes.
  if (verb === "replace") fields = fields.filter((f) => f.forcesReplacement || f.after !== UNKNOWN);
  if (rc.type === "aws_iam_role") fields.push(...rolePolicyFields(rc.change));
  return rc.type === "aws_connect_user" ? withProfileNames(fields, names) : fields;
}

/**
 * For a role being imported: the inline and managed policies it holds now, and what the exclusive
 * resources of the same plan will leave on it (everything else is removed by the apply).
 */
function adoptedRolePolicies(role: ResourceChange, plan: PlanJson): FieldChange[] {
  const before = (role.change.before ?? {}) as { name?: string; inline_policy?: Array<{ name?: string }>; managed_policy_arns?: string[] };
  const exclusive = (type: string) =>
    (plan.resource_changes ?? []).find((rc) => rc.type === type && (rc.change.after as { role_name?: string } | undefined)?.role_name === before.name);
  const out: FieldChange[] = [];
  const inline = exclusive("aws_iam_role_policies_exclusive");
  const inlineNow = (before.inline_policy ?? [])
    .map((p) => p.name)
    .filter((n): n is string => Boolean(n))
    .sort();
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

/** One plan's review; `now` dates the metadata's certificates. */
export function reviewPlan(plan: PlanJson, now: Date = new Date()): PlanReview {
  const names = profileNames(plan);
  const resources: ResourceReview[] = [];
  for (const rc of plan.resource_changes ?? []) {
    const verb = verbOf(rc);
    if (!verb) continue;
    let fields = reviewFields(rc, verb, names);
    if (verb === "import" && rc.type === "aws_iam_role") fields.push(...adoptedRolePolicies(rc, plan));
    const metadataField = rc.type === "aws_iam_saml_provider" ? fields.find((f) => f.field === METADATA_FIELD) : undefined;
    if (metadataField) fields = fields.filter((f) => f !== metadataField);
    const id = valueAt(rc.change.before, "id");
    const changedAttributes = rc.change.actions.includes("update") ? [...new Set(fieldChanges(rc.change).map((f) => f.field.split(".")[0]))] : [];
    resources.push({
      address: rc.address,
      resource: resourceAddress(rc),
      mode: rc.mode,
      type: rc.type,
      ...(typeof rc.index === "string" ? { key: rc.index } : {}),
      actions: rc.change.actions,
      verb,
      fields,
      ...(typeof id === "string" ? { id } : {}),
      ...(typeof rc.change.importing?.id === "string" ? { importId: rc.change.importing.id } : {}),
      ...(metadataField ? { metadata: metadataChange(metadataField.before, metadataField.after, now) } : {}),
      changedAttributes,
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
  return { resources, consoleChanges };
}
