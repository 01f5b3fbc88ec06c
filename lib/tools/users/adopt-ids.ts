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
  const doc = parseDocument(text);
  if (!isMap(doc.contents)) throw new Error("the environment file is not a mapping");
  const pair = doc.contents.items.find((p) => isScalar(p.key) && p.key.value === "adopt") as Pair<Node, Node | null> | undefined;

  if (!pair) {
    const adopt = new YAMLMap();
    adopt.set("userIds", userIdsNode(doc, undefined, ids));
    const block = render(adopt);
    return `${text}${text === "" || text.endsWith("\n") ? "" : "\n"}${block}`;
  }

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
  for (const [name, id] of ids) map.set(doc.createNode(name), doc.createNode(id));
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
