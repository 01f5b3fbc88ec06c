/**
 * Consent from approving reviews (lib/tools/pipeline/consents.ts, lib/tools/pipeline/github.ts,
 * `npm run consents`), read from RECORDED GitHub REST API (v3) answers.
 *
 * __tests__/fixtures/github/ holds the answers of a fictional repository, acme/contact-center, in
 * the exact shape api.github.com gives them (every field of a pull request, the pull requests of a
 * commit, a pull request's commits and reviews, errors); they are written by hand, since nothing
 * here may reach GitHub. A small server on 127.0.0.1 replays them under /api/v3 (GitHub
 * Enterprise's API root, so a path prefix is exercised too) with the status, Link and Location
 * headers GitHub sends. Review pages are cut smaller than per_page=100 to stay readable.
 *
 * The recorded story: #45 (open, by dana-dev) removes a prod user and renames the role. Its reviews,
 * over two pages: dana-dev approves her own change; frank-sec approved an older commit; grace-lead
 * (OWNER) approves, then requests changes on page 2; henry-ext (CONTRIBUTOR) and ivy-guest (NONE)
 * approve; judy-qa only comments; erin-ops approves with two consent lines and five more hidden in an
 * HTML comment, code blocks, inline code and a blockquote, then comments; mike-sre's approval was
 * dismissed; karl-admin approves on page 2 with one good and one malformed line. #44 was merged
 * (merge commit); #43 was merged earlier; #46's reviews answer 500; #47 comes from a fork.
 */

import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { consentLine, readConsentsFile, type Consent } from "../lib/tools/review/consent";
import {
  consentsOfPull as judge,
  countingLines,
  isForkPullRequest,
  parseConsentLine,
  type PullRequest,
  type Review,
  type ReviewFacts,
} from "../lib/tools/pipeline/consents";
import { runConsents } from "../lib/tools/pipeline/consents-cli";
import { GitHubApiError, GitHubClient, nextLink } from "../lib/tools/pipeline/github";
import { makeTempDir, removeTempDir } from "./support/terraform";

const REPO_ROOT = path.join(__dirname, "..");
const FIXTURES = path.join(__dirname, "fixtures", "github");
const fixture = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as T;

/** Commits named in the recordings. */
const SHA = {
  head45: "a894001a3b7100c5bf8d3e2eb7efe6b1a4749c6a",
  older45: "5259b90401bb1e2db179055c2480d5851e97d61e",
  first44: "f0e09bf6ba9da659acbc5daf32443ae88a6ff379",
  merge44: "8cc37abe1be8a3aa24ff6a140126403ff4d57b96",
  unrelated: "48ea5142a50b82c16852dc3668558109cd74e4c1",
  directPush: "b62cdace298a7415c0b20286a416dddad6e49afb",
};
const TOKEN = "ghs_RecordedTestToken0000000000000000000";
const PREFIX = "/api/v3";

/** Each approving reviewer's permission on the repository, as GitHub answers it. */
const PERMISSIONS: Record<string, string> = {
  "dana-dev": "write",
  "frank-sec": "write",
  "grace-lead": "admin",
  "henry-ext": "read",
  "ivy-guest": "none",
  "erin-ops": "write",
  "karl-admin": "admin",
  "lena-sre": "write",
  "release-bot[bot]": "write",
  "olga-ops": "write",
  "pat-read": "read",
};

/** One recorded answer: status, body file (none: empty body), the Link header's next page, a redirect's Location. */
interface Recorded {
  readonly status: number;
  readonly file?: string;
  readonly next?: string;
  readonly location?: string;
}
const R = "/repos/acme/contact-center";
const RECORDED: Record<string, Recorded> = {
  [`${R}/pulls/45`]: { status: 200, file: "pulls-45.json" },
  [`${R}/pulls/45/reviews?per_page=100`]: {
    status: 200,
    file: "pulls-45-reviews-page-1.json",
    next: "/repositories/712345678/pulls/45/reviews?per_page=100&page=2",
  },
  ["/repositories/712345678/pulls/45/reviews?per_page=100&page=2"]: { status: 200, file: "pulls-45-reviews-page-2.json" },
  [`${R}/pulls/46`]: { status: 200, file: "pulls-46.json" },
  [`${R}/pulls/46/reviews?per_page=100`]: { status: 500 },
  [`${R}/pulls/47`]: { status: 200, file: "pulls-47.json" },
  [`${R}/pulls/47/reviews?per_page=100`]: { status: 200, file: "pulls-47-reviews.json" },
  [`${R}/pulls/999`]: { status: 404, file: "pulls-999-not-found.json" },
  [`${R}/pulls/52`]: { status: 301, file: "pulls-52-moved.json", location: "/repositories/712345678/pulls/52" },
  [`${R}/commits/${SHA.merge44}/pulls?per_page=100`]: { status: 200, file: "commits-merge-44-pulls.json" },
  [`${R}/commits/${SHA.first44}/pulls?per_page=100`]: { status: 200, file: "commits-first-44-pulls.json" },
  [`${R}/commits/${SHA.directPush}/pulls?per_page=100`]: { status: 200, file: "commits-direct-push-pulls.json" },
  [`${R}/commits/${SHA.unrelated}/pulls?per_page=100`]: { status: 200, file: "commits-unrelated-pulls.json" },
  [`${R}/pulls/44/commits?per_page=100`]: { status: 200, file: "pulls-44-commits.json" },
  [`${R}/pulls/43/commits?per_page=100`]: { status: 200, file: "pulls-43-commits.json" },
  [`${R}/pulls/44/reviews?per_page=100`]: { status: 200, file: "pulls-44-reviews.json" },
  [`${R}/pulls/45/commits?per_page=100`]: { status: 200, file: "pulls-45-commits.json" },
  ...Object.fromEntries(
    Object.entries(PERMISSIONS).map(([login, permission]) => [
      `${R}/collaborators/${encodeURIComponent(login)}/permission`,
      { status: 200, file: `permission-${permission}.json` },
    ]),
  ),
  // Not recordings: a pull request answered with a list, and a next page on another host.
  [`${R}/pulls/50`]: { status: 200, file: "pulls-45-reviews-page-2.json" },
  [`${R}/pulls/51/reviews?per_page=100`]: { status: 200, file: "pulls-47-reviews.json", next: "https://elsewhere.example/api/v3/x?page=2" },
};

interface Seen {
  readonly url: string;
  readonly authorization?: string;
  readonly accept?: string;
  readonly apiVersion?: string;
}

let server: http.Server;
let apiUrl: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = req.url?.startsWith(PREFIX) ? req.url.slice(PREFIX.length) : (req.url ?? "");
    seen.push({
      url,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
      apiVersion: req.headers["x-github-api-version"] as string | undefined,
    });
    if (req.method === "POST" && req.url === "/api/graphql") {
      // GraphQL beside GitHub Enterprise's /api/v3: the reviews' edit times of the pull request asked for.
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const number = (JSON.parse(body) as { variables: { number: number } }).variables.number;
        const file = path.join(FIXTURES, `graphql-reviews-${number}.json`);
        res.writeHead(fs.existsSync(file) ? 200 : 404, { "Content-Type": "application/json; charset=utf-8" });
        res.end(fs.existsSync(file) ? fs.readFileSync(file) : JSON.stringify({ message: "Not Found" }));
      });
      return;
    }
    const answer = req.url?.startsWith(PREFIX) && req.method === "GET" ? RECORDED[url] : undefined;
    if (!answer) {
      res.writeHead(404, { "Content-Type": "application/json; charset=utf-8" });
      res.end(JSON.stringify({ message: `Not Found (no recording of ${req.method} ${req.url})` }));
      return;
    }
    const headers: http.OutgoingHttpHeaders = { "Content-Type": "application/json; charset=utf-8" };
    if (answer.location) headers.Location = `${apiUrl}${answer.location}`;
    if (answer.next)
      headers.Link = `<${new URL(answer.next.startsWith("/") ? `${apiUrl}${answer.next}` : answer.next).href}>; rel="next", <${apiUrl}/repositories/712345678/last>; rel="last"`;
    res.writeHead(answer.status, headers);
    res.end(answer.file ? fs.readFileSync(path.join(FIXTURES, answer.file)) : "");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (seen.length = 0));

/** `npm run consents` in this process, against the replaying server. */
async function consents(argv: string[], env: NodeJS.ProcessEnv = { GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN }) {
  let out = "";
  const err: string[] = [];
  const code = await runConsents(
    argv,
    env,
    (t) => (out += t),
    (t) => err.push(t),
  );
  return { code, out, err: err.join("\n") };
}
const given = (out: string) => (JSON.parse(out) as { consents: Consent[] }).consents;

// ---------------------------------------------------------------------------------------------

describe("which text of a review's Markdown counts", () => {
  test("GIVEN consent lines in a heading, a paragraph, a list item and a nested list item THEN each counts, e-mail autolinks and escapes as typed", () => {
    const md =
      "# consent: connect-sso-dev a@example.com\r\n\r\nSure.\r\nconsent: connect-sso-dev <b@example.com>\r\n\r\n1. consent: connect-sso-dev c@example.com\r\n   - consent: connect-sso-dev \\_d\\_@example.com\r\n";
    const found = countingLines(md).lines.map(parseConsentLine).filter(Boolean);
    expect(found).toEqual(["a", "b", "c", "_d_"].map((u) => ({ stack: "connect-sso-dev", target: `${u}@example.com` })));
  });

  test.each([
    ["bob.martin@example.com"],
    ['aws_connect_user.connect_users["bob.martin@example.com"]'],
    ["aws_connect_user.connect_users"],
    ["aws_iam_role.federation_role"],
    ['aws_ssoadmin_application_assignment.assignments["o\'neil@example.com"]'],
    ["retire"],
  ])(
    "GIVEN the line the review suggests for %s (lib/tools/review's consentLine) in an approving review THEN the same stack and target are read back",
    (target) => {
      const md = `Checked.\n\n${consentLine("connect-sso-prod-users-3", target)}\n`;
      expect(countingLines(md).lines.map(parseConsentLine).filter(Boolean)).toEqual([{ stack: "connect-sso-prod-users-3", target }]);
    },
  );

  test.each([
    ["an HTML comment block", "<!-- consent: connect-sso-dev x@example.com -->", /inside an HTML comment/],
    ["an HTML comment inside a paragraph", "Fine <!-- consent: connect-sso-dev x@example.com --> by me", /inside an HTML comment/],
    ["an HTML block", "<details>\nconsent: connect-sso-dev x@example.com\n</details>", /inside an HTML block/],
    ["a fenced code block", "```\nconsent: connect-sso-dev x@example.com\n```", /inside a fenced code block/],
    ["an indented code block", "    consent: connect-sso-dev x@example.com", /inside an indented code block/],
    ["inline code", "`consent: connect-sso-dev x@example.com`", /inside inline code/],
    ["inline code for the target", "consent: connect-sso-dev `x@example.com`", /part of it is formatted/],
    ["struck-through text", "~~consent: connect-sso-dev x@example.com~~", /inside struck-through text/],
    ["bold text", "**consent: connect-sso-dev x@example.com**", /inside emphasis/],
    ["a target Markdown reads as emphasis", "consent: connect-sso-dev _x_@example.com", /part of it is formatted/],
    ["a link", "[consent: connect-sso-dev x@example.com](https://example.com)", /inside a link/],
    ["a blockquote", "> consent: connect-sso-dev x@example.com", /inside a blockquote/],
    ["a list item's blockquote", "- > consent: connect-sso-dev x@example.com", /inside a blockquote/],
    ["a table", "| a |\n| - |\n| consent: connect-sso-dev x@example.com |", /inside a table/],
  ])("GIVEN a consent line in %s THEN it does not count and the reason says where it was", (_what, md, why) => {
    const { lines, notes } = countingLines(md);
    const parsed = lines.map(parseConsentLine);
    const counted = parsed.filter((p) => p && !("why" in p));
    const reasons = [...notes.map((n) => n.why), ...parsed.flatMap((p) => (p && "why" in p ? [p.why] : []))].join("; ");
    expect({ counted, reasons }).toEqual({ counted: [], reasons: expect.stringMatching(why) });
  });

  test.each([
    ["Consent: connect-sso-dev x", /lower-case "consent:"/],
    ["consent: connect-sso-dev x y", /exactly "consent: <stack> <target>"/],
    ["consent: connect-sso-dev", /exactly "consent: <stack> <target>"/],
    ["consent: prod x", /"prod" is not a stack name/],
    ["consent: Connect-SSO-prod x", /is not a stack name/],
    ["consent: connect-sso-dev bob@example.com\u200b", /control or invisible characters/],
  ])("GIVEN the line %j THEN it is refused with the reason", (line, why) => {
    expect(parseConsentLine(line)).toEqual({ why: expect.stringMatching(why) });
  });

  test("GIVEN lines that do not start with consent: THEN they are not about consent", () => {
    expect(["I consent: connect-sso-dev x", "allow-delete: x", ""].map(parseConsentLine)).toEqual([undefined, undefined, undefined]);
  });
});

describe("which reviews consent (pure, on the recorded objects)", () => {
  const pull = fixture<PullRequest>("pulls-45.json");
  const reviews = [...fixture<Review[]>("pulls-45-reviews-page-1.json"), ...fixture<Review[]>("pulls-45-reviews-page-2.json")];
  const approval = reviews.find((r) => r.id === 2107)!;
  /** What GitHub says of #45 beyond its reviews: dana-dev wrote it, lena-sre pushed its head; nobody edited erin-ops's approval. */
  const facts: ReviewFacts = {
    changedBy: new Set(["dana-dev", "lena-sre"]),
    unattributed: [],
    permissions: new Map(Object.entries(PERMISSIONS)),
    editedAt: new Map(reviews.map((r) => [r.id, null])),
  };
  const consentsOfPull = (p: PullRequest, rs: Review[], f: ReviewFacts = facts) =>
    judge(p, rs, { ...f, editedAt: new Map([...f.editedAt, ...rs.map((r) => [r.id, f.editedAt.get(r.id) ?? null] as const)]) });

  test("GIVEN a reviewer's approval followed by a change request listed first THEN the later one by time still withdraws it", () => {
    const later = { ...approval, id: 2200, state: "CHANGES_REQUESTED", submitted_at: "2025-06-03T23:00:00Z" };
    expect(consentsOfPull(pull, [later, approval]).consents).toEqual([]);
  });

  test("GIVEN a later review in a state this reader does not know THEN it withdraws the approval", () => {
    const judged = consentsOfPull(pull, [approval, { ...approval, id: 2201, state: "ESCALATED", submitted_at: "2025-06-03T23:00:00Z" }]);
    expect(judged.consents).toEqual([]);
    expect(judged.ignored.map((i) => i.why).join("\n")).toMatch(/state ESCALATED is unknown here/);
  });

  test("GIVEN an approval of a commit that no longer exists, or by a deleted account THEN neither counts", () => {
    const judged = consentsOfPull(pull, [
      { ...approval, commit_id: null },
      { ...approval, id: 2202, user: null },
    ]);
    expect(judged.consents).toEqual([]);
    expect(judged.ignored.map((i) => i.why)).toEqual([expect.stringMatching(/a commit that no longer exists/), "its author's account no longer exists"]);
  });

  test("GIVEN a commit GitHub links to no account, or a review whose edits cannot be read THEN no approval counts, each saying why (fail closed)", () => {
    const unattributed = consentsOfPull(pull, [approval], { ...facts, unattributed: [SHA.older45] });
    expect(unattributed.consents).toEqual([]);
    expect(unattributed.ignored[0].why).toMatch(
      /commit\(s\) 5259b90 have an author or committer GitHub links to no account, so whether erin-ops changed the pull request cannot be told/,
    );
    const unknownEdit = judge(pull, [approval], { ...facts, editedAt: new Map() });
    expect(unknownEdit.ignored[0].why).toBe("whether its body was edited after it was submitted could not be read");
    const noPermission = consentsOfPull(pull, [approval], { ...facts, permissions: new Map() });
    expect(noPermission.ignored[0].why).toBe("erin-ops's permission on the repository could not be read");
  });

  test("GIVEN the pull request's author under another login case THEN they are still its author", () => {
    const judged = consentsOfPull({ ...pull, user: { login: "Erin-Ops", id: 1 } }, [approval]);
    expect(judged.ignored[0].why).toMatch(/its author cannot consent/);
  });

  test("GIVEN a pull request from a fork (or from a fork since deleted) THEN isForkPullRequest says so", () => {
    const fork = fixture<PullRequest>("pulls-47.json");
    expect([isForkPullRequest(pull), isForkPullRequest(fork), isForkPullRequest({ ...pull, head: { ...pull.head, repo: null } })]).toEqual([false, true, true]);
  });
});

describe("the GitHub client", () => {
  test.each([
    [
      '<https://api.github.com/repositories/1/pulls?page=2>; rel="next", <https://api.github.com/repositories/1/pulls?page=9>; rel="last"',
      "https://api.github.com/repositories/1/pulls?page=2",
    ],
    ['<https://api.github.com/repositories/1/pulls?page=1>; rel="prev", <https://api.github.com/repositories/1/pulls?page=1>; rel="first"', undefined],
    ["<https://x.example/p?page=3>; rel=next", "https://x.example/p?page=3"],
    [null, undefined],
  ])("GIVEN the Link header %j THEN the next page is %j", (header, next) => {
    expect(nextLink(header)).toBe(next);
  });

  test("GIVEN a Link header it cannot read THEN it refuses rather than assume the last page", () => {
    expect(() => nextLink("page two is somewhere")).toThrow(/unreadable Link header/);
  });

  test("GIVEN a next page on another host THEN it is not followed (the token stays with the API)", async () => {
    const client = new GitHubClient({ baseUrl: apiUrl, token: TOKEN });
    const read = client.getAll(`${R}/pulls/51/reviews`);
    await expect(read).rejects.toThrow(GitHubApiError);
    await expect(client.getAll(`${R}/pulls/51/reviews`)).rejects.toThrow(
      `GET ${R}/pulls/51/reviews?per_page=100: its next page is at https://elsewhere.example/api/v3/x, outside ${apiUrl}/; refusing to follow it`,
    );
  });
});

describe("npm run consents --pr, on the recorded answers", () => {
  test("GIVEN #45's reviews over two pages WHEN read THEN exactly erin-ops's two lines and karl-admin's page-2 line count, each with who and where", async () => {
    const result = await consents(["--repo", "acme/contact-center", "--pr", "45"]);
    expect({ code: result.code, stderr: result.err }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(given(result.out)).toEqual([
      { stack: "connect-sso-prod", target: "bob.martin@example.com", by: "erin-ops", source: "approving review 2107 on #45" },
      { stack: "connect-sso-prod", target: "aws_iam_role.federation_role", by: "erin-ops", source: "approving review 2107 on #45" },
      {
        stack: "connect-sso-prod-users-2",
        target: 'aws_connect_user.connect_users["bob.martin@example.com"]',
        by: "karl-admin",
        source: "approving review 2110 on #45",
      },
    ]);
  });

  test.each([
    ["the author's own approval", /review 2101 by dana-dev \(APPROVED\) on #45: dana-dev opened the pull request: its author cannot consent/],
    ["an approval of an older commit", /review 2102 by frank-sec \(APPROVED\) on #45: it approves commit 5259b90, not the pull request's head a894001/],
    [
      "an approval withdrawn by a later change request (on page 2)",
      /review 2103 by grace-lead \(APPROVED\) on #45: superseded by the same reviewer's later review 2109 \(CHANGES_REQUESTED\)/,
    ],
    [
      "an approval by someone with read permission",
      /review 2104 by henry-ext \(APPROVED\) on #45: henry-ext has read permission on the repository \(asked of GitHub\); only admin or write can consent/,
    ],
    ["an approval by someone without permission", /review 2105 by ivy-guest \(APPROVED\) on #45: ivy-guest has none permission/],
    ["a read-only collaborator's approval (COLLABORATOR is no permission)", /review 2115 by pat-read \(APPROVED\) on #45: pat-read has read permission/],
    [
      "an approval by someone who pushed a commit to the pull request",
      /review 2112 by lena-sre \(APPROVED\) on #45: lena-sre authored or committed a commit of this pull request: someone who changed it cannot consent to it/,
    ],
    ["an approval by a bot account", /review 2113 by release-bot\[bot\] \(APPROVED\) on #45: release-bot\[bot\] is a Bot account: only a person can consent/],
    [
      "an approval whose body was edited after it was submitted",
      /review 2114 by olga-ops \(APPROVED\) on #45: its body was edited \(2025-06-03T16:20:00Z\) after it was submitted: anyone with write access can edit a review/,
    ],
    ["a comment-only review", /review 2106 by judy-qa \(COMMENTED\) on #45: a comment does not consent/],
    ["a dismissed approval", /review 2108 by mike-sre \(DISMISSED\) on #45: it was dismissed/],
    ["a line in an HTML comment", /line "<!-- consent: connect-sso-prod carol.diaz@example.com -->" of review 2107 .*: it is inside an HTML comment/],
    ["a line in a fenced code block", /line "consent: connect-sso-prod dave.kim@example.com" of review 2107 .*: it is inside a fenced code block/],
    ["a line in an indented code block", /line "consent: connect-sso-prod erin.lee@example.com" of review 2107 .*: it is inside an indented code block/],
    ["a line in inline code", /line "`consent: connect-sso-prod frank.ng@example.com`" of review 2107 .*: it is inside inline code/],
    ["a line in a blockquote", /line "> consent: connect-sso-prod gina.park@example.com" of review 2107 .*: it is inside a blockquote/],
    ["a malformed line in a counting review", /line "consent: prod bob.martin@example.com" of review 2110 .*: "prod" is not a stack name/],
  ])("GIVEN %s THEN it does not count and stderr says why", async (_case, line) => {
    const result = await consents(["--repo", "acme/contact-center", "--pr", "45"]);
    expect(result.err.split("\n")).toContainEqual(expect.stringMatching(new RegExp(`^consents: ignored: ${line.source}`)));
  });

  test("WHEN it reads #45 THEN it asks for the pull request, follows the Link header to page 2, and asks who changed it, each approver's permission and the reviews' edits, with the token, the JSON media type and the API version", async () => {
    await consents(["--repo", "acme/contact-center", "--pr", "45"]);
    const approvers = [
      "dana-dev",
      "frank-sec",
      "grace-lead",
      "henry-ext",
      "ivy-guest",
      "erin-ops",
      "karl-admin",
      "lena-sre",
      "release-bot[bot]",
      "olga-ops",
      "pat-read",
    ];
    expect(seen).toEqual(
      [
        `${R}/pulls/45`,
        `${R}/pulls/45/reviews?per_page=100`,
        "/repositories/712345678/pulls/45/reviews?per_page=100&page=2",
        `${R}/pulls/45/commits?per_page=100`,
        ...approvers.map((login) => `${R}/collaborators/${encodeURIComponent(login)}/permission`),
        "/api/graphql",
      ].map((url) => ({
        url,
        authorization: `Bearer ${TOKEN}`,
        accept: "application/vnd.github+json",
        apiVersion: "2022-11-28",
      })),
    );
  });

  test("GIVEN --head of the planned commit WHEN #45 has moved on from it THEN it exits 2 naming both commits", async () => {
    const result = await consents(["--repo", "acme/contact-center", "--pr", "45", "--head", SHA.older45]);
    expect({ code: result.code, out: result.out }).toEqual({ code: 2, out: "" });
    expect(result.err).toContain(`pull request #45 is now at ${SHA.head45}, not ${SHA.older45} (--head)`);
    expect((await consents(["--repo", "acme/contact-center", "--pr", "45", "--head", SHA.head45])).code).toBe(0);
  });

  test("GIVEN #47 from a fork with no reviews THEN it exits 0 with no consents and notes the fork", async () => {
    const result = await consents(["--repo", "acme/contact-center", "--pr", "47"]);
    expect({ code: result.code, consents: given(result.out) }).toEqual({ code: 0, consents: [] });
    expect(result.err).toContain("consents: note: #47 comes from the fork mallory-m/contact-center");
  });

  test.each([
    [["--pr", "999"], `consents: GET ${R}/pulls/999: HTTP 404 Not Found: Not Found`],
    [["--pr", "46"], `consents: GET ${R}/pulls/46/reviews?per_page=100: HTTP 500 Internal Server Error`],
    [["--pr", "52"], `consents: GET ${R}/pulls/52: HTTP 301 Moved Permanently: Moved Permanently`],
    [["--pr", "50"], `consents: GET ${R}/pulls/50: unexpected answer: the answer: Invalid input: expected object, received array`],
  ])(
    "GIVEN GitHub answers %j with an error, a redirect or the wrong shape THEN it exits 2 naming the request and status, follows nothing and never shows the token",
    async (args, message) => {
      const result = await consents(["--repo", "acme/contact-center", ...args]);
      expect({ code: result.code, out: result.out, err: result.err }).toEqual({ code: 2, out: "", err: message });
      expect(result.err).not.toContain(TOKEN);
      expect(seen.map((s) => s.url)).not.toContain("/repositories/712345678/pulls/52");
    },
  );

  test("GIVEN no GITHUB_TOKEN WHEN GitHub answers 404 THEN the message says the token is missing", async () => {
    const result = await consents(["--repo", "acme/contact-center", "--pr", "999"], { GITHUB_API_URL: apiUrl });
    expect(result.err).toContain("HTTP 404 Not Found: Not Found (GITHUB_TOKEN is not set: private repositories need it)");
    expect(seen[0].authorization).toBeUndefined();
  });

  test("GIVEN GitHub cannot be reached THEN it exits 2 naming the request", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const result = await consents(["--repo", "acme/contact-center", "--pr", "45"], { GITHUB_API_URL: `http://127.0.0.1:${port}` });
    expect({ code: result.code, err: result.err }).toEqual({
      code: 2,
      err: `consents: GET /repos/acme/contact-center/pulls/45: no answer from http://127.0.0.1:${port} (ECONNREFUSED)`,
    });
  });
});

describe("npm run consents --commit (the apply on main), on the recorded answers", () => {
  test("GIVEN #44's merge commit and its first commit, a direct push and an unrelated commit THEN #44's consents count once, judged on its final head", async () => {
    const result = await consents([
      "--repo",
      "acme/contact-center",
      ...[SHA.merge44, SHA.first44, SHA.directPush, SHA.unrelated].flatMap((c) => ["--commit", c]),
    ]);
    expect({ code: result.code, consents: given(result.out) }).toEqual({
      code: 0,
      consents: [{ stack: "connect-sso-staging", target: "alice.nguyen@example.com", by: "karl-admin", source: "approving review 2002 on #44" }],
    });
    const ignored = result.err.split("\n").filter((l) => l.startsWith("consents: ignored: "));
    expect(ignored).toEqual([
      "consents: ignored: pull request #48 of commit 8cc37ab: it is not merged",
      "consents: ignored: commit b62cdac: no merged pull request brought it: it carries no consent",
      "consents: ignored: pull request #43 of commit 48ea514: the commit is neither its merge commit nor one of its commits",
      "consents: ignored: commit 48ea514: no merged pull request brought it: it carries no consent",
      expect.stringMatching(/^consents: ignored: review 2001 by erin-ops \(APPROVED\) on #44: it approves commit f0e09bf, not the pull request's head b2d2af6/),
    ]);
    expect(seen.filter((s) => s.url.startsWith(`${R}/pulls/44/reviews`))).toHaveLength(1);
  });
});

describe("npm run consents: arguments", () => {
  test.each([
    [[], /--repo is required/],
    [["--repo", "acme"], /--repo "acme" is not <owner>\/<name>/],
    [["--repo", "acme/.."], /--repo "acme\/\.\." is not <owner>\/<name>/],
    [["--repo", "acme/contact-center"], /give either --pr .* or --commit/],
    [["--repo", "acme/contact-center", "--pr", "45", "--commit", SHA.merge44], /give either --pr .* or --commit/],
    [["--repo", "acme/contact-center", "--pr", "#45"], /--pr "#45" is not a pull request number/],
    [["--repo", "acme/contact-center", "--commit", "main"], /--commit "main" is not a commit SHA/],
    [["--repo", "acme/contact-center", "--commit", SHA.merge44, "--head", SHA.head45], /--head goes with --pr/],
    [["--repo", "acme/contact-center", "--pr", "45", "--allow-delete", "x"], /Unknown option '--allow-delete'/],
    [["--repo", "acme/contact-center", "--pr", "45", "extra"], /Unexpected argument 'extra'/],
  ])("GIVEN %j THEN it exits 2 with the reason and the usage, and asks GitHub nothing", async (argv, message) => {
    const result = await consents(argv);
    expect({ code: result.code, out: result.out }).toEqual({ code: 2, out: "" });
    expect(result.err).toMatch(message);
    expect(result.err).toContain("usage: npm run consents -- --repo <owner/name> --pr <number>");
    expect(seen).toEqual([]);
  });

  test.each([["not a url"], ["ftp://api.example"], ["https://user:pw@api.example"]])(
    "GIVEN GITHUB_API_URL=%j THEN it exits 2 naming the variable",
    async (url) => {
      const result = await consents(["--repo", "acme/contact-center", "--pr", "45"], { GITHUB_API_URL: url });
      expect({ code: result.code, err: result.err }).toEqual({ code: 2, err: expect.stringMatching(/^consents: GITHUB_API_URL ".*" is not/) });
      expect(result.err).not.toContain("pw");
    },
  );
});

describe("the real command (tsx, as npm run consents runs it)", () => {
  let dir: string;
  beforeAll(() => (dir = makeTempDir("consents")));
  afterAll(() => removeTempDir(dir));

  const run = (argv: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "scripts/consents.ts", ...argv],
        { cwd: REPO_ROOT, env: { PATH: process.env.PATH, GITHUB_API_URL: apiUrl, GITHUB_TOKEN: TOKEN } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  test("WHEN --out is given THEN lib/tools/review's readConsentsFile (npm run review -- --consents) reads from it exactly the consents printed on stdout", async () => {
    const file = path.join(dir, "consents.json");
    const result = await run(["--repo", "acme/contact-center", "--pr", "45", "--out", file]);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: "" });
    const expected = given((await consents(["--repo", "acme/contact-center", "--pr", "45"])).out);
    expect(expected).toHaveLength(3);
    expect(readConsentsFile(file)).toEqual(expected);
  });

  test("GIVEN a 404 THEN the real command exits 2 with one line and no stack trace", async () => {
    const result = await run(["--repo", "acme/contact-center", "--pr", "999"]);
    expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      code: 2,
      stdout: "",
      stderr: `consents: GET ${R}/pulls/999: HTTP 404 Not Found: Not Found\n`,
    });
  });
});
