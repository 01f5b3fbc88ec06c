/**
 * What the pipeline needs of a GitHub repository's settings, judged from GitHub's answers: one
 * finding a requirement, each with what was found and the fix. Modelled on OpenSSF Scorecard's
 * Branch-Protection, Token-Permissions and Dangerous-Workflow checks, but judging this pipeline's
 * needs. Pure: the answers are fetched by cli.ts. An answer that could not be read fails its check.
 */
import { GATE_PATHS } from "../../rules/gate-paths";
import { GITHUB_SUBJECT_CLAIM_KEYS } from "../../rules/naming";

/** One answer of GitHub's API: its JSON, or why it could not be had (HTTP 404: not set). */
export type Answer = { readonly body: unknown } | { readonly error: string; readonly notFound?: boolean };

export interface RepositorySettings {
  /** GET /repos/{repo}/rules/branches/main, with each ruleset the rules come from (GET /repos/{repo}/rulesets/{id}). */
  readonly rules: Answer;
  readonly rulesets: ReadonlyMap<number, Answer>;
  /** GET /repos/{repo}/branches/main/protection (classic branch protection). */
  readonly protection: Answer;
  /** Per environment: GET /repos/{repo}/environments/{name}, and its deployment-branch-policies. */
  readonly environments: ReadonlyMap<string, { readonly environment: Answer; readonly branchPolicies?: Answer }>;
  /** GET /repos/{repo}/actions/oidc/customization/sub */
  readonly oidc: Answer;
  /** GET /repos/{repo}/actions/permissions/workflow */
  readonly workflowPermissions: Answer;
  /** The text of .github/CODEOWNERS on the default branch, and GET /repos/{repo}/codeowners/errors. */
  readonly codeowners: Answer;
  readonly codeownersErrors: Answer;
}

export interface Finding {
  readonly ok: boolean;
  readonly what: string;
  /** What was found, and the fix, when not ok. */
  readonly why?: string;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const body = (a: Answer): unknown => ("body" in a ? a.body : undefined);
const unread = (a: Answer): string | undefined => ("error" in a && !a.notFound ? a.error : undefined);

/** The status check GitHub must require on main: the gate job of connect-sso-pr.yml. */
export const GATE_CHECK = "gate";
/** The placeholder owner CODEOWNERS ships with. */
export const PLACEHOLDER_OWNER = "@your-org/connect-platform";

/** What main's rulesets and classic protection require, merged: a requirement holds when either sets it. */
function mainRequirements(s: RepositorySettings) {
  const rules = list(body(s.rules)).map(obj);
  const ruleOf = (type: string) => rules.filter((r) => r.type === type).map((r) => obj(r.parameters));
  const prRules = ruleOf("pull_request");
  const classic = obj(body(s.protection));
  const reviews = obj(classic.required_pull_request_reviews);
  const classicChecks = obj(classic.required_status_checks);
  const checks = [
    ...ruleOf("required_status_checks").flatMap((p) => list(p.required_status_checks).map((c) => obj(c).context)),
    ...list(classicChecks.contexts),
    ...list(classicChecks.checks).map((c) => obj(c).context),
  ];
  const rulesetIds = [...new Set(rules.map((r) => r.ruleset_id).filter((id): id is number => typeof id === "number"))];
  const bypass = rulesetIds.flatMap((id) => {
    const answer = s.rulesets.get(id);
    return answer && "body" in answer
      ? list(obj(answer.body).bypass_actors).map((a) => `${obj(a).actor_type} ${obj(a).actor_id ?? ""}`.trim())
      : [`ruleset ${id} (unreadable)`];
  });
  return {
    fromRules: rules.length > 0,
    fromClassic: "body" in s.protection,
    gate: checks.includes(GATE_CHECK),
    approvals: Math.max(0, ...prRules.map((p) => Number(p.required_approving_review_count) || 0), Number(reviews.required_approving_review_count) || 0),
    staleDismissed: prRules.some((p) => p.dismiss_stale_reviews_on_push === true) || reviews.dismiss_stale_reviews === true,
    lastPush: prRules.some((p) => p.require_last_push_approval === true) || reviews.require_last_push_approval === true,
    codeOwners: prRules.some((p) => p.require_code_owner_review === true) || reviews.require_code_owner_reviews === true,
    bypass,
    adminsEnforced: obj(classic.enforce_admins).enabled === true,
  };
}

const check = (ok: boolean, what: string, why: string): Finding => (ok ? { ok, what } : { ok, what, why });

/** Branch protection or rulesets of main. */
export function mainFindings(s: RepositorySettings): Finding[] {
  const problem = unread(s.rules) ?? unread(s.protection);
  if (problem)
    return [
      { ok: false, what: "main's rulesets and branch protection can be read", why: `${problem}; fix: a token that may read them (Administration: read)` },
    ];
  const r = mainRequirements(s);
  const where = "a ruleset on main (Settings > Rules > Rulesets) or main's branch protection";
  return [
    check(r.gate, `main requires the status check "${GATE_CHECK}"`, `no rule requires it; fix: in ${where}, require status check "${GATE_CHECK}"`),
    check(
      r.approvals >= 1,
      "main requires at least one approving review",
      `${r.approvals} required; fix: in ${where}, require a pull request with 1 or more approvals`,
    ),
    check(
      r.staleDismissed,
      "a new push dismisses stale approvals",
      `not set; fix: in ${where}, "Dismiss stale pull request approvals when new commits are pushed"`,
    ),
    check(r.lastPush, "the most recent push needs someone else's approval", `not set; fix: in ${where}, "Require approval of the most recent reviewable push"`),
    check(r.codeOwners, "code owners must review", `not set; fix: in ${where}, "Require review from Code Owners"`),
    check(
      r.bypass.length === 0 && (!r.fromClassic || r.fromRules || r.adminsEnforced),
      "no one may bypass main's rules",
      r.bypass.length > 0
        ? `bypass allowed for ${r.bypass.join(", ")}; fix: remove the ruleset's bypass list`
        : `administrators bypass branch protection; fix: "Do not allow bypassing the above settings" (enforce for admins)`,
    ),
  ];
}

/** Each environment of environments/: protected as the apply job needs. */
export function environmentFindings(s: RepositorySettings): Finding[] {
  return [...s.environments.entries()].flatMap(([name, { environment, branchPolicies }]) => {
    const what = (text: string) => `environment ${name}: ${text}`;
    if ("error" in environment)
      return [
        {
          ok: false,
          what: what("exists"),
          why: environment.notFound ? `it does not exist; fix: create GitHub environment "${name}" (Settings > Environments)` : `${environment.error}`,
        },
      ];
    const env = obj(environment.body);
    const reviewersRule = list(env.protection_rules)
      .map(obj)
      .find((r) => r.type === "required_reviewers");
    const branches = obj(env.deployment_branch_policy);
    const policies = branchPolicies && "body" in branchPolicies ? list(obj(branchPolicies.body).branch_policies).map(obj) : undefined;
    const onlyMain =
      branches.custom_branch_policies === true &&
      policies !== undefined &&
      policies.length === 1 &&
      policies[0].name === "main" &&
      (policies[0].type ?? "branch") === "branch";
    return [
      check(
        list(reviewersRule?.reviewers).length > 0,
        what("required reviewers approve each apply"),
        `no required reviewers; fix: add required reviewers to environment ${name}`,
      ),
      check(
        reviewersRule?.prevent_self_review === true,
        what("reviewers cannot approve their own run"),
        `not set; fix: "Prevent self-review" in environment ${name}`,
      ),
      check(
        onlyMain,
        what("deploys only from main"),
        `${branches.custom_branch_policies === true ? `branches ${JSON.stringify((policies ?? []).map((p) => p.name))}` : branches.protected_branches === true ? "all protected branches" : "any branch"}; fix: deployment branches "Selected branches", exactly main`,
      ),
    ];
  });
}

/** The OIDC subject the bootstrap stack's trusts expect. */
export function oidcFinding(s: RepositorySettings): Finding {
  const answer = obj(body(s.oidc));
  const keys = list(answer.include_claim_keys);
  const ok = answer.use_default === false && JSON.stringify(keys) === JSON.stringify(GITHUB_SUBJECT_CLAIM_KEYS);
  return check(
    ok,
    `the OIDC subject names the workflow file (${GITHUB_SUBJECT_CLAIM_KEYS.join(", ")})`,
    `${unread(s.oidc) ?? (answer.use_default === true || keys.length === 0 ? "GitHub's default subject" : `claims ${JSON.stringify(keys)}`)}; fix: the PUT of the bootstrap stack's output github_oidc_subject_customization (docs/gitops.md, "What the roles may do")`,
  );
}

/** Actions' default token: read-only, and never approving pull requests. */
export function tokenFindings(s: RepositorySettings): Finding[] {
  const answer = obj(body(s.workflowPermissions));
  const problem = unread(s.workflowPermissions);
  return [
    check(
      answer.default_workflow_permissions === "read",
      "workflows' default GITHUB_TOKEN is read-only",
      `${problem ?? String(answer.default_workflow_permissions)}; fix: Settings > Actions > General > Workflow permissions: "Read repository contents and packages permissions"`,
    ),
    check(
      answer.can_approve_pull_request_reviews === false,
      "workflows cannot approve pull requests",
      `${problem ?? "allowed"}; fix: clear "Allow GitHub Actions to create and approve pull requests"`,
    ),
  ];
}

/** CODEOWNERS: every path the gate relies on has an owner that is not the placeholder, and GitHub reads it without errors. */
export function codeownersFindings(s: RepositorySettings): Finding[] {
  if (!("body" in s.codeowners))
    return [
      {
        ok: false,
        what: "CODEOWNERS exists",
        why: `${s.codeowners.notFound ? "no .github/CODEOWNERS on the default branch" : s.codeowners.error}; fix: commit .github/CODEOWNERS`,
      },
    ];
  const lines = String(s.codeowners.body)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split(/\s+/));
  const needed = [...GATE_PATHS.map((p) => `/${p}`), "/environments/", "/environments/identity.lock.json"];
  const missing = needed.filter((p) => !lines.some(([pattern, ...owners]) => pattern === p && owners.length > 0));
  const placeholder = lines.some(([, ...owners]) => owners.includes(PLACEHOLDER_OWNER));
  const errors = list(obj(body(s.codeownersErrors)).errors);
  return [
    check(
      missing.length === 0,
      "CODEOWNERS covers the gate's files, the environments and the identity lock",
      `no owner for ${missing.join(", ")}; fix: add them to .github/CODEOWNERS`,
    ),
    check(!placeholder, "CODEOWNERS names your team", `it still names ${PLACEHOLDER_OWNER}; fix: replace it with the team that owns this repository`),
    check(
      errors.length === 0 && !unread(s.codeownersErrors),
      "GitHub reads CODEOWNERS without errors",
      `${unread(s.codeownersErrors) ?? errors.map((e) => obj(e).message ?? JSON.stringify(e)).join("; ")}; fix: correct .github/CODEOWNERS`,
    ),
  ];
}

/** Every finding, in the report's order. */
export function doctorFindings(s: RepositorySettings): Finding[] {
  return [...mainFindings(s), ...environmentFindings(s), oidcFinding(s), ...tokenFindings(s), ...codeownersFindings(s)];
}
