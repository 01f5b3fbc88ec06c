/**
 * Reads environment-file YAML (1.2 core schema). Two readers of one format, for speed:
 *
 * - `fastParse` (js-yaml) takes about a tenth of the time on a 5,000-user file, but knows no
 *   source positions and has no alias limit, so it only takes text with no anchor, alias or
 *   number form on which the two readers could disagree; anything else returns undefined.
 * - `parseWithPositions` (yaml) gives line numbers for messages and refuses runaway aliases;
 *   the loader falls back to it whenever the fast result has any problem.
 */
import { CORE_SCHEMA, load } from "js-yaml";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { Refusal } from "./metadata";

/**
 * Constructs js-yaml reads differently from YAML 1.2 core, or that need yaml's alias limit. A `0b`
 * inside a word (a UUID's `…-0b1f…`, as Connect user IDs have) starts no number: only one at a
 * scalar's start, or after its sign, does.
 */
const NEEDS_CAREFUL_READER = /[&*]|\d_|_\d|(?<!\w|\w-)0b[01]|(?:^|[^\w.])[-+]?\.\d|^---|^\.\.\./m;

/** The data of a file, or undefined when the careful reader must decide. */
export function fastParse(text: string): { readonly value: unknown } | undefined {
  if (NEEDS_CAREFUL_READER.test(text)) return undefined;
  try {
    return { value: load(text, { schema: CORE_SCHEMA }) };
  } catch {
    return undefined;
  }
}

export interface PositionedYaml {
  readonly doc: Document;
  /** 1-based line of a character offset. */
  readonly lineOf: (offset: number | undefined) => number | undefined;
  readonly errors: ReadonlyArray<{ readonly message: string; readonly line?: number; readonly column?: number }>;
  /** The data, or the reason it cannot be built (an unknown or runaway alias). */
  readonly value: { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly reason: string };
}

export function parseWithPositions(text: string): PositionedYaml {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const errors = doc.errors.map((e) => ({
    message: e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, ""),
    line: e.linePos?.[0].line,
    column: e.linePos?.[0].col,
  }));
  let value: PositionedYaml["value"];
  try {
    value = errors.length ? { ok: false, reason: "" } : { ok: true, data: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    // Aliases are resolved here, not by the parser: an unknown or runaway alias throws.
    value = { ok: false, reason: (error as Error).message };
  }
  return { doc, lineOf: (offset) => (offset === undefined ? undefined : lines.linePos(offset).line), errors, value };
}

/**
 * A file's bytes as UTF-8 text without a byte-order mark, or why they are refused: the first line
 * holding a byte sequence that is not UTF-8 (a file saved as UTF-16 is named as such).
 */
export function decodeUtf8(bytes: Uint8Array): string | Refusal {
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) return { refused: "is UTF-16 (it starts with a UTF-16 byte-order mark); allowed: UTF-8, with or without a byte-order mark: save it as UTF-8" };
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    // A line feed byte is never part of a multi-byte UTF-8 sequence, so lines can be checked one by one.
    let line = 1;
    for (let start = 0; start <= bytes.length; line++) {
      const end = bytes.indexOf(0x0a, start) < 0 ? bytes.length : bytes.indexOf(0x0a, start);
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(start, end));
      } catch {
        break;
      }
      start = end + 1;
    }
    return {
      refused: `is not valid UTF-8 (line ${line} holds a byte sequence that is not UTF-8); allowed: UTF-8 text, with or without a byte-order mark: save it as UTF-8`,
    };
  }
}
