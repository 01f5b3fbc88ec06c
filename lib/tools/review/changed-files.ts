/**
 * The files a change brings, from git: what the gate reads to find changes to its own files.
 */
import { spawnSync } from "node:child_process";

/** A commit git cannot compare: the gate cannot tell what changed, so it refuses. */
export class ChangedFilesError extends Error {}

const COMMIT = /^([0-9a-f]{7,40}|HEAD)$/;

/**
 * Paths that differ between the trees of `since` and `head` (both names of a rename), read in
 * `cwd`. Throws ChangedFilesError when either is not a commit of this clone.
 */
export function changedFiles(since: string, head: string, cwd?: string): string[] {
  for (const [flag, sha] of [
    ["--since", since],
    ["head", head],
  ]) {
    if (!COMMIT.test(sha)) throw new ChangedFilesError(`${flag} ${JSON.stringify(sha)} is not a commit SHA (7 to 40 lower-case hex digits)`);
  }
  // Three dots: from where the two histories meet, so a base that moved on adds nothing.
  const diff = spawnSync("git", ["diff", "--name-only", "--no-renames", "-z", `${since}...${head}`, "--"], {
    cwd,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (diff.status !== 0)
    throw new ChangedFilesError(
      `cannot compare ${since.slice(0, 12)} with ${head.slice(0, 12)} (${(diff.stderr || diff.error?.message || "git failed").trim()}): ` +
        "the gate must know which of its own files the change brings; fetch the full history (fetch-depth: 0)",
    );
  return diff.stdout.split("\0").filter(Boolean);
}
