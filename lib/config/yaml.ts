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

/** Constructs js-yaml reads differently from YAML 1.2 core, or that need yaml's alias limit. */
const NEEDS_CAREFUL_READER = /[&*]|\d_|_\d|0b[01]|(?:^|[^\w.])[-+]?\.\d|^---|^\.\.\./m;

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
