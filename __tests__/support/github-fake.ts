/**
 * A fake of the few GitHub REST endpoints the pipeline calls, on 127.0.0.1, answering in the shape
 * of GitHub's API (v3): the repository (its default branch, "main"), a branch's tip commit, pull
 * requests, their reviews and commits (each authored and committed by the pull request's author),
 * a user's permission on the repository (write unless set), the reviews' edit times (GraphQL),
 * the pull requests of a commit, and issue comments (recorded).
 * Where it guesses: only the fields the pipeline reads are in each answer. Any other request answers 404 and is recorded as unknown, so a
 * test can fail loudly when the pipeline starts calling something the fake does not model.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeUser {
  readonly login: string;
  readonly id: number;
}

export interface FakeReview {
  readonly user: FakeUser;
  readonly state: "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED" | "DISMISSED";
  readonly body: string;
  readonly commitId: string;
  readonly authorAssociation?: "OWNER" | "MEMBER" | "COLLABORATOR" | "CONTRIBUTOR" | "NONE";
  /** The reviewer's account type (User unless set). */
  readonly userType?: "User" | "Bot";
  /** When the body was last edited after submission (GraphQL lastEditedAt); never when unset. */
  readonly editedAt?: string;
}

export interface FakePull {
  readonly number: number;
  readonly author: FakeUser;
  headSha: string;
  baseSha: string;
  /** Commits of the branch, oldest first. */
  commits: string[];
  /** Who committed (pushed) them, when not the author (a teammate pushing onto the branch). */
  committer?: FakeUser;
  mergeCommitSha?: string;
  readonly reviews: FakeReview[];
}

export interface GitHubFake {
  readonly url: string;
  readonly repository: string;
  readonly pulls: Map<number, FakePull>;
  /** Bodies posted as issue comments, by pull request number. */
  readonly comments: Map<number, string[]>;
  /** Tip commit of each branch (`GET /repos/{repo}/branches/{name}`); the default branch is main. */
  readonly branches: Map<string, string>;
  /** Permission on the repository by login (`GET /repos/{repo}/collaborators/{login}/permission`); write when unset. */
  readonly permissions: Map<string, string>;
  /** Settings answers by path below the repository (`/branches/main/protection`, `/environments/prod`, …); a path not here answers 404. */
  readonly settings: Map<string, unknown>;
  /** Requests the fake does not model. */
  readonly unknown: string[];
  stop(): Promise<void>;
}

const iso = (n: number) => new Date(Date.UTC(2026, 10, 28, 12, 0, n)).toISOString();

function pullJson(repository: string, pull: FakePull): Record<string, unknown> {
  return {
    number: pull.number,
    state: pull.mergeCommitSha ? "closed" : "open",
    user: { ...pull.author, type: "User" },
    head: { sha: pull.headSha, ref: `change-${pull.number}`, repo: { full_name: repository } },
    base: { sha: pull.baseSha, ref: "main", repo: { full_name: repository } },
    merged_at: pull.mergeCommitSha ? iso(pull.number) : null,
    merge_commit_sha: pull.mergeCommitSha ?? null,
  };
}

export async function startGitHubFake(repository: string): Promise<GitHubFake> {
  const pulls = new Map<number, FakePull>();
  const comments = new Map<number, string[]>();
  const branches = new Map<string, string>();
  const permissions = new Map<string, string>();
  const settings = new Map<string, unknown>();
  /** Settings paths the doctor reads: unset, they answer 404 as GitHub does (not protected, no customization, no such environment). */
  const SETTINGS_PATH =
    /^\/(rules\/branches\/[^/]+|rulesets\/\d+|branches\/[^/]+\/protection|environments\/[^/]+(\/deployment-branch-policies)?|actions\/oidc\/customization\/sub|actions\/permissions\/workflow|contents\/\.github\/CODEOWNERS|codeowners\/errors)$/;
  const unknown: string[] = [];
  const reviewId = (pull: FakePull, i: number) => 1000 + pull.number * 100 + i;
  const base = `/repos/${repository}`;

  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const send = (status: number, value: unknown) => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(value));
      };
      const route = url.pathname.startsWith(base) ? url.pathname.slice(base.length) : undefined;
      let m: RegExpExecArray | null;
      if (req.method === "GET" && route && (m = /^\/pulls\/(\d+)(\/reviews|\/commits)?$/.exec(route))) {
        const pull = pulls.get(Number(m[1]));
        if (!pull) return send(404, { message: "Not Found" });
        if (!m[2]) return send(200, pullJson(repository, pull));
        if (m[2] === "/commits") {
          const author = { ...pull.author, type: "User" };
          const committer = pull.committer ? { ...pull.committer, type: "User" } : author;
          return send(
            200,
            pull.commits.map((sha) => ({ sha, author, committer })),
          );
        }
        return send(
          200,
          pull.reviews.map((r, i) => ({
            id: reviewId(pull, i),
            user: { ...r.user, type: r.userType ?? "User" },
            body: r.body,
            state: r.state,
            commit_id: r.commitId,
            author_association: r.authorAssociation ?? "COLLABORATOR",
            submitted_at: iso(i),
          })),
        );
      }
      if (req.method === "GET" && route === "") return send(200, { full_name: repository, default_branch: "main" });
      if (req.method === "GET" && route && SETTINGS_PATH.test(route))
        return settings.has(route) ? send(200, settings.get(route)) : send(404, { message: "Not Found" });
      if (req.method === "GET" && route && (m = /^\/collaborators\/([^/]+)\/permission$/.exec(route))) {
        const login = decodeURIComponent(m[1]);
        return send(200, { permission: permissions.get(login) ?? "write", user: { login, type: "User" } });
      }
      if (req.method === "POST" && url.pathname === "/graphql") {
        const { variables } = JSON.parse(body) as { variables: { owner: string; name: string; number: number } };
        const pull = `${variables.owner}/${variables.name}` === repository ? pulls.get(variables.number) : undefined;
        if (!pull) return send(200, { data: null, errors: [{ message: "Could not resolve to a PullRequest" }] });
        const nodes = pull.reviews.map((r, i) => ({ databaseId: reviewId(pull, i), lastEditedAt: r.editedAt ?? null }));
        return send(200, { data: { repository: { pullRequest: { reviews: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } } } } });
      }
      if (req.method === "GET" && route && (m = /^\/branches\/([^/]+)$/.exec(route))) {
        const sha = branches.get(decodeURIComponent(m[1]));
        return sha ? send(200, { name: decodeURIComponent(m[1]), commit: { sha } }) : send(404, { message: "Branch not found" });
      }
      if (req.method === "GET" && route && (m = /^\/commits\/([0-9a-f]{40})\/pulls$/.exec(route))) {
        const sha = m[1];
        return send(
          200,
          [...pulls.values()].filter((p) => p.mergeCommitSha === sha || p.commits.includes(sha)).map((p) => pullJson(repository, p)),
        );
      }
      if (req.method === "POST" && route && (m = /^\/issues\/(\d+)\/comments$/.exec(route))) {
        const list = comments.get(Number(m[1])) ?? [];
        list.push((JSON.parse(body) as { body: string }).body);
        comments.set(Number(m[1]), list);
        return send(201, { id: list.length });
      }
      unknown.push(`${req.method} ${url.pathname}`);
      send(404, { message: "Not Found (not modelled by the fake)" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    repository,
    pulls,
    comments,
    branches,
    permissions,
    settings,
    unknown,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
