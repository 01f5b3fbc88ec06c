/**
 * Configuration problems: what every check reports, and how a person reads it.
 */

import * as path from "node:path";

export type Severity = "error" | "warning";

export interface Problem {
  readonly severity: Severity;
  /** The file the problem is in, as the user would open it (relative to the working directory). */
  readonly file: string;
  /** 1-based line in that file, when known. */
  readonly line?: number;
  /** Field path such as `users[3].username`; empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
}

/** A path as shown in messages: relative inside the project, in full outside it. */
export function displayPath(cwd: string, file: string): string {
  const relative = path.relative(cwd, file);
  return !relative || relative.startsWith("..") ? path.resolve(file) : relative;
}

/** `users`, 3, `username` → `users[3].username`. */
export function fieldPath(segments: ReadonlyArray<PropertyKey>): string {
  return segments.map((segment, index) => (typeof segment === "number" ? `[${segment}]` : `${index === 0 ? "" : "."}${String(segment)}`)).join("");
}

/** One line per problem: `error: environments/prod.yaml:14: users[3].username: message`. */
export function formatProblem(problem: Problem): string {
  const where = problem.line ? `${problem.file}:${problem.line}` : problem.file;
  return `${problem.severity}: ${where}: ${problem.path ? `${problem.path}: ` : ""}${problem.message}`;
}

export function hasErrors(problems: ReadonlyArray<Problem>): boolean {
  return problems.some((p) => p.severity === "error");
}

/** Shows a value the user gave, short enough for one line. */
export function given(value: unknown): string {
  const shown = value === undefined ? "nothing" : JSON.stringify(value);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}
