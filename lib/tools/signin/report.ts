/**
 * One line per check: ✓ and what was found, or ✗, what is wrong, the doc's troubleshooting row it
 * matches, and the fix in the console or the environment file.
 */
import { describeRow, type DocRow } from "./troubleshooting";

export interface Finding {
  /** What was checked, as the report labels it (`Recipient`, `RoleSessionName`, a user name ...). */
  readonly check: string;
  readonly ok: boolean;
  /** What was found, or what is wrong; values as given, quoted. */
  readonly message: string;
  /** The doc's troubleshooting row a failure matches. */
  readonly docRow?: DocRow;
  /** What to change, in the console or the environment file. */
  readonly fix?: string;
}

export function pass(check: string, message: string): Finding {
  return { check, ok: true, message };
}

export function fail(check: string, message: string, fix: string, docRow?: DocRow): Finding {
  return { check, ok: false, message, fix, ...(docRow ? { docRow } : {}) };
}

/** `  ✓ check: message` or `  ✗ check: message; doc row "…" (…); fix: …` (always one line). */
export function findingLine(f: Finding): string {
  const parts = [`${f.check}: ${f.message}`];
  if (!f.ok && f.docRow) parts.push(describeRow(f.docRow));
  if (!f.ok && f.fix) parts.push(`fix: ${f.fix}`);
  return `  ${f.ok ? "✓" : "✗"} ${parts.join("; ").replace(/\s*\n\s*/g, " ")}`;
}

/** A titled block of findings. */
export interface Section {
  readonly title: string;
  readonly findings: ReadonlyArray<Finding>;
  /** Lines shown under the title before the findings (what was evaluated, and how). */
  readonly notes?: ReadonlyArray<string>;
}

export function renderSections(sections: ReadonlyArray<Section>): string[] {
  return sections.flatMap((s) => ["", s.title, ...(s.notes ?? []).map((n) => `  ${n}`), ...s.findings.map(findingLine)]);
}

/** A quoted value for a message: the user's text stays literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
