/**
 * Renders plan reviews as Markdown for a pull-request comment, in plain words.
 */
import { diffLines as diffLinesOf } from "diff";
import { CONSOLE_SETTINGS, GUARDED_TYPES, UNKNOWN, type FieldChange, type PlanReview, type ResourceReview } from "./classify";

/** A value in plain words: lists of names comma-separated; long values cut at `max` characters (0: never). */
const show = (value: unknown, max = 120): string => {
  if (value === UNKNOWN) return "_(known after apply)_";
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return "_(none)_";
  const text = typeof value === "string" ? value : Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join(", ") : JSON.stringify(value);
  return `\`${max > 0 && text.length > max ? `${text.slice(0, max - 3)}...` : text}\``;
};

const USER_FIELDS: Readonly<Record<string, string>> = {
  "identity_info.0.first_name": "first name",
  "identity_info.0.last_name": "last name",
  "identity_info.0.secondary_email": "secondary email",
  "phone_config.0.phone_type": "phone type",
  "phone_config.0.desk_phone_number": "desk phone",
  "phone_config.0.auto_accept": "auto-accept",
  "phone_config.0.after_contact_work_time_limit": "after-contact work limit",
  routing_profile_id: "routing profile",
  security_profile_ids: "security profiles",
  hierarchy_group_id: "hierarchy group",
};

const IAM_FIELDS: Readonly<Record<string, string>> = {
  max_session_duration: "maximum session (seconds)",
  "inline policies": "inline policies (the apply deletes any other)",
  "managed policies": "managed policies (the apply detaches any other)",
};

function fieldLines(fields: ReadonlyArray<FieldChange>, names: Readonly<Record<string, string>> = {}): string[] {
  return fields.map((f) => `  - ${names[f.field] ?? f.field}: ${show(f.before)} → ${show(f.after)}${f.forcesReplacement ? " (forces replacement)" : ""}`);
}

function policyDiff(field: FieldChange): string[] {
  const pretty = (v: unknown) => (typeof v === "string" ? JSON.stringify(JSON.parse(v), null, 2) : String(v ?? ""));
  try {
    return ["", "  ```diff", ...diffLines(pretty(field.before), pretty(field.after)).map((l) => `  ${l}`), "  ```"];
  } catch {
    return fieldLines([field]);
  }
}

/** `+`/`-`/` ` prefixed lines of a line diff, for a ```diff block. */
export function diffLines(before: string, after: string): string[] {
  return diffLinesOf(before.endsWith("\n") ? before : `${before}\n`, after.endsWith("\n") ? after : `${after}\n`).flatMap((part) =>
    part.value
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => `${part.added ? "+" : part.removed ? "-" : " "} ${line}`),
  );
}

function usersSection(users: ReadonlyArray<ResourceReview>): string[] {
  if (users.length === 0) return [];
  const by = (verb: ResourceReview["verb"]) => users.filter((u) => u.verb === verb);
  const lines = ["### Connect users", ""];
  const list = (title: string, items: ResourceReview[], detail = false) => {
    if (items.length === 0) return;
    lines.push(`**${title} (${items.length})**`, "");
    for (const u of items) {
      lines.push(`- \`${u.key ?? u.address}\``);
      if (detail) lines.push(...fieldLines(u.fields.filter((f) => f.field !== "tags"), USER_FIELDS));
    }
    lines.push("");
  };
  list("Added", by("create"));
  list("Imported (already existed)", by("import"), true);
  list("Changed", by("update"), true);
  list("Re-created (deleted, then created: the user's sign-in mapping and history start over)", by("replace"), true);
  list("Removed (deleted from Connect)", by("delete"));
  list("No longer managed (left in Connect)", by("forget"));
  return lines;
}

function iamSection(items: ReadonlyArray<ResourceReview>): string[] {
  if (items.length === 0) return [];
  const lines = ["### IAM", ""];
  for (const r of items) {
    lines.push(`- \`${r.address}\`: ${r.verb}`);
    for (const f of r.fields) {
      if (f.field === "assume_role_policy" || f.field === "policy") {
        lines.push(`  - ${f.field === "policy" ? "permissions policy" : "trust policy"} changes:`, ...policyDiff(f));
      } else if (f.field === "saml_metadata_document") {
        lines.push("  - metadata document changes (a new signing certificate?): the provider is updated in place");
      } else {
        lines.push(...fieldLines([f], IAM_FIELDS));
      }
    }
  }
  lines.push("");
  return lines;
}

/** One plan's section: a heading per stack, then users, IAM, others, console changes and the gate. */
export function renderReview(stack: string, review: PlanReview): string {
  const lines = [`## ${stack}`, ""];
  const users = review.resources.filter((r) => r.type === "aws_connect_user");
  const iam = review.resources.filter((r) => r.type.startsWith("aws_iam_"));
  const other = review.resources.filter((r) => r.type !== "aws_connect_user" && !r.type.startsWith("aws_iam_"));
  if (review.resources.length === 0 && review.consoleChanges.length === 0) lines.push("No changes.", "");
  lines.push(...usersSection(users), ...iamSection(iam));
  if (other.length > 0) {
    lines.push("### Other resources", "");
    for (const r of other) lines.push(`- \`${r.address}\`: ${r.verb}`, ...fieldLines(r.fields));
    lines.push("");
  }
  if (review.consoleChanges.length > 0) {
    lines.push("### Change by hand in the Identity Center console", "");
    // In full: a person types these in.
    for (const c of review.consoleChanges) lines.push(`- ${CONSOLE_SETTINGS[c.field] ?? c.field}: ${show(c.before, 0)} → ${show(c.after, 0)}`);
    if (review.consoleChanges.some((c) => c.after === UNKNOWN)) {
      lines.push("", "Values known after apply: read them with `terraform output` (or `npx cdktf output <stack>`) once applied, or from the stack's console-settings.md.");
    }
    lines.push("");
  }
  const blocked = review.guarded.filter((g) => !g.allowed);
  const allowed = review.guarded.filter((g) => g.allowed);
  if (blocked.length > 0) {
    lines.push("### ⛔ Blocked: deletes or replaces identity resources", "");
    for (const g of blocked) lines.push(`- ${GUARDED_TYPES[g.review.type]} \`${g.review.address}\` would be ${g.review.verb === "replace" ? "replaced" : "deleted"}`);
    lines.push("", "Re-run the review with `--allow-delete <address or user name>` for each one that may go.", "");
  }
  if (allowed.length > 0) {
    lines.push("### Allowed deletions", "");
    for (const g of allowed) lines.push(`- ${GUARDED_TYPES[g.review.type]} \`${g.review.address}\` (${g.review.verb}, allowed by this run)`);
    lines.push("");
  }
  if (review.guarded.some((g) => g.review.type === "aws_iam_role" || g.review.type === "aws_iam_saml_provider")) {
    lines.push(
      "Agents mapped to the old role or provider cannot sign in through the new one until their Connect users are deleted and re-created (README: Changing the role or provider).",
      "",
    );
  }
  return lines.join("\n");
}
