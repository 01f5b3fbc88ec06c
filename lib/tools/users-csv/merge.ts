/**
 * Merges users from a source (a CSV, the live instance, Identity Center) into an environment
 * file's text with the `yaml` library's document API: the one merge engine of `npm run users`.
 *
 * Rules: an incoming user updates the file's user of the same name (exactly, case included) and
 * new users are appended after the last one, in the source's order; users the source does not
 * name stay (or are dropped with `replace`). Of an updated user, only the fields whose value
 * changes are set, in place (so a scalar keeps its quoting and comment); a filled field sets its
 * value and an unfilled one is removed (its default applies), except the fields of
 * `keepWhenEmpty`, which stay as they are. A field outside `fields` is left alone.
 *
 * Formatting: the document is parsed with source ranges; only the text of changed, dropped and
 * new users is replaced, each rendered by the library from its node, so every other byte of the
 * file (comments, their alignment, blank lines, quoting) stays as it was.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, YAMLMap, YAMLSeq, type Node, type Scalar } from "yaml";
import type { UserEntry } from "../../config/schema";
import type { UserField } from "./columns";

/** The order of a new user's keys: that of the example in docs/environment-file.md. */
export const FIELD_ORDER: ReadonlyArray<UserField> = [
  "username",
  "firstName",
  "lastName",
  "securityProfiles",
  "routingProfile",
  "phoneType",
  "deskPhoneNumber",
  "secondaryEmail",
  "autoAccept",
  "afterContactWorkTimeLimit",
  "hierarchyGroup",
  "tags",
];

const RENDER = { flowCollectionPadding: false, lineWidth: 0 } as const;

export interface MergeInput {
  /** The environment file's text (already checked: `current` is what it holds). */
  readonly text: string;
  /** The file's users as the schema read them, in file order. */
  readonly current: ReadonlyArray<UserEntry>;
  readonly incoming: ReadonlyArray<IncomingUser>;
  /** Fields the source sets on the file's users (a CSV: those it has a column for). */
  readonly fields: ReadonlySet<UserField>;
  /** Fields an unfilled incoming value leaves as they are, instead of removing. */
  readonly keepWhenEmpty: ReadonlySet<UserField>;
  /** Drop users the source does not name. */
  readonly replace: boolean;
}

/** One user of the source. */
export interface IncomingUser {
  /** The user as the schema reads it (defaults applied). */
  readonly user: UserEntry;
  /** Fields the source gives a value: the others take their default (or are left out). */
  readonly filled: ReadonlySet<UserField>;
  /** Where the user is in the source (a CSV's row), to place later problems there. */
  readonly row?: number;
}

export interface MergeResult {
  readonly text: string;
  readonly added: number;
  readonly updated: number;
  readonly removed: number;
  /** Index in the new file's `users` of each incoming user that has a row, to place later problems on the row. */
  readonly rowOfIndex: ReadonlyMap<number, number>;
}

/** A field's value for comparing: tags in key order, so a reordered map is no change. */
const comparable = (value: unknown): string =>
  JSON.stringify(value !== null && typeof value === "object" && !Array.isArray(value) ? Object.fromEntries(Object.entries(value).sort()) : value);

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** The merged text; throws only on a document the loader accepted but this code cannot place (an internal error). */
export function mergeUsers(input: MergeInput): MergeResult {
  const byName = new Map(input.current.map((u, index) => [u.username, index]));
  const named = new Set(input.incoming.map((c) => c.user.username));
  const rowOfName = new Map(input.incoming.map((c) => [c.user.username, c.row]));
  const leftAsIs = (entry: IncomingUser, field: UserField) => input.keepWhenEmpty.has(field) && !entry.filled.has(field);
  const changed = (entry: IncomingUser, index: number) =>
    FIELD_ORDER.filter(
      (field) => input.fields.has(field) && !leftAsIs(entry, field) && comparable(input.current[index][field]) !== comparable(entry.user[field]),
    );
  // Parsing a large file with positions is the slow part: skip it when the source changes nothing (a re-import).
  const same =
    input.incoming.every((entry) => byName.has(entry.user.username) && changed(entry, byName.get(entry.user.username)!).length === 0) &&
    !(input.replace && input.current.some((u) => !named.has(u.username)));
  if (same) return { text: input.text, added: 0, updated: 0, removed: 0, rowOfIndex: new Map() };

  const doc = parseDocument(input.text);
  const seqNode = doc.get("users", true) as Node | undefined;
  const seq = isSeq(seqNode) ? seqNode : undefined;
  const edits: Edit[] = [];
  const rowOfIndex = new Map<number, number>();
  let updated = 0;
  const fresh: IncomingUser[] = [];

  for (const entry of input.incoming) {
    const index = byName.get(entry.user.username);
    if (index === undefined) {
      fresh.push(entry);
      continue;
    }
    const item = seq!.items[index] as YAMLMap;
    // Scalars that change in place are replaced alone (their comments and alignment stay); any other change re-renders the user.
    const scalarEdits: Edit[] = [];
    let structural = false;
    for (const field of changed(entry, index)) {
      const node = item.get(field, true);
      if (entry.filled.has(field) && isScalar(node) && !isCollection(entry.user[field])) {
        node.value = entry.user[field];
        const edit = replaceScalar(input.text, node);
        if (edit) scalarEdits.push(edit);
        else structural = true;
      } else {
        structural = true;
        if (!entry.filled.has(field)) item.delete(field);
        else item.set(field, doc.createNode(entry.user[field], { flow: styleOf(node) }));
      }
    }
    if (structural) edits.push(replaceItem(input.text, item));
    else edits.push(...scalarEdits);
    if (structural || scalarEdits.length > 0) updated++;
  }

  // Surviving users keep their places; new ones follow, in the source's order.
  let kept = 0;
  let removed = 0;
  input.current.forEach((u, index) => {
    if (input.replace && !named.has(u.username)) {
      removed++;
      edits.push({ ...itemSpan(input.text, seq!.items[index] as YAMLMap), text: "" });
      return;
    }
    const row = rowOfName.get(u.username);
    if (row !== undefined) rowOfIndex.set(kept, row);
    kept++;
  });
  fresh.forEach((entry, n) => {
    if (entry.row !== undefined) rowOfIndex.set(kept + n, entry.row);
  });
  if (fresh.length > 0) edits.push(...appendUsers(input.text, doc, seq, fresh));

  let text = input.text;
  for (const edit of edits.sort((a, b) => b.start - a.start)) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  return { text, added: fresh.length, updated, removed, rowOfIndex };
}

const isCollection = (value: unknown): boolean => value !== null && typeof value === "object";

/** The edit replacing a scalar's own text (not its comment), or undefined when it needs more than one line. */
function replaceScalar(text: string, node: Scalar): Edit | undefined {
  const copy = node.clone() as Scalar;
  copy.comment = undefined;
  copy.commentBefore = undefined;
  const rendered = new Document(copy).toString(RENDER).replace(/\n$/, "");
  const [start, end] = node.range!;
  return rendered.includes("\n") || text.slice(start, end).includes("\n") ? undefined : { start, end, text: rendered };
}

/** Whether a collection node is written in flow style (`[a, b]`); new lists are, like the examples'. */
function styleOf(node: unknown): boolean {
  return isSeq(node) || isMap(node) ? Boolean(node.flow) : true;
}

/** A new user as a node: keys in the order of docs/environment-file.md's example, only filled fields, lists and tags in flow style. */
function userNode(doc: Document, entry: IncomingUser): YAMLMap {
  const map = new YAMLMap();
  for (const field of FIELD_ORDER) {
    if (entry.filled.has(field)) map.set(field, doc.createNode(entry.user[field], { flow: true }));
  }
  return map;
}

/** The source text of a block sequence item: from the start of its `- ` line to the end of its node. */
function itemSpan(text: string, item: YAMLMap): { start: number; end: number; indent: string } {
  const [from, , to] = item.range!;
  const start = text.lastIndexOf("\n", from - 1) + 1;
  const lead = /^( *)- +$/.exec(text.slice(start, from));
  if (!lead || item.flow) throw new Error(`users item at offset ${from} is not a block mapping on its own "- " line`);
  return { start, end: to, indent: lead[1] };
}

/** Items rendered as block sequence entries at `indent`. */
function render(doc: Document, items: YAMLMap[], indent: string): string {
  const seq = new YAMLSeq();
  seq.items = items;
  const out = new Document(seq, { version: doc.directives?.yaml.version ?? "1.2" }).toString(RENDER);
  return out.replace(/^(?=.)/gm, indent);
}

function replaceItem(text: string, item: YAMLMap): Edit {
  const span = itemSpan(text, item);
  // The comment above the item's "- " line is outside the span: keep it there only.
  const copy = item.clone() as YAMLMap;
  copy.commentBefore = undefined;
  copy.spaceBefore = false;
  const rendered = render(new Document(), [copy], span.indent);
  return { start: span.start, end: span.end, text: text.slice(span.end - 1, span.end) === "\n" ? rendered : rendered.replace(/\n$/, "") };
}

function appendUsers(text: string, doc: Document, seq: YAMLSeq | undefined, fresh: ReadonlyArray<IncomingUser>): Edit[] {
  const nodes = fresh.map((entry) => userNode(doc, entry));
  if (seq && seq.items.length > 0) {
    const last = itemSpan(text, seq.items[seq.items.length - 1] as YAMLMap);
    const newline = text.slice(last.end - 1, last.end) === "\n" ? "" : "\n";
    return [{ start: last.end, end: last.end, text: newline + render(doc, nodes, last.indent) }];
  }
  const value = doc.get("users", true) as Node | undefined;
  const newline = text === "" || text.endsWith("\n") ? "" : "\n";
  if (!value?.range) return [{ start: text.length, end: text.length, text: `${newline}users:\n${render(doc, nodes, "  ")}` }];
  // `users: []` or `users:` with nothing: the empty value goes (a comment after it stays on that line), the list follows the line.
  const [from, to] = value.range;
  let start = from;
  while (start > 0 && text[start - 1] === " ") start--;
  const lineEnd = text.indexOf("\n", to);
  const after = lineEnd < 0 ? text.length : lineEnd + 1;
  return [
    { start: after, end: after, text: (lineEnd < 0 ? "\n" : "") + render(doc, nodes, "  ") },
    { start, end: to, text: "" },
  ];
}
