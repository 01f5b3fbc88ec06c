/**
 * Consent that the pull request's author cannot give alone: `consent: <stack> <target>` lines in the
 * approving reviews of other people with write-level association, read from GitHub's REST API
 * objects (pure: lib/tools/pipeline/consents-cli.ts does the requests).
 */
import { Lexer, type Token } from "marked";
import { z } from "zod";
import { CONSENT_STACK, CONSENT_STACK_WORDS, CONSENT_TARGET, type Consent } from "../review/consent";
import { GitHubApiError } from "./github";

/** Something that did not become a consent, and why: printed so a reviewer learns what to fix. */
export interface Ignored {
  /** e.g. `review 2007 by erin-ops (APPROVED)` or `line "consent: prod bob" of review 2007 by erin-ops`. */
  readonly what: string;
  readonly why: string;
}

/** What a pull request's reviews consent to. */
export interface Judgement {
  readonly consents: Consent[];
  readonly ignored: Ignored[];
}

// ---------------------------------------------------------------------------------------------
// The API objects: only the fields read here, checked so an unexpected answer is refused
// ---------------------------------------------------------------------------------------------

const SHA = z.string().regex(/^[0-9a-f]{40}$/, { error: "expected a 40-digit hex commit SHA" });
const USER = z.object({ login: z.string().min(1), id: z.number().int() });
const REPO = z.object({ full_name: z.string().min(1) });

const PULL = z.object({
  number: z.number().int().positive(),
  user: USER,
  // A fork deleted after the pull request was opened leaves head.repo null.
  head: z.object({ sha: SHA, repo: REPO.nullable() }),
  base: z.object({ sha: SHA, repo: REPO }),
  merged_at: z.string().nullable(),
  merge_commit_sha: SHA.nullable(),
});

const REVIEW = z
  .object({
    id: z.number().int().positive(),
    // null: the reviewer's account was deleted. `type`: User, Bot (an app), Organization.
    user: USER.extend({ type: z.string().min(1) }).nullable(),
    body: z.string().nullable(),
    state: z.string().min(1),
    author_association: z.string().min(1),
    // null: the reviewed commit was garbage-collected or force-pushed away.
    commit_id: SHA.nullable(),
    submitted_at: z
      .string()
      .refine((s) => !Number.isNaN(Date.parse(s)), { error: "expected a date-time" })
      .nullish(),
  })
  // Which review is a reviewer's latest is decided by time: a submitted review without one cannot be placed.
  .refine((r) => r.state === "PENDING" || typeof r.submitted_at === "string", { error: "a submitted review without submitted_at", path: ["submitted_at"] });

const COMMITS = z.array(z.object({ sha: SHA }));
// author/committer: the GitHub accounts of the commit's author and committer; null when GitHub links the e-mail to none.
const COMMIT_PEOPLE = z.array(z.object({ sha: SHA, author: USER.nullable(), committer: USER.nullable() }));
const PERMISSION = z.object({ permission: z.string().min(1) });
const EDITS = z.object({
  repository: z.object({
    pullRequest: z.object({
      reviews: z.object({
        nodes: z.array(z.object({ databaseId: z.number().int(), lastEditedAt: z.string().nullable() })),
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
      }),
    }),
  }),
});

/** GET /repos/{owner}/{repo}/pulls/{number} (or one item of a list of pull requests). */
export type PullRequest = z.infer<typeof PULL>;
/** One item of GET /repos/{owner}/{repo}/pulls/{number}/reviews. */
export type Review = z.infer<typeof REVIEW>;

function checked<T>(schema: z.ZodType<T>, value: unknown, request: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("") || "the answer";
  throw new GitHubApiError(`GET ${request}: unexpected answer: ${where.replace(/^\./, "")}: ${issue.message}`);
}

export const asPullRequest = (value: unknown, request: string): PullRequest => checked(PULL, value, request);
export const asPullRequests = (value: unknown, request: string): PullRequest[] => checked(z.array(PULL), value, request);
export const asReviews = (value: unknown, request: string): Review[] => checked(z.array(REVIEW), value, request);
/** GET /repos/{owner}/{repo}/pulls/{number}/commits: the SHAs. */
export const asCommitShas = (value: unknown, request: string): string[] => checked(COMMITS, value, request).map((c) => c.sha);
/** GET /repos/{owner}/{repo}/pulls/{number}/commits: who authored and committed each. */
export const asCommitPeople = (value: unknown, request: string) => checked(COMMIT_PEOPLE, value, request);
/** GET /repos/{owner}/{repo}/collaborators/{username}/permission: admin, write, read or none. */
export const asPermission = (value: unknown, request: string): string => checked(PERMISSION, value, request).permission;
/** GraphQL `repository.pullRequest.reviews`: each review's id and when its body was last edited. */
export const asEdits = (value: unknown, request: string) => checked(EDITS, value, request).repository.pullRequest.reviews;

/**
 * What GitHub says of a pull request's people beyond its reviews, for judging who may consent:
 * who changed it, each approving reviewer's permission, and which reviews were edited.
 */
export interface ReviewFacts {
  /** Logins (lower case) of every author and committer of its commits (GitHub's own web-flow left out). */
  readonly changedBy: ReadonlySet<string>;
  /** Its commits whose author or committer GitHub links to no account: who changed them cannot be told. */
  readonly unattributed: ReadonlyArray<string>;
  /** Permission on the repository, by login (lower case): admin, write (maintain reads as write), read, none. */
  readonly permissions: ReadonlyMap<string, string>;
  /** When each review's body was last edited (null: never), by review id; a missing id: unknown. */
  readonly editedAt: ReadonlyMap<number, string | null>;
}

/** Permissions that may consent. */
export const CONSENTING_PERMISSIONS: ReadonlySet<string> = new Set(["admin", "write"]);
/** GitHub's committer of commits made in its web interface: GitHub itself, not a person. */
export const WEB_FLOW = "web-flow";

/** A pull request from another repository (a fork), or from a fork that no longer exists. */
export function isForkPullRequest(pull: {
  readonly head: { readonly repo: { readonly full_name: string } | null };
  readonly base: { readonly repo: { readonly full_name: string } };
}): boolean {
  return pull.head.repo?.full_name !== pull.base.repo.full_name;
}

// ---------------------------------------------------------------------------------------------
// Which text of a review's Markdown counts
// ---------------------------------------------------------------------------------------------

/** Stands for text that never counts (code, HTML, formatting): a line holding it is no consent line. */
const HIDDEN = "\u0000";
const CONSENT_LIKE = /consent\s*:/i;

/** Quoted and shortened for a log line; JSON escapes keep control characters out of the CI log. */
function quote(text: string): string {
  const shown = text.trim().replaceAll(HIDDEN, "…");
  return JSON.stringify(shown.length > 120 ? `${shown.slice(0, 119)}…` : shown);
}

function hiddenInline(token: Token): string {
  if (token.type === "codespan") return "inline code";
  if (token.type === "html") return token.text.startsWith("<!--") ? "an HTML comment" : "inline HTML";
  if (token.type === "del") return "struck-through text";
  if (token.type === "em" || token.type === "strong") return "emphasis";
  if (token.type === "link") return "a link";
  return `${token.type} text`;
}

function hiddenBlock(token: Token): string {
  if (token.type === "code") return token.codeBlockStyle === "indented" ? "an indented code block" : "a fenced code block";
  if (token.type === "html") return token.text.trimStart().startsWith("<!--") ? "an HTML comment" : "an HTML block";
  return `a ${token.type}`;
}

/** Consent-like text inside something that never counts, reported so its writer learns why. */
function noteHidden(raw: string, where: string, notes: Ignored[]): void {
  for (const line of raw.split("\n").filter((l) => CONSENT_LIKE.test(l))) {
    notes.push({ what: `line ${quote(line)}`, why: `it is inside ${where}; only paragraphs, list items and headings count` });
  }
}

/**
 * The text of inline tokens exactly as typed; anything else becomes HIDDEN: text that never counts,
 * and formatting, which changes what is read (`_bob_@example.com` renders as an emphasized "bob").
 */
function inlineText(tokens: ReadonlyArray<Token>, notes: Ignored[]): string {
  return tokens.map((token) => plainText(token, notes)).join("");
}

function plainText(token: Token, notes: Ignored[]): string {
  if (token.type === "text") return token.tokens ? inlineText(token.tokens, notes) : token.text;
  if (token.type === "escape") return token.text;
  if (token.type === "br") return "\n";
  // GitHub links e-mail addresses and URLs as typed: their text is what the reviewer wrote.
  if (token.type === "link" && (token.raw === token.text || token.raw === `<${token.text}>`)) return token.text;
  noteHidden(token.raw, hiddenInline(token), notes);
  return HIDDEN;
}

/**
 * The lines of a review's Markdown that can hold consent: the plain text of paragraphs, list items
 * and headings. HTML (comments included), code blocks, inline code, blockquotes, tables,
 * struck-through text and other formatting never count: a reader of the rendered review does not
 * see them as said, or sees other text than was typed.
 */
export function countingLines(markdown: string): { lines: string[]; notes: Ignored[] } {
  const lines: string[] = [];
  const notes: Ignored[] = [];
  const walk = (tokens: ReadonlyArray<Token>): void => {
    for (const token of tokens) {
      switch (token.type) {
        case "paragraph":
        case "heading":
        case "text": // a tight list item's text
          lines.push(...(token.tokens ? inlineText(token.tokens, notes) : token.text).split("\n"));
          break;
        case "list":
          for (const item of token.items) walk(item.tokens);
          break;
        case "space":
        case "hr":
        case "checkbox":
          break;
        default:
          noteHidden(token.raw, hiddenBlock(token), notes);
      }
    }
  };
  walk(new Lexer({ gfm: true }).lex(markdown));
  return { lines, notes };
}

// ---------------------------------------------------------------------------------------------
// Consent lines
// ---------------------------------------------------------------------------------------------

/** `consent: <stack> <target>` read from one line; undefined when the line is not about consent. */
export function parseConsentLine(line: string): { stack: string; target: string } | { why: string } | undefined {
  const text = line.trim();
  if (!/^consent\s*:/i.test(text)) return undefined;
  if (text.includes(HIDDEN))
    return { why: "part of it is formatted (inline code, HTML, emphasis, a link or struck-through text): write the consent line as plain text" };
  const words = text.split(/\s+/);
  if (words[0] !== "consent:" || words.length !== 3)
    return { why: 'expected exactly "consent: <stack> <target>" (lower-case "consent:", a space, the stack, a space, one target)' };
  const [, stack, target] = words;
  if (!CONSENT_STACK.test(stack)) return { why: `${JSON.stringify(stack)} is not a stack name; allowed: ${CONSENT_STACK_WORDS}` };
  if (!CONSENT_TARGET.test(target)) return { why: "the target has control or invisible characters, or is longer than 512 characters" };
  return { stack, target };
}

// ---------------------------------------------------------------------------------------------
// Which reviews consent
// ---------------------------------------------------------------------------------------------

/** States that do not change a reviewer's verdict; any other state (unknown ones too) does. */
const NOT_A_VERDICT: ReadonlySet<string> = new Set(["COMMENTED", "PENDING"]);

const short = (sha: string) => sha.slice(0, 7);
const submitted = (r: Review) => Date.parse(r.submitted_at ?? "");

/** Each reviewer's latest verdict (approval, change request, dismissal, or a state unknown here). */
function latestVerdicts(reviews: ReadonlyArray<Review>): Map<number, Review> {
  const latest = new Map<number, Review>();
  for (const review of reviews) {
    if (!review.user || NOT_A_VERDICT.has(review.state)) continue;
    const seen = latest.get(review.user.id);
    if (!seen || submitted(review) > submitted(seen) || (submitted(review) === submitted(seen) && review.id > seen.id)) latest.set(review.user.id, review);
  }
  return latest;
}

function whyNoConsent(pull: PullRequest, review: Review, latest: Map<number, Review>, facts: ReviewFacts): string | undefined {
  if (review.state === "COMMENTED") return "a comment does not consent: only an approving review can";
  if (review.state === "CHANGES_REQUESTED") return "it requests changes: only an approving review can consent";
  if (review.state === "DISMISSED") return "it was dismissed";
  if (review.state === "PENDING") return "it is pending (not submitted)";
  if (review.state !== "APPROVED") return `its state ${review.state} is unknown here: it counts as withdrawing this reviewer's earlier approval`;
  if (!review.user) return "its author's account no longer exists";
  const login = review.user.login;
  if (review.user.type !== "User" || /\[bot\]$/i.test(login)) return `${login} is a ${review.user.type} account: only a person can consent`;
  if (review.user.id === pull.user.id || login.toLowerCase() === pull.user.login.toLowerCase()) {
    return `${login} opened the pull request: its author cannot consent to their own change`;
  }
  if (facts.changedBy.has(login.toLowerCase()))
    return `${login} authored or committed a commit of this pull request: someone who changed it cannot consent to it`;
  if (facts.unattributed.length > 0)
    return `commit(s) ${facts.unattributed.map(short).join(", ")} have an author or committer GitHub links to no account, so whether ${login} changed the pull request cannot be told`;
  const permission = facts.permissions.get(login.toLowerCase());
  if (permission === undefined) return `${login}'s permission on the repository could not be read`;
  if (!CONSENTING_PERMISSIONS.has(permission))
    return `${login} has ${permission} permission on the repository (asked of GitHub); only ${[...CONSENTING_PERMISSIONS].join(" or ")} can consent`;
  const last = latest.get(review.user.id);
  if (last && last.id !== review.id)
    return `superseded by the same reviewer's later review ${last.id} (${last.state}): only a reviewer's latest verdict counts`;
  if (review.commit_id !== pull.head.sha) {
    const of = review.commit_id ? `commit ${short(review.commit_id)}` : "a commit that no longer exists";
    return `it approves ${of}, not the pull request's head ${short(pull.head.sha)}: approving an older commit does not consent to the current plan; approve the head again`;
  }
  const edited = facts.editedAt.get(review.id);
  if (edited === undefined) return "whether its body was edited after it was submitted could not be read";
  if (edited !== null)
    return `its body was edited (${edited}) after it was submitted: anyone with write access can edit a review, and an edit changes neither its state nor its commit, so an edited review does not consent; approve again`;
  return undefined;
}

/**
 * The consents a pull request's reviews give: lines `consent: <stack> <target>` in the paragraphs,
 * list items or headings of a review that is APPROVED, on the pull request's head commit, not
 * edited since it was submitted, by a person (a User account, not a bot or app) with write
 * permission or more who neither opened the pull request nor authored or committed any of its
 * commits, and who has not since requested changes or had the approval dismissed. Everything else
 * is listed in `ignored` with why.
 */
export function consentsOfPull(pull: PullRequest, reviews: ReadonlyArray<Review>, facts: ReviewFacts): Judgement {
  const latest = latestVerdicts(reviews);
  const consents: Consent[] = [];
  const ignored: Ignored[] = [];
  for (const review of reviews) {
    const by = review.user?.login ?? "a deleted account";
    const what = `review ${review.id} by ${by} (${review.state}) on #${pull.number}`;
    const why = whyNoConsent(pull, review, latest, facts);
    if (why) {
      ignored.push({ what, why });
      continue;
    }
    const said = ignored.length;
    const { lines, notes } = countingLines(review.body ?? "");
    ignored.push(...notes.map((n) => ({ what: `${n.what} of ${what}`, why: n.why })));
    const source = `approving review ${review.id} on #${pull.number}`;
    let found = 0;
    for (const line of lines) {
      const parsed = parseConsentLine(line);
      if (!parsed) continue;
      if ("why" in parsed) {
        ignored.push({ what: `line ${quote(line)} of ${what}`, why: parsed.why });
        continue;
      }
      found++;
      if (!consents.some((c) => c.source === source && c.stack === parsed.stack && c.target === parsed.target)) consents.push({ ...parsed, by, source });
    }
    if (found === 0 && ignored.length === said) ignored.push({ what, why: "it approves, but has no consent line" });
  }
  return { consents, ignored };
}
