/**
 * Never apply the past: a run applies only the commit at the tip of the repository's default
 * branch, and only when that commit contains every commit already applied. Re-running an old run
 * (GitHub's "Re-run all jobs" re-uses its commit) would otherwise plan an older configuration
 * against newer state and undo what was applied since (a re-created user is a plain create).
 */
import { spawnSync } from "node:child_process";
import type { AppliedRecord } from "./applied";
import { PipelineInputError } from "./errors";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "./github";

/** Whether `ancestor` is in the history of `commit`; throws when git cannot tell (a commit missing from a shallow clone). */
function contains(commit: string, ancestor: string, cwd?: string): boolean {
  const result = spawnSync("git", ["merge-base", "--is-ancestor", ancestor, commit], { cwd, encoding: "utf8" });
  if (result.status === 0) return true;
  if (result.status === 1) return false;
  throw new PipelineInputError(
    `cannot tell whether ${commit.slice(0, 12)} contains the applied commit ${ancestor.slice(0, 12)} (${(result.stderr || result.error?.message || "git failed").trim()}): ` +
      "fetch the full history (fetch-depth: 0); nothing is applied while this is unknown",
  );
}

/** The commit at the tip of the repository's default branch, asked of GitHub. */
async function defaultBranchTip(variables: NodeJS.ProcessEnv): Promise<{ branch: string; sha: string }> {
  const repository = variables.GITHUB_REPOSITORY;
  if (!repository || !/^[\w.-]+\/[\w.-]+$/.test(repository))
    throw new PipelineInputError("GITHUB_REPOSITORY is not <owner>/<name>: the run cannot ask GitHub which commit is the tip of main, so it applies nothing");
  try {
    const client = new GitHubClient(clientOptionsFromEnv(variables));
    const repo = (await client.get(`/repos/${repository}`)) as { default_branch?: unknown };
    if (typeof repo.default_branch !== "string") throw new GitHubApiError(`/repos/${repository} names no default_branch`);
    const branch = (await client.get(`/repos/${repository}/branches/${encodeURIComponent(repo.default_branch)}`)) as { commit?: { sha?: unknown } };
    if (typeof branch.commit?.sha !== "string") throw new GitHubApiError(`the branch ${repo.default_branch} of ${repository} names no commit`);
    return { branch: repo.default_branch, sha: branch.commit.sha };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    throw new PipelineInputError(`cannot read the tip of the default branch (${error.message}); nothing is applied while it is unknown`);
  }
}

/**
 * Refuses (PipelineInputError, saying why) unless `commit` contains every applied record's commit
 * and, in GitHub Actions, is the tip of the default branch. Git runs in `cwd` (default: here).
 */
export async function refuseThePast(
  commit: string,
  records: ReadonlyArray<AppliedRecord | undefined>,
  variables: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<void> {
  for (const record of records) {
    if (record && !contains(commit, record.commit, cwd))
      throw new PipelineInputError(
        `${record.stack} was applied from ${record.commit.slice(0, 12)} (${record.appliedAt}), which ${commit.slice(0, 12)} does not contain: ` +
          "this run is older than what was applied (a re-run of an old run?), so it applies nothing; the newest run of main applies what is pending",
      );
  }
  if (variables.GITHUB_ACTIONS !== "true") return;
  const tip = await defaultBranchTip(variables);
  if (tip.sha !== commit)
    throw new PipelineInputError(
      `${commit.slice(0, 12)} is not the tip of ${tip.branch} (${tip.sha.slice(0, 12)} is): a run applies only the newest commit, so this one applies nothing; ` +
        `the run of ${tip.sha.slice(0, 12)} applies everything pending`,
    );
}
