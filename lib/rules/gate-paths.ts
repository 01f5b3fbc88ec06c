/**
 * The files that make up the gate itself: the workflow, the tools that plan, read consents and
 * judge plans, everything they import, and what installs them. A change to any of these changes
 * how changes are judged, so the gate (run from the code before the change) treats it as a gated
 * change of its own: `consent: tooling <path>` from someone other than its authors.
 * CODEOWNERS covers the same paths (a test checks it).
 */

/**
 * Folders (ending in `/`) and files of the gate. `lib/` includes lib/devtools, which the gate never
 * runs: gating it too costs a consent line and keeps the list a plain prefix set.
 */
export const GATE_PATHS: ReadonlyArray<string> = [".github/", "lib/", "scripts/", "package.json", "package-lock.json", "tsconfig.json"];

/** The consent "stack" that names a change to the gate's own files. */
export const TOOLING = "tooling";

/** Whether a repository path (forward slashes, from the top) belongs to the gate. */
export function isGatePath(file: string): boolean {
  return GATE_PATHS.some((p) => (p.endsWith("/") ? file.startsWith(p) : file === p));
}
