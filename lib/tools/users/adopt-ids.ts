/**
 * Sets `adopt.userIds` (user name → Connect user ID) in an environment file's text: the users the
 * next apply imports by ID instead of creating. Only the `adopt` block is rewritten (or added at
 * the end of the file); every other byte stays as it was. IDs already there are kept and updated.
 */
import { Document, isMap, isScalar, parseDocument, YAMLMap, type Node, type Pair } from "yaml";

const RENDER = { flowCollectionPadding: false, lineWidth: 0 } as const;

/** Written above a new `userIds`: why the lines are there and when they can go. */
const USER_IDS_COMMENT =
  " Connect users that exist already: the next apply imports them by their ID instead of creating them\n (npm run users -- import-live). Once that apply is done, these lines can be removed.";

/** The text with `adopt.userIds` holding `ids` (and the IDs it held for other users); the text itself when nothing changes. */
export function withAdoptedUserIds(text: string, ids: ReadonlyArray<readonly [string, string]>): string {
  if (ids.length === 0) return text;
  const block = adoptBlock(text);
  if (!block) {
    const adopt = new YAMLMap();
    adopt.set("userIds", userIdsNode(new Document(), undefined, ids));
    return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${render(adopt)}`;
  }
  return text.slice(0, block.start) + editedAdopt(text.slice(block.start, block.end), ids) + text.slice(block.end);
}

/**
 * Where the top-level `adopt:` block is: from its key's line to the next top-level line (a key or
 * a document marker), without the blank lines and column-0 comments before that one. Only this
 * part is parsed: parsing a whole file of 20,000 users takes the yaml library 10 s. A top-level key
 * starts at column 0, and nothing else of a block mapping does but comments and markers.
 */
function adoptBlock(text: string): { start: number; end: number } | undefined {
  const key = /^(?:adopt|"adopt"|'adopt')[ \t]*:/m.exec(text);
  if (!key) return undefined;
  const lineEnd = text.indexOf("\n", key.index);
  if (lineEnd < 0) return { start: key.index, end: text.length };
  const next = /^[^\s#]/m.exec(text.slice(lineEnd + 1));
  const lines = text.slice(key.index, next ? lineEnd + 1 + next.index : text.length).split(/(?<=\n)/);
  // Blank lines and column-0 comments just before the next key belong to it.
  while (lines.length > 1 && /^(?:[ \t]*|#.*)\n?$/.test(lines[lines.length - 1])) lines.pop();
  return { start: key.index, end: key.index + lines.join("").length };
}

/** `adopt:` and its block (top-level text) with the IDs set. */
function editedAdopt(text: string, ids: ReadonlyArray<readonly [string, string]>): string {
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) throw new Error("adopt is not a mapping");
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "adopt") as Pair<Node, Node | null> | undefined;
  if (!pair || doc.contents.items.length !== 1) throw new Error("the adopt block could not be told apart from the rest of the file");

  const value = pair.value;
  const empty = value === null || (isScalar(value) && value.value === null);
  if (!empty && !isMap(value)) throw new Error("adopt is not a mapping");
  const adopt = isMap(value) ? value : new YAMLMap();
  // A comment after an empty `adopt:` stays, at the top of the block.
  if (!isMap(value) && value?.comment) adopt.commentBefore = value.comment;
  const current = adopt.get("userIds", true) as Node | undefined;
  if (current !== undefined && current !== null && !isMap(current) && !(isScalar(current) && current.value === null))
    throw new Error("adopt.userIds is not a mapping");
  const next = userIdsNode(doc, isMap(current) ? current : undefined, ids);
  if (isMap(current) && sameEntries(current, next)) return text;
  adopt.set("userIds", next);
  // The whole `adopt:` block is rendered again, in block style (a flow map would put every ID on one line).
  adopt.flow = false;
  const start = (pair.key as Node).range![0];
  const end = value?.range ? value.range[2] : (pair.key as Node).range![2];
  const tail = text.slice(start, end).endsWith("\n") ? "" : "\n";
  const rendered = render(adopt);
  return text.slice(0, start) + (tail ? rendered.replace(/\n$/, "") : rendered) + text.slice(end);
}

/** `userIds` with the given IDs set over the current ones, in the current order, new names after them. */
function userIdsNode(doc: Document, current: YAMLMap | undefined, ids: ReadonlyArray<readonly [string, string]>): YAMLMap {
  const map = current ? (current.clone() as YAMLMap) : new YAMLMap();
  map.flow = false;
  // By index, not YAMLMap.set: set looks each key up through the list, 20,000 IDs took seconds.
  const at = new Map(map.items.map((pair, index) => [String(isScalar(pair.key) ? pair.key.value : pair.key), index]));
  for (const [name, id] of ids) {
    const index = at.get(name);
    if (index !== undefined) map.items[index].value = doc.createNode(id);
    else at.set(name, map.items.push(doc.createPair(name, id)) - 1);
  }
  if (!current) map.commentBefore = USER_IDS_COMMENT;
  return map;
}

function sameEntries(a: YAMLMap, b: YAMLMap): boolean {
  const entries = (m: YAMLMap) => JSON.stringify(m.toJSON());
  return entries(a) === entries(b);
}

/** `adopt:` and its block, as top-level text. */
function render(adopt: YAMLMap): string {
  const root = new YAMLMap();
  root.set("adopt", adopt);
  return new Document(root).toString(RENDER);
}
