/**
 * `npm run sync-pr`: the sync's one pull request per environment, through GitHub's REST API,
 * against the GitHub fake on loopback (support/github-fake.ts: git blobs, trees, commits, refs and
 * pull requests). New pull request; update of the open one; the same change again; no change.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gitBlobSha, runSyncPullRequest, syncBranch } from "../lib/tools/users/pull-request";
import { startGitHubFake, type GitHubFake } from "./support/github-fake";

const REPOSITORY = "acme/contact-center";
const FILE = "environments/dev.yaml";
const ORIGINAL = "account: x\nusers: []\n";
const SYNCED = "account: x\nusers:\n  - username: a@example.com\n";

let github: GitHubFake;
let work: string;
let main: string;

beforeEach(async () => {
  github = await startGitHubFake(REPOSITORY);
  main = github.commit({ [FILE]: ORIGINAL, "README.md": "# team\n" }, { branch: "main" });
  work = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-sync-pr-"));
  fs.mkdirSync(path.join(work, "environments"));
});
afterEach(async () => {
  await github.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** `npm run sync-pr -- dev --summary summary.md` in the checkout of `base`, the sync having written `text`. */
async function syncPr(text: string, base = main, summary = "### Identity Center sync: `dev`\n\n**Added (1)**\n") {
  fs.writeFileSync(path.join(work, FILE), text);
  fs.writeFileSync(path.join(work, "summary.md"), summary);
  const err: string[] = [];
  const code = await runSyncPullRequest(
    ["dev", "--summary", "summary.md"],
    { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY, GITHUB_SHA: base, GITHUB_TOKEN: "test-token" },
    { out: () => undefined, err: (l) => err.push(l) },
    { cwd: work },
  );
  return { code, err };
}

const writes = () => github.requests.filter((r) => !r.startsWith("GET "));

test("GIVEN a blob's bytes WHEN its ID is computed THEN it is git's (git hash-object)", () => {
  expect(gitBlobSha(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
});

test("GIVEN a sync that changed the file WHEN run THEN one commit on top of the run's commit is pushed to connect-sso/sync/dev and a pull request opened into main with the summary", async () => {
  const r = await syncPr(SYNCED);
  expect(r).toEqual({ code: 0, err: [expect.stringMatching(/^sync-pr: pull request #500 created \(commit [0-9a-f]{40}\)$/)] });
  const head = github.branches.get(syncBranch("dev"))!;
  expect(github.git.commits.get(head)!.parents).toEqual([main]);
  expect(github.fileAt(head, FILE)).toBe(SYNCED);
  expect(github.fileAt(head, "README.md")).toBe("# team\n");
  expect(github.branches.get("main")).toBe(main);
  expect(github.opened).toEqual([
    {
      number: 500,
      head: "connect-sso/sync/dev",
      base: "main",
      title: "Identity Center sync: dev",
      body: expect.stringContaining("**Added (1)**"),
      state: "open",
    },
  ]);
  expect(github.opened[0].body).toContain("Opened by the scheduled Identity Center sync");
  expect(github.unknown).toEqual([]);
});

test("GIVEN the open pull request WHEN a later sync changes the file again THEN its branch moves to one new commit on the later run's commit and the same pull request is updated", async () => {
  await syncPr(SYNCED);
  const later = github.commit({ "README.md": "# team, later\n" }, { branch: "main", parent: main });
  const again = "account: x\nusers:\n  - username: a@example.com\n  - username: b@example.com\n";
  const r = await syncPr(again, later, "### Identity Center sync: `dev`\n\n**Added (2)**\n");
  expect(r).toEqual({ code: 0, err: [expect.stringMatching(/^sync-pr: pull request #500 updated \(commit [0-9a-f]{40}\)$/)] });
  const head = github.branches.get(syncBranch("dev"))!;
  expect(github.git.commits.get(head)!.parents).toEqual([later]);
  expect(github.fileAt(head, FILE)).toBe(again);
  expect(github.opened).toHaveLength(1);
  expect(github.opened[0].body).toContain("**Added (2)**");
  expect(github.unknown).toEqual([]);
});

test("GIVEN the open pull request WHEN the same change is synced again THEN its branch is not moved (its checks and reviews stay), only its body is updated", async () => {
  await syncPr(SYNCED);
  const head = github.branches.get(syncBranch("dev"));
  github.requests.length = 0;
  const r = await syncPr(SYNCED, main, "### Identity Center sync: `dev`\n\nsame, read again\n");
  expect(r).toEqual({ code: 0, err: ["sync-pr: pull request #500 body-updated"] });
  expect(github.branches.get(syncBranch("dev"))).toBe(head);
  expect(writes()).toEqual([`PATCH /repos/${REPOSITORY}/pulls/500`]);
  expect(github.opened[0].body).toContain("same, read again");
});

test("GIVEN a sync that changed nothing WHEN run THEN no pull request and nothing written; an open one is closed saying why", async () => {
  const none = await syncPr(ORIGINAL);
  expect(none).toEqual({ code: 0, err: ["sync-pr: environments/dev.yaml is unchanged: no pull request"] });
  expect(writes()).toEqual([]);
  expect(github.opened).toEqual([]);

  await syncPr(SYNCED);
  // Someone merged the change; the next run finds the file as Identity Center says.
  const merged = github.commit({ [FILE]: SYNCED }, { branch: "main", parent: main });
  const closed = await syncPr(SYNCED, merged);
  expect(closed).toEqual({ code: 0, err: ["sync-pr: pull request #500 closed"] });
  expect(github.opened[0].state).toBe("closed");
  expect(github.comments.get(500)).toEqual([
    expect.stringMatching(/^Identity Center and `environments\/dev\.yaml` agree at [0-9a-f]{40}: nothing left to sync, closing\.$/),
  ]);
});

test("GIVEN bad input or a GitHub that refuses WHEN run THEN the message says what, exit 2 (command line) or 1 (GitHub), and nothing is written", async () => {
  fs.writeFileSync(path.join(work, FILE), SYNCED);
  const run = async (argv: string[], variables: NodeJS.ProcessEnv) => {
    const err: string[] = [];
    const code = await runSyncPullRequest(argv, variables, { out: () => undefined, err: (l) => err.push(l) }, { cwd: work });
    return { code, first: err[0] };
  };
  const ok = { GITHUB_API_URL: github.url, GITHUB_REPOSITORY: REPOSITORY, GITHUB_SHA: main, GITHUB_TOKEN: "t" };
  expect(await run(["dev"], { ...ok, GITHUB_TOKEN: "" })).toEqual({ code: 2, first: expect.stringContaining("GITHUB_TOKEN is not set") });
  expect(await run(["dev"], { ...ok, GITHUB_SHA: "main" })).toEqual({ code: 2, first: expect.stringContaining('GITHUB_SHA "main" is not a commit ID') });
  expect(await run(["dev"], { ...ok, GITHUB_REPOSITORY: "acme" })).toEqual({
    code: 2,
    first: expect.stringContaining('GITHUB_REPOSITORY "acme" is not owner/name'),
  });
  expect(await run(["Dev"], ok)).toEqual({ code: 2, first: expect.stringContaining('"Dev" is not an environment name') });
  expect(await run(["prod"], ok)).toEqual({ code: 2, first: 'sync-pr: unknown environment "prod": environments has dev' });
  expect(await run(["dev"], { ...ok, GITHUB_SHA: "0".repeat(40) })).toEqual({
    code: 1,
    first: expect.stringMatching(/^sync-pr: GET \/repos\/acme\/contact-center\/git\/commits\/0{40}: HTTP 404/),
  });
  expect(github.opened).toEqual([]);
  expect(github.branches.has(syncBranch("dev"))).toBe(false);
});
