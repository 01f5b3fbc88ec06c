/**
 * A fake of the few GitHub REST endpoints the pipeline calls, on 127.0.0.1, answering in the shape
 * of GitHub's API (v3): the repository (its default branch, "main"), a branch's tip commit, pull
 * requests, their reviews and commits (each authored and committed by the pull request's author),
 * a user's permission on the repository (write unless set), the reviews' edit times (GraphQL),
 * the pull requests of a commit, issue comments (recorded), and what the Identity Center sync writes:
 * git blobs, trees, commits and branch refs (a small object store; blob IDs are git's own), a
 * file's blob at a ref (contents API), and pull requests it opens, lists by head and updates.
 * Where it guesses: only the fields the pipeline reads are in each answer. Any other request answers 404 and is recorded as unknown, so a
 * test can fail loudly when the pipeline starts calling something the fake does not model.
 */
import { createHash } from "node:crypto";
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

/** A pull request opened through the API (the sync's). */
export interface OpenedPull {
  readonly number: number;
  readonly head: string;
  readonly base: string;
  title: string;
  body: string;
  state: "open" | "closed";
}

/** What the sync pushes: git objects by ID. */
export interface FakeGit {
  readonly blobs: Map<string, Buffer>;
  /** path → blob ID, by tree ID. */
  readonly trees: Map<string, Map<string, string>>;
  readonly commits: Map<string, { readonly tree: string; readonly parents: string[]; readonly message: string }>;
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
  readonly git: FakeGit;
  /** Pull requests opened through POST /pulls, oldest first. */
  readonly opened: OpenedPull[];
  /** Every request, as `METHOD path`, oldest first. */
  readonly requests: string[];
  /** A commit holding `files` (path → text), with `parent` when given; the branch, when given, points at it. Returns its ID. */
  commit(files: Readonly<Record<string, string>>, options?: { readonly branch?: string; readonly parent?: string }): string;
  /** A file's text at a branch or commit, or undefined. */
  fileAt(ref: string, filePath: string): string | undefined;
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
  const requests: string[] = [];
  const git: FakeGit = { blobs: new Map(), trees: new Map(), commits: new Map() };
  const opened: OpenedPull[] = [];
  const sha1 = (text: string | Buffer) => createHash("sha1").update(text).digest("hex");
  const putBlob = (bytes: Buffer) => {
    const id = createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
    git.blobs.set(id, bytes);
    return id;
  };
  // Guess: tree and commit IDs are hashes of their content in this fake's own form, not git's.
  const putTree = (entries: Map<string, string>) => {
    const id = sha1(JSON.stringify([...entries].sort()));
    git.trees.set(id, entries);
    return id;
  };
  const putCommit = (tree: string, parents: string[], message: string) => {
    const id = sha1(JSON.stringify({ tree, parents, message, n: git.commits.size }));
    git.commits.set(id, { tree, parents, message });
    return id;
  };
  /** The commit a ref names: a branch, or a commit ID. */
  const commitOf = (ref: string) => (git.commits.has(ref) ? ref : branches.get(ref));
  const blobAt = (ref: string, filePath: string) => {
    const commit = commitOf(ref);
    return commit === undefined ? undefined : git.trees.get(git.commits.get(commit)?.tree ?? "")?.get(filePath);
  };
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
      requests.push(`${req.method} ${url.pathname}`);
      let m: RegExpExecArray | null;
      const json = () => JSON.parse(body || "{}") as Record<string, any>;
      // A file's blob at a ref (the sync always names one); without a ref, contents are the doctor's settings answers below.
      if (req.method === "GET" && route && url.searchParams.has("ref") && (m = /^\/contents\/(.+)$/.exec(route))) {
        const filePath = m[1].split("/").map(decodeURIComponent).join("/");
        const blob = blobAt(url.searchParams.get("ref")!, filePath);
        return blob ? send(200, { type: "file", path: filePath, sha: blob }) : send(404, { message: "Not Found" });
      }
      if (req.method === "GET" && route && (m = /^\/git\/commits\/([0-9a-f]{40})$/.exec(route))) {
        const commit = git.commits.get(m[1]);
        return commit
          ? send(200, { sha: m[1], tree: { sha: commit.tree }, parents: commit.parents.map((sha) => ({ sha })), message: commit.message })
          : send(404, { message: "Not Found" });
      }
      if (req.method === "POST" && route === "/git/blobs") {
        const { content, encoding } = json();
        if (encoding !== "base64" || typeof content !== "string") return send(422, { message: "content and encoding base64 are required" });
        return send(201, { sha: putBlob(Buffer.from(content, "base64")) });
      }
      if (req.method === "POST" && route === "/git/trees") {
        const { base_tree: baseTree, tree } = json();
        const entries = new Map(git.trees.get(baseTree) ?? []);
        if (baseTree !== undefined && !git.trees.has(baseTree)) return send(422, { message: "base_tree is not a tree" });
        for (const entry of tree as Array<{ path: string; mode: string; type: string; sha: string }>) {
          if (entry.type !== "blob" || entry.mode !== "100644" || !git.blobs.has(entry.sha))
            return send(422, { message: `tree entry ${entry.path} is not a known blob` });
          entries.set(entry.path, entry.sha);
        }
        return send(201, { sha: putTree(entries) });
      }
      if (req.method === "POST" && route === "/git/commits") {
        const { message, tree, parents } = json();
        if (!git.trees.has(tree) || !(parents as string[]).every((p) => git.commits.has(p))) return send(422, { message: "tree or parent not found" });
        return send(201, { sha: putCommit(tree, parents, message) });
      }
      if (route && (m = /^\/git\/refs?\/heads\/(.+)$/.exec(route))) {
        const name = m[1];
        if (req.method === "GET" && route.startsWith("/git/ref/"))
          return branches.has(name)
            ? send(200, { ref: `refs/heads/${name}`, object: { sha: branches.get(name), type: "commit" } })
            : send(404, { message: "Not Found" });
        if (req.method === "PATCH" && route.startsWith("/git/refs/")) {
          const { sha, force } = json();
          if (!branches.has(name)) return send(422, { message: "Reference does not exist" });
          if (!git.commits.has(sha)) return send(422, { message: "Object does not exist" });
          // Guess: only forced updates are modelled (the sync always forces).
          if (force !== true) return send(422, { message: "Update is not a fast forward" });
          branches.set(name, sha);
          return send(200, { ref: `refs/heads/${name}`, object: { sha } });
        }
      }
      if (req.method === "POST" && route === "/git/refs") {
        const { ref, sha } = json();
        const name = String(ref).replace(/^refs\/heads\//, "");
        if (branches.has(name)) return send(422, { message: "Reference already exists" });
        if (!git.commits.has(sha)) return send(422, { message: "Object does not exist" });
        branches.set(name, sha);
        return send(201, { ref, object: { sha } });
      }
      if (req.method === "GET" && route === "/pulls") {
        const head = url.searchParams.get("head");
        const state = url.searchParams.get("state") ?? "open";
        const [owner] = repository.split("/");
        const found = opened.filter((p) => (state === "all" || p.state === state) && (!head || head === `${owner}:${p.head}`));
        return send(
          200,
          found.map((p) => ({
            number: p.number,
            state: p.state,
            title: p.title,
            body: p.body,
            head: { ref: p.head, sha: branches.get(p.head) },
            base: { ref: p.base },
          })),
        );
      }
      if (req.method === "POST" && route === "/pulls") {
        const { title, head, base: target, body: text } = json();
        if (!branches.has(head) || !branches.has(target)) return send(422, { message: "head or base branch not found" });
        if (opened.some((p) => p.head === head && p.state === "open")) return send(422, { message: `A pull request already exists for ${head}.` });
        const pull: OpenedPull = { number: 500 + opened.length, head, base: target, title, body: text, state: "open" };
        opened.push(pull);
        return send(201, { number: pull.number });
      }
      if (req.method === "PATCH" && route && (m = /^\/pulls\/(\d+)$/.exec(route))) {
        const pull = opened.find((p) => p.number === Number(m![1]));
        if (!pull) return send(404, { message: "Not Found" });
        const { title, body: text, state } = json();
        if (title !== undefined) pull.title = title;
        if (text !== undefined) pull.body = text;
        if (state !== undefined) pull.state = state;
        return send(200, { number: pull.number, state: pull.state });
      }
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
    git,
    opened,
    requests,
    commit: (files, options = {}) => {
      const parent = options.parent;
      const entries = new Map(parent ? git.trees.get(git.commits.get(parent)!.tree) : []);
      for (const [filePath, text] of Object.entries(files)) entries.set(filePath, putBlob(Buffer.from(text)));
      const id = putCommit(putTree(entries), parent ? [parent] : [], "seeded");
      if (options.branch) branches.set(options.branch, id);
      return id;
    },
    fileAt: (ref, filePath) => {
      const blob = blobAt(ref, filePath);
      return blob === undefined ? undefined : git.blobs.get(blob)!.toString("utf8");
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
