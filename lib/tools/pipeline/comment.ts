/**
 * The review as a pull-request comment. GitHub refuses comments over 65,536 characters, so a longer
 * review is cut with a pointer to the job summary, which holds it whole.
 */
import type { GitHubClient } from "./github";

const COMMENT_LIMIT = 65_536;
const CUT = "\n\n_The review is longer than a comment may be: the rest is in the workflow run's job summary._\n";

function commentBody(markdown: string): string {
  return markdown.length <= COMMENT_LIMIT ? markdown : markdown.slice(0, COMMENT_LIMIT - CUT.length) + CUT;
}

/** Posts the review on pull request `pr` of `repository` (owner/name). */
export async function postReviewComment(client: GitHubClient, repository: string, pr: number, markdown: string): Promise<void> {
  await client.post(`/repos/${repository}/issues/${pr}/comments`, { body: commentBody(markdown) });
}
