/**
 * A small client for GitHub's REST API (v3): one JSON document (or none, when it is not found),
 * every page of a list (following the `Link: <…>; rel="next"` header), POST and PATCH of a JSON
 * document (review comments; the sync's commit and pull request). Failures throw a
 * GitHubApiError naming the request and the HTTP status; the token never appears in any message.
 */

/** Where the API is and how to authenticate. */
export interface GitHubClientOptions {
  /** API root, e.g. https://api.github.com or https://ghe.example.com/api/v3 (no trailing slash needed). */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …`; without it requests are anonymous (public repositories only). */
  readonly token?: string;
  /** Per-request limit; a request that takes longer fails instead of hanging the pipeline. */
  readonly timeoutMs?: number;
  /** Most pages one list may have; more is refused rather than read forever. */
  readonly maxPages?: number;
}

export const DEFAULT_API_URL = "https://api.github.com";

/** A request that could not be made or answered usefully; the message names the request. */
export class GitHubApiError extends Error {}

/** Options from GITHUB_API_URL (set by GitHub Actions; default api.github.com) and GITHUB_TOKEN. */
export function clientOptionsFromEnv(env: NodeJS.ProcessEnv): GitHubClientOptions {
  const baseUrl = env.GITHUB_API_URL || DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new GitHubApiError(`GITHUB_API_URL "${baseUrl}" is not a URL; allowed: an http(s) URL such as ${DEFAULT_API_URL}`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.username || url.password || url.search || url.hash) {
    throw new GitHubApiError(
      `GITHUB_API_URL "${url.protocol}//${url.host}${url.pathname}" is not allowed: an http(s) URL without credentials, query or fragment, such as ${DEFAULT_API_URL}`,
    );
  }
  return { baseUrl, token: env.GITHUB_TOKEN || undefined };
}

/**
 * The `rel="next"` target of a Link header (RFC 8288), or undefined on the last page. A header it
 * cannot read throws: guessing "no next page" would drop later reviews, such as a withdrawal.
 */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  const entry = /\s*<([^>]*)>((?:\s*;\s*[^;,"]+(?:="[^"]*"|=[^;,"]*)?)*)\s*(?:,|$)/y;
  let next: string | undefined;
  while (entry.lastIndex < header.length) {
    const start = entry.lastIndex;
    const match = entry.exec(header);
    if (!match || entry.lastIndex === start) throw new Error(`unreadable Link header "${header}"`);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(match[2]);
    if ((rel?.[1] ?? rel?.[2] ?? "").split(/\s+/).includes("next")) next = match[1];
  }
  return next;
}

export class GitHubClient {
  private readonly root: URL;

  constructor(private readonly options: GitHubClientOptions) {
    this.root = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
  }

  /** GET one document, e.g. `get("/repos/acme/app/pulls/45")`. */
  async get(path: string): Promise<unknown> {
    const url = this.resolve(path);
    return (await this.request("GET", url, this.label(url))).body;
  }

  /** GET one document, or undefined when GitHub answers 404 (a branch or file that does not exist). */
  async find(path: string): Promise<unknown> {
    const url = this.resolve(path);
    return (await this.request("GET", url, this.label(url), undefined, true)).body;
  }

  /** POST a JSON document, e.g. a comment to `/repos/acme/app/issues/45/comments`. */
  async post(path: string, document: unknown): Promise<unknown> {
    const url = this.resolve(path);
    return (await this.request("POST", url, this.label(url), JSON.stringify(document))).body;
  }

  /** PATCH a JSON document, e.g. a pull request's body to `/repos/acme/app/pulls/45`. */
  async patch(path: string, document: unknown): Promise<unknown> {
    const url = this.resolve(path);
    return (await this.request("PATCH", url, this.label(url), JSON.stringify(document))).body;
  }

  /**
   * A GraphQL query: at `/graphql` beside the REST root (api.github.com), or `/api/graphql` for
   * GitHub Enterprise's `/api/v3`. An answer with `errors` is refused, naming the first.
   */
  async graphql(query: string, variables: Record<string, unknown>): Promise<unknown> {
    const url = this.root.pathname.endsWith("/api/v3/") ? new URL("../graphql", this.root) : new URL("graphql", this.root);
    const body = (await this.request("POST", url, "graphql", JSON.stringify({ query, variables }))).body as {
      data?: unknown;
      errors?: Array<{ message?: string }>;
    };
    if (body.errors?.length) throw new GitHubApiError(`POST graphql: ${body.errors[0].message ?? "an error without a message"}`);
    return body.data;
  }

  /** GET every page of a list endpoint (100 a page) and concatenate them. */
  async getAll(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    const maxPages = this.options.maxPages ?? 100;
    let url: URL | undefined = this.resolve(`${path}${path.includes("?") ? "&" : "?"}per_page=100`);
    for (let page = 1; url; page++) {
      const label = this.label(url);
      if (page > maxPages) throw new GitHubApiError(`GET ${path}: more than ${maxPages} pages; refusing to read on`);
      const { body, link } = await this.request("GET", url, label);
      if (!Array.isArray(body)) throw new GitHubApiError(`GET ${label}: expected a JSON list, got ${typeof body}`);
      items.push(...body);
      let next: string | undefined;
      try {
        next = nextLink(link);
      } catch (error) {
        throw new GitHubApiError(`GET ${label}: ${(error as Error).message}`);
      }
      url = next === undefined ? undefined : this.followable(next, label);
    }
    return items;
  }

  /** An API path joined to the root (which may carry a path prefix, as GitHub Enterprise's /api/v3 does). */
  private resolve(path: string): URL {
    return new URL(path.replace(/^\//, ""), this.root);
  }

  /** The URL as written in messages: relative to the API root. */
  private label(url: URL): string {
    return `/${url.pathname.slice(this.root.pathname.length)}${url.search}`;
  }

  /** A Link target is followed only under the same API root: the token must not travel elsewhere. */
  private followable(next: string, from: string): URL {
    let url: URL;
    try {
      url = new URL(next, this.root);
    } catch {
      throw new GitHubApiError(`GET ${from}: its Link header names "${next}", which is not a URL`);
    }
    if (url.origin !== this.root.origin || !url.pathname.startsWith(this.root.pathname)) {
      throw new GitHubApiError(
        `GET ${from}: its next page is at ${url.origin}${url.pathname}, outside ${this.root.origin}${this.root.pathname}; refusing to follow it`,
      );
    }
    return url;
  }

  private async request(
    method: "GET" | "POST" | "PATCH",
    url: URL,
    label: string,
    postBody?: string,
    notFoundIsNone = false,
  ): Promise<{ body: unknown; link: string | null }> {
    const headers: Record<string, string> = {
      Accept: "application/vnd.github+json",
      "X-GitHub-Api-Version": "2022-11-28",
      "User-Agent": "connect-sso-consents",
    };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    if (postBody !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    let text: string;
    try {
      // A redirect (a renamed repository) is reported, not followed with the token.
      response = await fetch(url, { method, body: postBody, headers, redirect: "manual", signal: AbortSignal.timeout(this.options.timeoutMs ?? 30000) });
      text = await response.text();
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new GitHubApiError(`${method} ${label}: no answer from ${url.origin} (${cause?.code ?? cause?.message ?? (error as Error).message})`);
    }
    if (response.status === 404 && notFoundIsNone) return { body: undefined, link: null };
    if (!response.ok) {
      const hint = !this.options.token && [401, 403, 404].includes(response.status) ? " (GITHUB_TOKEN is not set: private repositories need it)" : "";
      throw new GitHubApiError(`${method} ${label}: HTTP ${response.status} ${response.statusText}${githubMessage(text)}${hint}`);
    }
    try {
      return { body: JSON.parse(text), link: response.headers.get("link") };
    } catch {
      throw new GitHubApiError(`${method} ${label}: HTTP ${response.status} but the answer is not JSON`);
    }
  }
}

/** GitHub's `message` from an error body, when it has one. */
function githubMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === "string" ? `: ${message}` : "";
  } catch {
    return "";
  }
}
