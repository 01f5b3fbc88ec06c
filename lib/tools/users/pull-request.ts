/**
 * `npm run sync-pr -- <env> [--summary <file.md>]`: after `npm run users -- sync`, opens or updates
 * the one pull request of an environment's sync, through GitHub's REST API only (no git push):
 *
 * - its branch is `connect-sso/sync/<env>`, one commit on top of the commit the sync ran on
 *   (GITHUB_SHA) that sets the environment file to what the sync wrote; a change of main since is
 *   merged by GitHub like any pull request's;
 * - no change (the file is the commit's): no pull request; an open one is closed, saying why;
 * - the same change as the open pull request's: its branch is not moved (no new checks, reviews
 *   stay), only its body (the summary) is updated;
 * - a new change: the branch is moved to a new commit and the pull request updated, or opened.
 *
 * Reads GITHUB_REPOSITORY (owner/name), GITHUB_SHA, GITHUB_TOKEN (one that may write contents and
 * pull requests: a pull request opened with the workflow's own token starts no workflow, so the
 * plan and gate would not run) and GITHUB_API_URL.
 *
 * Exit 0: done; 1: GitHub refused or failed (message names the request); 2: a bad command line.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { ENVIRONMENT_NAME, GITHUB_REPOSITORY } from "../../rules/naming";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "../pipeline/github";
import { asksForHelp, readCommandLine, type ToolIo, type ToolMain, type ToolOptions } from "../io";
import { formatProblem } from "../../config/problems";
import { environmentFile, FileProblems, placeOf, UnusableInput } from "./environment-file";

export const SYNC_PR_USAGE = [
  "usage: npm run sync-pr -- <env> [--summary <file.md>]",
  "Opens or updates the pull request of branch connect-sso/sync/<env> with environments/<env>.yaml as `npm run users -- sync` left it, on top of GITHUB_SHA; no change, no pull request.",
  "Needs GITHUB_REPOSITORY, GITHUB_SHA and GITHUB_TOKEN (contents and pull requests: write); GITHUB_API_URL for GitHub Enterprise.",
].join("\n");

/** The branch of an environment's sync pull request. */
export const syncBranch = (environment: string) => `connect-sso/sync/${environment}`;

/** Git's ID of a blob with these bytes (what GitHub answers as a file's `sha`). */
export const gitBlobSha = (bytes: Uint8Array): string => createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");

export interface SyncPullRequest {
  readonly repository: string;
  /** The commit the sync ran on: the parent of the new commit. */
  readonly baseSha: string;
  readonly environment: string;
  /** The environment file's path in the repository (forward slashes). */
  readonly filePath: string;
  readonly content: Uint8Array;
  /** The pull request's body. */
  readonly body: string;
}

export type SyncPullRequestResult =
  | { readonly action: "none" }
  | { readonly action: "closed"; readonly number: number }
  | { readonly action: "created" | "updated" | "body-updated"; readonly number: number; readonly commit?: string };

const FOOTER =
  "\n---\nOpened by the scheduled Identity Center sync (connect-sso.yml, `npm run users -- sync`). It updates this pull request while Identity Center and the environment file differ, and closes it when they agree. Review it like any change: the plan shows the users it creates or deletes.\n";

/** The fields of GitHub's answers the sync reads. */
type Sha = { readonly sha: string };
type Pull = { readonly number: number; readonly head?: { readonly ref?: string } };

/** Opens, updates or closes the environment's sync pull request; says what it did. */
export async function syncPullRequest(client: GitHubClient, input: SyncPullRequest): Promise<SyncPullRequestResult> {
  const repo = `/repos/${input.repository}`;
  const branch = syncBranch(input.environment);
  const [owner] = input.repository.split("/");
  const contentsPath = input.filePath.split("/").map(encodeURIComponent).join("/");
  const blobAt = async (ref: string) => ((await client.find(`${repo}/contents/${contentsPath}?ref=${encodeURIComponent(ref)}`)) as Sha | undefined)?.sha;
  const wanted = gitBlobSha(input.content);
  const defaultBranch = String(((await client.get(repo)) as { default_branch?: string }).default_branch);
  const open = (await client.getAll(`${repo}/pulls?state=open&head=${encodeURIComponent(`${owner}:${branch}`)}`)) as Pull[];
  const pull = open.find((p) => p.head?.ref === branch);
  const title = `Identity Center sync: ${input.environment}`;
  const body = `${input.body.trimEnd()}\n${FOOTER}`;

  if ((await blobAt(input.baseSha)) === wanted) {
    if (!pull) return { action: "none" };
    await client.post(`${repo}/issues/${pull.number}/comments`, {
      body: `Identity Center and \`${input.filePath}\` agree at ${input.baseSha}: nothing left to sync, closing.`,
    });
    await client.patch(`${repo}/pulls/${pull.number}`, { state: "closed" });
    return { action: "closed", number: pull.number };
  }

  // The branch name is the environment's ([a-z0-9-]) under connect-sso/sync/: nothing in it needs escaping.
  const branchRef = await client.find(`${repo}/git/ref/heads/${branch}`);
  // The open pull request already holds this change: leave its branch (and its checks and reviews) alone.
  if (pull && branchRef && (await blobAt(branch)) === wanted) {
    await client.patch(`${repo}/pulls/${pull.number}`, { title, body });
    return { action: "body-updated", number: pull.number };
  }

  const base = (await client.get(`${repo}/git/commits/${input.baseSha}`)) as { tree: Sha };
  const blob = (await client.post(`${repo}/git/blobs`, { content: Buffer.from(input.content).toString("base64"), encoding: "base64" })) as Sha;
  const tree = (await client.post(`${repo}/git/trees`, {
    base_tree: base.tree.sha,
    tree: [{ path: input.filePath, mode: "100644", type: "blob", sha: blob.sha }],
  })) as Sha;
  const commit = (await client.post(`${repo}/git/commits`, {
    message: `${title}\n\n${input.filePath} as npm run users -- sync read the environment's Identity Center groups.`,
    tree: tree.sha,
    parents: [input.baseSha],
  })) as Sha;
  if (branchRef) await client.patch(`${repo}/git/refs/heads/${branch}`, { sha: commit.sha, force: true });
  else await client.post(`${repo}/git/refs`, { ref: `refs/heads/${branch}`, sha: commit.sha });

  if (pull) {
    await client.patch(`${repo}/pulls/${pull.number}`, { title, body });
    return { action: "updated", number: pull.number, commit: commit.sha };
  }
  const created = (await client.post(`${repo}/pulls`, { title, head: branch, base: defaultBranch, body })) as Pull;
  return { action: "created", number: created.number, commit: commit.sha };
}

class UsageError extends Error {}

/** Runs `npm run sync-pr`; returns the exit code. */
export async function runSyncPullRequest(argv: ReadonlyArray<string>, variables: NodeJS.ProcessEnv, io: ToolIo, options: ToolOptions = {}): Promise<number> {
  if (asksForHelp(argv)) {
    io.out(SYNC_PR_USAGE + "\n");
    return 0;
  }
  const cwd = options.cwd ?? process.cwd();
  try {
    const { values, positionals } = readCommandLine([...argv], { summary: { type: "string" } }, (m) => new UsageError(m));
    if (positionals.length !== 1) throw new UsageError(`takes <env>; given ${positionals.length} argument(s)`);
    const [environment] = positionals;
    if (!ENVIRONMENT_NAME.test(environment)) throw new UsageError(`${JSON.stringify(environment)} is not an environment name`);
    const repository = variables.GITHUB_REPOSITORY ?? "";
    if (!GITHUB_REPOSITORY.test(repository)) throw new UsageError(`GITHUB_REPOSITORY ${JSON.stringify(repository)} is not owner/name`);
    const baseSha = variables.GITHUB_SHA ?? "";
    if (!/^[0-9a-f]{40}$/.test(baseSha)) throw new UsageError(`GITHUB_SHA ${JSON.stringify(baseSha)} is not a commit ID (40 hex digits)`);
    if (!variables.GITHUB_TOKEN) throw new UsageError("GITHUB_TOKEN is not set: the sync needs a token that may write contents and pull requests");
    const place = placeOf(variables, cwd, options.now ?? new Date());
    const file = environmentFile(environment, place);
    const filePath = path.relative(cwd, file).split(path.sep).join("/");
    if (filePath.startsWith("../") || path.isAbsolute(filePath)) throw new UsageError(`${file} is outside the repository's checkout (${cwd})`);
    const summary = values.summary === undefined ? `Identity Center sync of \`${filePath}\`.` : fs.readFileSync(path.resolve(cwd, values.summary), "utf8");
    const client = new GitHubClient(clientOptionsFromEnv(variables));
    const result = await syncPullRequest(client, { repository, baseSha, environment, filePath, content: fs.readFileSync(file), body: summary });
    io.err(
      result.action === "none"
        ? `sync-pr: ${filePath} is unchanged: no pull request`
        : `sync-pr: pull request #${result.number} ${result.action}${"commit" in result && result.commit ? ` (commit ${result.commit})` : ""}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnusableInput) {
      io.err(`sync-pr: ${error.message}`);
      if (error instanceof UsageError) io.err(SYNC_PR_USAGE);
      return 2;
    }
    if (error instanceof GitHubApiError || (error as NodeJS.ErrnoException).code === "ENOENT") {
      io.err(`sync-pr: ${(error as Error).message}`);
      return 1;
    }
    if (error instanceof FileProblems) {
      error.problems.forEach((p) => io.err(`sync-pr: ${formatProblem(p)}`));
      return 1;
    }
    throw error;
  }
}

/** `npm run sync-pr`'s entry (ToolMain). */
export const syncPullRequestMain: ToolMain = (argv, variables, io) => runSyncPullRequest(argv, variables, io);
