/**
 * `npm run consents`: the consents a pull request's approving reviews give, as the JSON file
 * `npm run review -- --consents <file>` reads. Exit 0 (also with no consents), 2 on bad arguments or
 * when GitHub cannot be read.
 */
import * as fs from "node:fs";
import { parseArgs } from "node:util";
import { asksForHelp, type ToolMain } from "../io";
import type { Consent } from "../review/consent";
import {
  asCommitPeople,
  asCommitShas,
  asEdits,
  asPermission,
  asPullRequest,
  asPullRequests,
  asReviews,
  consentsOfPull,
  isForkPullRequest,
  WEB_FLOW,
  type Ignored,
  type PullRequest,
  type Review,
  type ReviewFacts,
} from "./consents";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "./github";

export const USAGE =
  "usage: npm run consents -- --repo <owner/name> --pr <number> [--head <sha>] [--out <file>]\n" +
  "       npm run consents -- --repo <owner/name> --commit <sha> [--commit <sha>]... [--out <file>]";

const REPO = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.+$)[A-Za-z0-9._-]{1,100}$/;
const COMMIT = /^[0-9a-f]{40}$/;

interface Request {
  readonly repo: string;
  readonly pr?: number;
  readonly head?: string;
  readonly commits: ReadonlyArray<string>;
  readonly out?: string;
}

/** The request the arguments make; throws an Error naming the flag, the value and what is allowed. */
function parseRequest(argv: string[]): Request {
  const { values } = parseArgs({
    args: argv,
    options: {
      repo: { type: "string" },
      pr: { type: "string" },
      head: { type: "string" },
      commit: { type: "string", multiple: true },
      out: { type: "string" },
    },
  });
  const { repo, pr, head, out } = values;
  const commits = values.commit ?? [];
  if (repo === undefined) throw new Error("--repo is required");
  if (!REPO.test(repo)) throw new Error(`--repo "${repo}" is not <owner>/<name> (letters, digits, - . _)`);
  if ((pr === undefined) === (commits.length === 0))
    throw new Error("give either --pr (a pull request's check) or --commit (the apply on main), not both, not neither");
  if (pr !== undefined && !/^[1-9]\d{0,9}$/.test(pr)) throw new Error(`--pr "${pr}" is not a pull request number`);
  if (head !== undefined && pr === undefined) throw new Error("--head goes with --pr: the commit the plan was made of");
  for (const [flag, sha] of [...commits.map((c) => ["--commit", c]), ["--head", head]]) {
    if (sha !== undefined && !COMMIT.test(sha)) throw new Error(`${flag} "${sha}" is not a commit SHA (40 lower-case hex digits)`);
  }
  if (out === "") throw new Error("--out needs a file name");
  return { repo, pr: pr === undefined ? undefined : Number(pr), head, commits, out };
}

/** The merged pull requests that brought each commit to the branch, each once; the others are noted. */
async function mergedPullsOf(client: GitHubClient, repo: string, commits: ReadonlyArray<string>, notes: Ignored[]): Promise<PullRequest[]> {
  const found = new Map<number, PullRequest>();
  for (const sha of commits) {
    const request = `/repos/${repo}/commits/${sha}/pulls`;
    let merged = 0;
    for (const pull of asPullRequests(await client.getAll(request), request)) {
      const what = `pull request #${pull.number} of commit ${sha.slice(0, 7)}`;
      if (pull.merged_at === null) {
        notes.push({ what, why: "it is not merged" });
        continue;
      }
      if (pull.merge_commit_sha !== sha) {
        const commitsRequest = `/repos/${repo}/pulls/${pull.number}/commits`;
        if (!asCommitShas(await client.getAll(commitsRequest), commitsRequest).includes(sha)) {
          notes.push({ what, why: "the commit is neither its merge commit nor one of its commits" });
          continue;
        }
      }
      merged++;
      found.set(pull.number, pull);
    }
    if (merged === 0) notes.push({ what: `commit ${sha.slice(0, 7)}`, why: "no merged pull request brought it: it carries no consent" });
  }
  return [...found.values()];
}

const EDITS_QUERY = `query($owner: String!, $name: String!, $number: Int!, $after: String) {
  repository(owner: $owner, name: $name) {
    pullRequest(number: $number) {
      reviews(first: 100, after: $after) { nodes { databaseId lastEditedAt } pageInfo { hasNextPage endCursor } }
    }
  }
}`;

/** Who changed the pull request, each approving reviewer's permission, and which reviews were edited (GraphQL; REST does not say). */
async function reviewFacts(client: GitHubClient, repo: string, pull: PullRequest, reviews: ReadonlyArray<Review>): Promise<ReviewFacts> {
  const approvers = new Set(reviews.filter((r) => r.state === "APPROVED" && r.user).map((r) => r.user!.login));
  // No approval, nothing can consent: nothing more to ask.
  if (approvers.size === 0) return { changedBy: new Set(), unattributed: [], permissions: new Map(), editedAt: new Map() };
  const commitsPath = `/repos/${repo}/pulls/${pull.number}/commits`;
  const changedBy = new Set<string>();
  const unattributed: string[] = [];
  for (const commit of asCommitPeople(await client.getAll(commitsPath), commitsPath)) {
    if (!commit.author || !commit.committer) unattributed.push(commit.sha);
    for (const who of [commit.author, commit.committer]) if (who && who.login !== WEB_FLOW) changedBy.add(who.login.toLowerCase());
  }
  const permissions = new Map<string, string>();
  for (const login of approvers) {
    const permissionPath = `/repos/${repo}/collaborators/${encodeURIComponent(login)}/permission`;
    permissions.set(login.toLowerCase(), asPermission(await client.get(permissionPath), permissionPath));
  }
  const editedAt = new Map<number, string | null>();
  const [owner, name] = repo.split("/");
  for (let after: string | null = null, page = 0; page < 100; page++) {
    const edits = asEdits(await client.graphql(EDITS_QUERY, { owner, name, number: pull.number, after }), `graphql reviews of #${pull.number}`);
    for (const node of edits.nodes) editedAt.set(node.databaseId, node.lastEditedAt);
    if (!edits.pageInfo.hasNextPage) break;
    after = edits.pageInfo.endCursor;
  }
  return { changedBy, unattributed, permissions, editedAt };
}

async function consentsOf(client: GitHubClient, request: Request, err: (text: string) => void): Promise<Consent[]> {
  const notes: Ignored[] = [];
  let pulls: PullRequest[];
  if (request.pr !== undefined) {
    const path = `/repos/${request.repo}/pulls/${request.pr}`;
    const pull = asPullRequest(await client.get(path), path);
    if (request.head !== undefined && request.head !== pull.head.sha) {
      throw new GitHubApiError(
        `pull request #${pull.number} is now at ${pull.head.sha}, not ${request.head} (--head): its reviews are of another commit than the plan; run again on the new head`,
      );
    }
    pulls = [pull];
  } else {
    pulls = await mergedPullsOf(client, request.repo, request.commits, notes);
  }
  const consents: Consent[] = [];
  for (const pull of pulls) {
    if (isForkPullRequest(pull))
      err(`consents: note: #${pull.number} comes from ${pull.head.repo ? `the fork ${pull.head.repo.full_name}` : "a fork that no longer exists"}`);
    const path = `/repos/${request.repo}/pulls/${pull.number}/reviews`;
    const reviews = asReviews(await client.getAll(path), path);
    const judged = consentsOfPull(pull, reviews, await reviewFacts(client, request.repo, pull, reviews));
    consents.push(...judged.consents);
    notes.push(...judged.ignored);
    err(`consents: #${pull.number} at ${pull.head.sha.slice(0, 7)}: ${judged.consents.length} consent(s)`);
  }
  for (const c of consents) err(`consents: counted: consent: ${c.stack} ${c.target} (by ${c.by}, ${c.source})`);
  for (const n of notes) err(`consents: ignored: ${n.what}: ${n.why}`);
  return consents;
}

/** Runs the command; never throws (every failure is a message and exit 2). */
export async function runConsents(argv: string[], env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): Promise<number> {
  if (asksForHelp(argv)) {
    out(`${USAGE}\n`);
    return 0;
  }
  let request: Request;
  try {
    request = parseRequest(argv);
  } catch (error) {
    err(`consents: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  let json: string;
  try {
    const consents = await consentsOf(new GitHubClient(clientOptionsFromEnv(env)), request, err);
    json = `${JSON.stringify({ consents }, null, 2)}\n`;
  } catch (error) {
    err(`consents: ${(error as Error).message}`);
    return 2;
  }
  if (request.out === undefined) {
    out(json);
    return 0;
  }
  try {
    fs.writeFileSync(request.out, json);
    return 0;
  } catch (error) {
    err(`consents: --out ${request.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return 2;
  }
}

/** `npm run consents`'s entry (ToolMain). */
export const consentsMain: ToolMain = (argv, variables, io) => runConsents(argv, variables, io.out, io.err);
