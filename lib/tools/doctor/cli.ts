/**
 * `npm run doctor -- github <owner>/<repo>`: reads the repository's settings through GitHub's REST
 * API (a read-only token in GITHUB_TOKEN; GITHUB_API_URL for GitHub Enterprise) and reports, one
 * line each, whether each setting the pipeline relies on holds (checks.ts), with the fix.
 * Exit 0 all hold, 1 one does not (or could not be read), 2 unusable input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { environmentsFolder } from "../../config/environments-dir";
import { asksForHelp, readCommandLine, type ToolIo, type ToolMain, type ToolOptions } from "../io";
import { clientOptionsFromEnv, GitHubApiError, GitHubClient } from "../pipeline/github";
import { doctorFindings, type Answer, type RepositorySettings } from "./checks";

export const USAGE = `usage: npm run doctor -- github <owner>/<repo>
  Reads the repository's settings (GITHUB_TOKEN: a read-only token that may read its administration
  settings; GITHUB_API_URL for GitHub Enterprise) and reports each setting the pipeline relies on:
  main's rulesets or branch protection, each environment of environments/, the OIDC subject, the
  workflows' token, CODEOWNERS. Exit 0 all hold, 1 one does not, 2 unusable input.`;

const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/[A-Za-z0-9._-]{1,100}$/;

/** One answer, or why it could not be had (a 404 marked as not set). */
async function answer(read: () => Promise<unknown>): Promise<Answer> {
  try {
    return { body: await read() };
  } catch (error) {
    if (!(error instanceof GitHubApiError)) throw error;
    return { error: error.message, notFound: /HTTP 404\b/.test(error.message) };
  }
}

async function readSettings(client: GitHubClient, repo: string, environments: ReadonlyArray<string>): Promise<RepositorySettings> {
  const get = (p: string) => answer(() => client.get(`/repos/${repo}${p}`));
  const rules = await answer(() => client.getAll(`/repos/${repo}/rules/branches/main`));
  const rulesets = new Map<number, Answer>();
  if ("body" in rules)
    for (const id of new Set((rules.body as Array<{ ruleset_id?: unknown }>).map((r) => r.ruleset_id)))
      if (typeof id === "number") rulesets.set(id, await get(`/rulesets/${id}`));
  const perEnvironment = new Map<string, { environment: Answer; branchPolicies?: Answer }>();
  for (const name of environments) {
    const environment = await get(`/environments/${encodeURIComponent(name)}`);
    const custom =
      "body" in environment &&
      (environment.body as { deployment_branch_policy?: { custom_branch_policies?: unknown } }).deployment_branch_policy?.custom_branch_policies === true;
    perEnvironment.set(name, {
      environment,
      ...(custom ? { branchPolicies: await get(`/environments/${encodeURIComponent(name)}/deployment-branch-policies`) } : {}),
    });
  }
  const file = await get("/contents/.github/CODEOWNERS");
  const codeowners: Answer =
    "body" in file ? { body: Buffer.from(String((file.body as { content?: unknown }).content ?? ""), "base64").toString("utf8") } : file;
  return {
    rules,
    rulesets,
    protection: await get("/branches/main/protection"),
    environments: perEnvironment,
    oidc: await get("/actions/oidc/customization/sub"),
    workflowPermissions: await get("/actions/permissions/workflow"),
    codeowners,
    codeownersErrors: await get("/codeowners/errors"),
  };
}

/** Runs the command; never throws for a user's mistake. */
export async function runDoctor(argv: string[], variables: NodeJS.ProcessEnv, io: ToolIo, options: ToolOptions = {}): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  if (asksForHelp(argv)) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  let positionals: string[];
  try {
    positionals = readCommandLine(argv, {}, (message) => new Error(message)).positionals;
  } catch (error) {
    io.err(`doctor: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [kind, repo, ...rest] = positionals;
  const problem =
    kind === undefined
      ? "no check given; allowed: github"
      : kind !== "github"
        ? `unknown check ${JSON.stringify(kind)}; allowed: github`
        : repo === undefined
          ? "github: no repository given"
          : !REPOSITORY.test(repo)
            ? `${JSON.stringify(repo)} is not <owner>/<repo>`
            : rest.length > 0
              ? `github takes one repository, not ${rest.length + 1}`
              : undefined;
  if (problem) {
    io.err(`doctor: ${problem}\n${USAGE}`);
    return 2;
  }
  let client: GitHubClient;
  try {
    client = new GitHubClient(clientOptionsFromEnv(variables));
  } catch (error) {
    io.err(`doctor: ${(error as Error).message}`);
    return 2;
  }
  // The team's environments: what the pipeline plans and applies (never the examples).
  const dir = path.resolve(cwd, environmentsFolder({ ...variables, CI: "true" }, cwd).dir);
  const environments = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((n) => /\.ya?ml$/.test(n))
        .map((n) => n.replace(/\.ya?ml$/, ""))
        .sort()
    : [];
  const findings = doctorFindings(await readSettings(client, repo, environments));
  if (environments.length === 0)
    findings.push({ ok: false, what: "environments to check", why: `${path.relative(cwd, dir) || dir} holds no environment file; fix: npm run new-env` });
  io.out(`doctor github ${repo}\n`);
  for (const f of findings) io.out(`${f.ok ? "✓" : "✗"} ${f.what}${f.ok ? "" : `: ${f.why}`}\n`);
  const failed = findings.filter((f) => !f.ok).length;
  io.out(
    `\n${failed === 0 ? "Every setting the pipeline relies on holds." : `${failed} setting(s) do not hold (✗ above); the gate's controls assume them (docs/gitops.md, "Repository settings").`}\n`,
  );
  return failed === 0 ? 0 : 1;
}

/** `npm run doctor`'s entry (ToolMain). */
export const doctorMain: ToolMain = (argv, variables, io) => runDoctor(argv, variables, io);
