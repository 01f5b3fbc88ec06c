/**
 * The project's documentation as the tests read it: its Markdown pages, their headings and anchors
 * (by GitHub's rules, so a link that works here works on GitHub), and their relative links.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { marked, type Token } from "marked";
import { REPO } from "./tools";

/** Every Markdown page a reader of the repository meets, relative to the repository. */
export function docPages(): string[] {
  const underDocs = fs
    .readdirSync(path.join(REPO, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md"))
    .map((file) => path.posix.join("docs", file.split(path.sep).join("/")));
  return ["README.md", "__tests__/README.md", "environments/README.md", ...underDocs.sort()];
}

/** A heading's text as GitHub shows it: code spans as their code, emphasis as its words, HTML left out. */
function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      if (token.type === "html") return "";
      if ("tokens" in token && token.tokens !== undefined && token.type !== "codespan") return plainText(token.tokens);
      return "text" in token ? String(token.text) : "";
    })
    .join("");
}

/**
 * GitHub's anchor for a heading (github-slugger): lower case, every character that is not a
 * letter, mark, digit, underscore, hyphen or space dropped, spaces made hyphens.
 */
export function githubSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "")
    .replace(/ /g, "-");
}

export interface Page {
  /** Heading texts, in order, as GitHub shows them. */
  headings: string[];
  /** Every fragment a link may name: heading slugs (a repeated one gets -1, -2, … as on GitHub) and HTML anchors (`name=`, `id=`). */
  anchors: Set<string>;
  /** Link targets as written (`href`), in order. */
  links: string[];
}

export function readPage(file: string): Page {
  const text = fs.readFileSync(path.join(REPO, file), "utf8");
  const tokens = marked.lexer(text);
  const headings: string[] = [];
  const links: string[] = [];
  marked.walkTokens(tokens, (token) => {
    if (token.type === "heading") headings.push(plainText(token.tokens ?? []).trim());
    if (token.type === "link" || token.type === "image") links.push(token.href);
  });
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of headings) {
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  for (const m of text.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) anchors.add(m[1]);
  return { headings, anchors, links };
}
