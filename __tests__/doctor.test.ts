/**
 * `npm run doctor -- github <owner>/<repo>` against the GitHub API fake: a repository set up as the
 * pipeline needs passes; each setting missing is named with its fix, and the command exits 1.
 * The answers are in the shape of GitHub's REST API (rules for a branch, a ruleset, classic branch
 * protection, environments and their deployment branch policies, the OIDC subject customization,
 * Actions' workflow permissions, a file's contents, CODEOWNERS errors).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runDoctor } from "../lib/tools/doctor/cli";
import { startGitHubFake, type GitHubFake } from "./support/github-fake";
import { REPO } from "./support/environments";
import { makeTempDir, removeTempDir } from "./support/terraform";

const REPOSITORY = "acme/contact-center";
let github: GitHubFake;
let work: string;

/** The settings of a repository set up right, by path below /repos/{repo}. */
function rightSettings(): Record<string, unknown> {
  const codeowners = fs
    .readFileSync(path.join(REPO, ".github", "CODEOWNERS"), "utf8")
    .replaceAll("@your-org/connect-platform", "@acme/contact-center-platform");
  const environment = (name: string) => ({
    name,
    protection_rules: [
      { id: 1, type: "required_reviewers", prevent_self_review: true, reviewers: [{ type: "Team", reviewer: { slug: "contact-center-platform" } }] },
      { id: 2, type: "branch_policy" },
    ],
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  });
  return {
    "/rules/branches/main": [
      {
        type: "pull_request",
        ruleset_id: 42,
        parameters: {
          required_approving_review_count: 1,
          dismiss_stale_reviews_on_push: true,
          require_code_owner_review: true,
          require_last_push_approval: true,
          required_review_thread_resolution: false,
        },
      },
      {
        type: "required_status_checks",
        ruleset_id: 42,
        parameters: { strict_required_status_checks_policy: false, required_status_checks: [{ context: "gate" }] },
      },
    ],
    "/rulesets/42": { id: 42, name: "main", target: "branch", enforcement: "active", bypass_actors: [] },
    "/environments/dev": environment("dev"),
    "/environments/prod": environment("prod"),
    "/environments/dev/deployment-branch-policies": { total_count: 1, branch_policies: [{ id: 7, name: "main", type: "branch" }] },
    "/environments/prod/deployment-branch-policies": { total_count: 1, branch_policies: [{ id: 8, name: "main", type: "branch" }] },
    "/actions/oidc/customization/sub": { use_default: false, include_claim_keys: ["repo", "context", "job_workflow_ref"] },
    "/actions/permissions/workflow": { default_workflow_permissions: "read", can_approve_pull_request_reviews: false },
    "/contents/.github/CODEOWNERS": { type: "file", encoding: "base64", path: ".github/CODEOWNERS", content: Buffer.from(codeowners).toString("base64") },
    "/codeowners/errors": { errors: [] },
  };
}

beforeAll(async () => {
  github = await startGitHubFake(REPOSITORY);
  work = makeTempDir("doctor");
  fs.mkdirSync(path.join(work, "environments"));
  for (const name of ["dev", "prod"]) fs.writeFileSync(path.join(work, "environments", `${name}.yaml`), "");
});
afterAll(async () => {
  await github.stop();
  removeTempDir(work);
});
beforeEach(() => {
  github.settings.clear();
  for (const [p, v] of Object.entries(rightSettings())) github.settings.set(p, v);
});

const doctor = async (argv = ["github", REPOSITORY]) => {
  let out = "";
  const err: string[] = [];
  const code = await runDoctor(
    argv,
    { GITHUB_API_URL: github.url, GITHUB_TOKEN: "t", CI: "" },
    { out: (t) => (out += t), err: (l) => err.push(l) },
    { cwd: work },
  );
  return { code, out, err: err.join("\n") };
};

test("GIVEN a repository set up as the pipeline needs WHEN the doctor runs THEN every line is ✓ and it exits 0", async () => {
  const result = await doctor();
  expect(result.out).not.toContain("✗");
  expect(result.code).toBe(0);
  expect(result.out).toMatch(/✓ main requires the status check "gate"\n/);
  expect(result.out).toMatch(/✓ environment prod: reviewers cannot approve their own run\n/);
  expect(result.out).toMatch(/Every setting the pipeline relies on holds\.\n$/);
});

type Edit = (s: Map<string, unknown>) => void;
const rules = (s: Map<string, unknown>) => s.get("/rules/branches/main") as Array<{ type: string; parameters: Record<string, unknown> }>;
const pr = (s: Map<string, unknown>) => rules(s).find((r) => r.type === "pull_request")!.parameters;

test.each<[string, Edit, RegExp]>([
  [
    "no rule requiring the gate check",
    (s) =>
      s.set(
        "/rules/branches/main",
        rules(s).filter((r) => r.type !== "required_status_checks"),
      ),
    /✗ main requires the status check "gate": no rule requires it; fix:/,
  ],
  ["no rules and no protection at all", (s) => s.delete("/rules/branches/main"), /✗ main requires at least one approving review: 0 required/],
  ["no approval required", (s) => (pr(s).required_approving_review_count = 0), /✗ main requires at least one approving review/],
  ["stale approvals kept", (s) => (pr(s).dismiss_stale_reviews_on_push = false), /✗ a new push dismisses stale approvals/],
  ["the last push not needing approval", (s) => (pr(s).require_last_push_approval = false), /✗ the most recent push needs someone else's approval/],
  ["code owners not required", (s) => (pr(s).require_code_owner_review = false), /✗ code owners must review/],
  [
    "a bypass list",
    (s) => ((s.get("/rulesets/42") as { bypass_actors: unknown[] }).bypass_actors = [{ actor_id: 5, actor_type: "RepositoryRole", bypass_mode: "always" }]),
    /✗ no one may bypass main's rules: bypass allowed for RepositoryRole 5/,
  ],
  [
    "an environment that does not exist",
    (s) => s.delete("/environments/prod"),
    /✗ environment prod: exists: it does not exist; fix: create GitHub environment "prod"/,
  ],
  [
    "self-review allowed",
    (s) => ((s.get("/environments/dev") as { protection_rules: Array<Record<string, unknown>> }).protection_rules[0].prevent_self_review = false),
    /✗ environment dev: reviewers cannot approve their own run/,
  ],
  [
    "no required reviewers",
    (s) => ((s.get("/environments/dev") as { protection_rules: unknown[] }).protection_rules = []),
    /✗ environment dev: required reviewers approve each apply/,
  ],
  [
    "deployments from any branch",
    (s) => ((s.get("/environments/prod") as { deployment_branch_policy: unknown }).deployment_branch_policy = null),
    /✗ environment prod: deploys only from main: any branch/,
  ],
  [
    "deployments from another branch too",
    (s) =>
      s.set("/environments/prod/deployment-branch-policies", {
        total_count: 2,
        branch_policies: [
          { name: "main", type: "branch" },
          { name: "release/*", type: "branch" },
        ],
      }),
    /✗ environment prod: deploys only from main: branches \["main","release\/\*"\]/,
  ],
  [
    "GitHub's default OIDC subject",
    (s) => s.set("/actions/oidc/customization/sub", { use_default: true }),
    /✗ the OIDC subject names the workflow file .*: GitHub's default subject; fix: the PUT of the bootstrap stack's output/,
  ],
  [
    "a write default token",
    (s) => s.set("/actions/permissions/workflow", { default_workflow_permissions: "write", can_approve_pull_request_reviews: false }),
    /✗ workflows' default GITHUB_TOKEN is read-only: write/,
  ],
  [
    "workflows that may approve",
    (s) => s.set("/actions/permissions/workflow", { default_workflow_permissions: "read", can_approve_pull_request_reviews: true }),
    /✗ workflows cannot approve pull requests/,
  ],
  ["no CODEOWNERS", (s) => s.delete("/contents/.github/CODEOWNERS"), /✗ CODEOWNERS exists: no \.github\/CODEOWNERS on the default branch/],
  [
    "CODEOWNERS with the placeholder team",
    (s) => s.set("/contents/.github/CODEOWNERS", { content: fs.readFileSync(path.join(REPO, ".github", "CODEOWNERS")).toString("base64") }),
    /✗ CODEOWNERS names your team: it still names @your-org\/connect-platform/,
  ],
  [
    "CODEOWNERS missing the lockfile",
    (s) => s.set("/contents/.github/CODEOWNERS", { content: Buffer.from("/lib/ @acme/x\n").toString("base64") }),
    /✗ CODEOWNERS covers .*: no owner for \/\.github\/, \/scripts\/, \/package\.json, \/package-lock\.json/,
  ],
  [
    "CODEOWNERS errors",
    (s) => s.set("/codeowners/errors", { errors: [{ line: 3, message: "Unknown owner on line 3" }] }),
    /✗ GitHub reads CODEOWNERS without errors: Unknown owner on line 3/,
  ],
])("GIVEN %s WHEN the doctor runs THEN it names it with the fix and exits 1", async (_, edit, line) => {
  edit(github.settings);
  const result = await doctor();
  expect(result.code).toBe(1);
  expect(result.out).toMatch(line);
});

test("GIVEN classic branch protection instead of a ruleset WHEN admins may bypass it THEN that is named; enforced for admins, it passes", async () => {
  github.settings.delete("/rules/branches/main");
  const protection = {
    required_status_checks: { strict: false, contexts: ["gate"], checks: [{ context: "gate", app_id: null }] },
    required_pull_request_reviews: {
      dismiss_stale_reviews: true,
      require_code_owner_reviews: true,
      required_approving_review_count: 1,
      require_last_push_approval: true,
    },
    enforce_admins: { enabled: false },
  };
  github.settings.set("/branches/main/protection", protection);
  expect((await doctor()).out).toMatch(/✗ no one may bypass main's rules: administrators bypass branch protection/);
  github.settings.set("/branches/main/protection", { ...protection, enforce_admins: { enabled: true } });
  expect(await doctor()).toMatchObject({ code: 0 });
});

test.each([[["gitlab", REPOSITORY]], [["github", "not a repo"]], [["github"]]])("GIVEN %j WHEN run THEN it exits 2 with the usage", async (argv) => {
  const result = await doctor(argv);
  expect(result.code).toBe(2);
  expect(result.err).toMatch(/usage: npm run doctor -- github <owner>\/<repo>/);
});
