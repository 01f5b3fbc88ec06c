/**
 * Renders a review run as Markdown for a pull-request comment, in plain words: per stack what
 * changes, then what needs consent (with the line that gives it), then every consent used or not.
 */
import { diffLines as diffLinesOf } from "diff";
import type { SigningCertificate } from "../../config/metadata";
import { guardedFields } from "../../rules/harmless-fields";
import { UNKNOWN, type FieldChange } from "../plan/fields";
import { CONSOLE_SETTINGS, type ResourceReview } from "./classify";
import { consentLine, type Consent } from "./consent";
import { consentTarget, type GateResult, type GatedChange, type StackReview, type UsersStackMove } from "./gate";

/** Literal text as inline code, whatever backticks it holds (CommonMark: a longer fence, padded). */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return longest === 0 ? `${fence}${text}${fence}` : `${fence} ${text} ${fence}`;
}

/** A value in plain words: lists of names comma-separated; long values cut at `max` characters (0: never). */
const show = (value: unknown, max = 120): string => {
  if (value === UNKNOWN) return "_(known after apply)_";
  if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) return "_(none)_";
  const text = typeof value === "string" ? value : Array.isArray(value) && value.every((v) => typeof v === "string") ? value.join(", ") : JSON.stringify(value);
  return code(max > 0 && text.length > max ? `${text.slice(0, max - 3)}...` : text);
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

/** Policy documents, shown as a line diff under these words. */
const POLICY_FIELDS: Readonly<Record<string, string>> = {
  assume_role_policy: "trust policy changes:",
  policy: "permissions policy changes:",
  inline_policy: "inline policies set on the role itself (`inline_policy`) change:",
  managed_policy_arns: "managed policies attached by the role itself (`managed_policy_arns`) change:",
};

/** What each resource type is, to a reviewer. */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  aws_iam_saml_provider: "SAML provider",
  aws_iam_role: "federation role",
  aws_iam_role_policy: "role's inline policy",
  aws_iam_role_policies_exclusive: "role's exclusive list of inline policies",
  aws_iam_role_policy_attachments_exclusive: "role's exclusive list of managed policies",
  aws_connect_user: "Connect user",
  aws_connect_instance: "Connect instance",
  aws_ssoadmin_application_assignment: "Identity Center application assignment",
  aws_identitystore_user: "Identity Center user",
  aws_identitystore_group: "Identity Center group",
  aws_ssoadmin_application_assignment_configuration: "Identity Center application's assignment setting (assignment required)",
};

const typeLabel = (r: ResourceReview) => TYPE_LABELS[r.type] ?? (r.mode === "data" ? `data source ${r.type}` : r.type);
const verbWords = (r: ResourceReview) => (r.verb === "unknown" ? `actions ${code(JSON.stringify(r.actions))} (not known to this review)` : r.verb);

function fieldLines(fields: ReadonlyArray<FieldChange>, names: Readonly<Record<string, string>> = {}): string[] {
  return fields.map((f) => `  - ${names[f.field] ?? f.field}: ${show(f.before)} → ${show(f.after)}${f.forcesReplacement ? " (forces replacement)" : ""}`);
}

function policyDiff(field: FieldChange): string[] {
  const pretty = (v: unknown) => (v === undefined || v === null ? "" : JSON.stringify(typeof v === "string" ? JSON.parse(v) : v, null, 2));
  try {
    return [`  - ${POLICY_FIELDS[field.field]}`, "", "  ```diff", ...diffLines(pretty(field.before), pretty(field.after)).map((l) => `  ${l}`), "  ```"];
  } catch {
    return fieldLines([field]);
  }
}

/** `+`/`-`/` ` prefixed lines of a line diff, for a ```diff block. */
function diffLines(before: string, after: string): string[] {
  return diffLinesOf(before.endsWith("\n") ? before : `${before}\n`, after.endsWith("\n") ? after : `${after}\n`).flatMap((part) =>
    part.value
      .replace(/\n$/, "")
      .split("\n")
      .map((line) => `${part.added ? "+" : part.removed ? "-" : " "} ${line}`),
  );
}

const certificate = (c: SigningCertificate) => `${c.subject}, expires ${c.validTo.toISOString().slice(0, 10)}, SHA-256 ${code(c.fingerprint256)}`;

/** What a SAML metadata change does to whom IAM trusts. */
function metadataLines(r: ResourceReview): string[] {
  const m = r.metadata;
  if (!m) return [];
  const lines = [
    ...(m.entityId ? [`  - identity provider (entityID): ${show(m.entityId.before, 0)} → ${show(m.entityId.after, 0)}`] : []),
    ...m.removed.map((c) => `  - signing certificate removed: ${certificate(c)}`),
    ...m.added.map((c) => `  - signing certificate added: ${certificate(c)}`),
    ...m.problems.map((p) => `  - cannot judge the metadata: ${p}`),
  ];
  return lines.length > 0 ? lines : ["  - metadata document changes; the identity provider and its signing certificates stay the same"];
}

/** A field of the resource's own `tags` (`tags.<key>`, or the whole map when it is known only after apply). */
const isTagField = (f: FieldChange) => f.field === "tags" || f.field.startsWith("tags.");

/**
 * A user's own tag changes in words, one line per key: added, removed, or old → new. Only `tags`: the
 * environment's tags reach the user through the provider's default_tags, in `tags_all`, which fieldChanges
 * leaves out (it would repeat them on every user).
 */
function tagLines(fields: ReadonlyArray<FieldChange>): string[] {
  // A tag's empty value shows as "" (the tag is there, its value empty), not as none.
  const value = (v: unknown) => (v === "" ? code('""') : show(v));
  return fields.map((f) => {
    if (f.field === "tags") return `  - tags: ${show(f.before)} → ${show(f.after)}`;
    const key = code(f.field.slice("tags.".length));
    if (f.before === undefined || f.before === null) return `  - tag ${key} added: ${value(f.after)}`;
    if (f.after === undefined || f.after === null) return `  - tag ${key} removed (was ${value(f.before)})`;
    return `  - tag ${key}: ${value(f.before)} → ${value(f.after)}`;
  });
}

function usersSection(users: ReadonlyArray<ResourceReview>, moves: ReadonlyArray<UsersStackMove>): string[] {
  if (users.length === 0) return [];
  const by = (verb: ResourceReview["verb"]) => users.filter((u) => u.verb === verb);
  const lines = ["### Connect users", ""];
  const list = (title: string, items: ResourceReview[], detail: (u: ResourceReview) => string[] = () => []) => {
    if (items.length === 0) return;
    lines.push(`**${title} (${items.length})**`, "");
    for (const u of items) lines.push(`- ${code(u.key ?? u.address)}`, ...detail(u));
    lines.push("");
  };
  const fields = (u: ResourceReview) => [
    ...fieldLines(
      u.fields.filter((f) => !isTagField(f)),
      USER_FIELDS,
    ),
    ...tagLines(u.fields.filter(isTagField)),
  ];
  list("Added", by("create"));
  list("Imported (already existed)", by("import"), fields);
  list("Changed", by("update"), fields);
  list("Re-created (deleted, then created: the user's sign-in mapping and history start over)", by("replace"), fields);
  list("Removed (deleted from Connect)", by("delete"));
  list("No longer managed (left in Connect)", by("forget"), (u) => {
    const move = moves.find((m) => m.user === u.key);
    return move ? [`  - moves to ${code(move.to)}, which imports it in this review`] : [];
  });
  list("Actions this review does not know", by("unknown"), (u) => [`  - ${verbWords(u)}`]);
  return lines;
}

function iamSection(items: ReadonlyArray<ResourceReview>): string[] {
  if (items.length === 0) return [];
  const lines = ["### IAM", ""];
  for (const r of items) {
    lines.push(`- ${code(r.address)}: ${verbWords(r)}`);
    for (const f of r.fields) lines.push(...(f.field in POLICY_FIELDS ? policyDiff(f) : fieldLines([f], IAM_FIELDS)));
    lines.push(...metadataLines(r));
  }
  lines.push("");
  return lines;
}

/** Why a change needs consent, in words that follow its label and address. */
function why(change: GatedChange): string {
  const r = change.resource;
  switch (change.reason) {
    case "delete":
      return "would be deleted";
    case "replace":
      return r?.actions[0] === "delete"
        ? "would be replaced (deleted, then created again)"
        : "would be replaced (the new one created, then the old one deleted)";
    case "forget":
      return r?.type === "aws_connect_user"
        ? "would no longer be managed (left in Connect), and no other stack of its environment imports it in this review"
        : "would no longer be managed by Terraform (left in AWS, out of this stack's state)";
    case "unknown-action":
      return `has actions ${code(JSON.stringify(r?.actions ?? []))}, which this review does not know`;
    case "identity-provider":
      return "would change whom IAM trusts for sign-in (entityID or signing certificates, see IAM above)";
    case "guarded-field":
      return `would change ${(r ? guardedFields(r.type, r.changedAttributes) : []).map(code).join(", ")}, which no update changes without consent (before and after above)`;
    case "retire":
      return "is removed (no environment file synthesizes it any more)";
    case "tooling":
      return "changes how every change is judged (a file of the gate: the workflow, the tools, or what installs them); the gate that judged this run is the code before the change";
  }
}

const subject = (change: GatedChange) =>
  change.path !== undefined
    ? `Gate file ${code(change.path)}`
    : change.resource
      ? `${typeLabel(change.resource)} ${code(change.resource.address)}`
      : `Stack ${code(change.stack)}`;
const givenBy = (c: Consent) => `${c.by} (${c.source})`;

function gateLines(gated: GateResult["gated"]): string[] {
  const lines: string[] = [];
  const refused = gated.filter((g) => g.consents.length === 0);
  const allowed = gated.filter((g) => g.consents.length > 0);
  if (refused.length > 0) {
    lines.push("### ⛔ Needs consent", "");
    for (const { change } of refused) lines.push(`- ${subject(change)} ${why(change)}: ${code(consentLine(change.stack, consentTarget(change)))}`);
    lines.push(
      "",
      "Each needs its line, as plain text (not in code or a quote), in an approving review by someone other than the author; or `--consent <stack>:<target>` when you run the review yourself.",
      "",
    );
  }
  if (allowed.length > 0) {
    lines.push("### Allowed by consent", "");
    for (const { change, consents } of allowed) lines.push(`- ${subject(change)} ${why(change)}: allowed by ${consents.map(givenBy).join("; ")}`);
    lines.push("");
  }
  const identity = gated.some(
    ({ change }) =>
      change.resource &&
      (change.resource.type === "aws_iam_role" || change.resource.type === "aws_iam_saml_provider") &&
      (change.reason === "delete" || change.reason === "replace"),
  );
  if (identity) {
    lines.push(
      `Agents mapped to the old role or provider cannot sign in through the new one until their Connect users are deleted and re-created (docs/identity-changes.md, "Changing the role or provider").`,
      "",
    );
  }
  return lines;
}

/** One plan's section: a heading per stack, then users, IAM, others, console changes and the gate. */
function renderStack(plan: StackReview, result: GateResult): string {
  const { review } = plan;
  // A retirement of the same stack shows in its removed-stack section.
  const gated = result.gated.filter((g) => g.change.stack === plan.stack && g.change.resource);
  const lines = [`## ${plan.stack}`, ""];
  const users = review.resources.filter((r) => r.type === "aws_connect_user");
  const iam = review.resources.filter((r) => r.type.startsWith("aws_iam_"));
  const other = review.resources.filter((r) => r.type !== "aws_connect_user" && !r.type.startsWith("aws_iam_"));
  if (review.resources.length === 0 && review.consoleChanges.length === 0) lines.push("No changes.", "");
  lines.push(
    ...usersSection(
      users,
      result.moves.filter((m) => m.stack === plan.stack),
    ),
    ...iamSection(iam),
  );
  if (other.length > 0) {
    lines.push("### Other resources", "");
    for (const r of other) lines.push(`- ${code(r.address)}: ${verbWords(r)}`, ...fieldLines(r.fields));
    lines.push("");
  }
  if (review.consoleChanges.length > 0) {
    lines.push("### Change by hand in the Identity Center console", "");
    // In full: a person types these in.
    for (const c of review.consoleChanges) lines.push(`- ${CONSOLE_SETTINGS[c.field] ?? c.field}: ${show(c.before, 0)} → ${show(c.after, 0)}`);
    if (review.consoleChanges.some((c) => c.after === UNKNOWN)) {
      lines.push(
        "",
        "Values known after apply: read them with `terraform output` (or `npx cdktf output <stack>`) once applied, or from the stack's console-settings.md.",
      );
    }
    lines.push("");
  }
  lines.push(...gateLines(gated));
  return lines.join("\n");
}

/** A stack the change removes: its retirement is gated like a deletion. */
function renderRemovedStack(stack: string, result: GateResult): string {
  const lines = [
    `## ${stack} (removed)`,
    "",
    "No environment file synthesizes this stack any more, so nothing plans or applies it from now on; what it manages stays in AWS and in its state.",
    "",
    ...gateLines(result.gated.filter((g) => g.change.stack === stack && !g.change.resource)),
  ];
  return lines.join("\n");
}

/** Files of the gate itself that the change brings. */
function toolingSection(result: GateResult): string[] {
  const gated = result.gated.filter((g) => g.change.path !== undefined);
  return gated.length === 0 ? [] : ["## The gate itself", "", ...gateLines(gated)];
}

const cell = (text: string) => text.replace(/\|/g, "\\|");

function consentsSection(result: GateResult): string[] {
  const used = [...new Set(result.gated.flatMap((g) => g.consents))];
  if (used.length === 0 && result.unused.length === 0) return [];
  const lines = ["## Consents", ""];
  if (used.length > 0) {
    lines.push(`**Used (${used.length})**`, "", "| Stack | Target | By | Where |", "| --- | --- | --- | --- |");
    for (const c of used) lines.push(`| ${cell(code(c.stack))} | ${cell(code(c.target))} | ${cell(c.by)} | ${cell(c.source)} |`);
    lines.push("");
  }
  if (result.unused.length > 0) {
    lines.push(
      `**Given but not used (${result.unused.length})**: nothing in these plans matches them (another stack, or a target the plans do not change).`,
      "",
    );
    for (const c of result.unused) lines.push(`- ${code(consentLine(c.stack, c.target))} by ${givenBy(c)}`);
    lines.push("");
  }
  return lines;
}

/** The whole run: each plan's section in the order given, removed stacks, then the consents. */
export function renderRun(plans: ReadonlyArray<StackReview>, removedStacks: ReadonlyArray<string>, result: GateResult): string {
  return [
    "# Plan review",
    "",
    ...plans.map((p) => renderStack(p, result)),
    ...removedStacks.map((s) => renderRemovedStack(s, result)),
    ...toolingSection(result),
    ...consentsSection(result),
  ].join("\n");
}
