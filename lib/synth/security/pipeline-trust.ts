/**
 * PIPELINE_TRUST: a pipeline role is assumable only by GitHub Actions jobs of one repository,
 * through GitHub's OIDC provider of this account, with the token's audience and a literal subject.
 * Which subjects each role accepts is PIPELINE_SUBJECTS'; this rule refuses any subject it cannot read.
 */
import { githubOidcAudience, githubOidcProviderArn } from "../../rules/naming";
import { defineRule } from "./rule";
import { asList, asObject, forEachStatement, GITHUB_AUD, GITHUB_SUB, parseSubject, rolesOf, statements, subjects, type Statement } from "./view";

export const PIPELINE_TRUST = defineRule({
  id: "PIPELINE_TRUST",
  why: "a pipeline role trusts only GitHub's OIDC provider of this account, for sts:AssumeRoleWithWebIdentity, with the token's aud (StringEquals) and literal sub claims (no wildcard but a pull request's number in its merge ref) of one repository (GitHub's OIDC guide for AWS; IAM Access Analyzer)",
  reads: ["aws_iam_role", "aws_iam_openid_connect_provider"],
  check(view, fail) {
    const expected: Expected = {
      providers: new Set<unknown>([
        ...view.resources("aws_iam_openid_connect_provider").map(([address]) => `\${${address}.arn}`),
        ...(view.partition && view.account ? [githubOidcProviderArn(view.partition, view.account)] : []),
      ]),
      account: view.account,
      audience: view.partition ? githubOidcAudience(view.partition) : undefined,
    };
    const repositories = new Map<string, Set<string>>();
    for (const role of rolesOf(view, ["plan", "apply"])) {
      const trust = statements(role.body.assume_role_policy);
      if (Array.isArray(trust) && trust.length === 0) {
        fail(role.address, "assume_role_policy has no statement; allowed: one statement trusting GitHub's OIDC provider");
        continue;
      }
      forEachStatement(role, "assume_role_policy", fail, (s, where) => {
        for (const problem of statementProblems(s, expected)) fail(role.address, `${where} ${problem}`);
        for (const subject of subjects(s).map(parseSubject)) {
          if (subject) repositories.set(subject.repository, (repositories.get(subject.repository) ?? new Set()).add(role.address));
        }
      });
    }
    if (repositories.size > 1) {
      const named = [...repositories.keys()].sort().join(", ");
      for (const address of new Set([...repositories.values()].flatMap((addresses) => [...addresses]))) {
        fail(address, `the stack's pipeline roles trust several repositories (${named}); allowed: one`);
      }
    }
  },
});

/** What a pipeline role's trust must name, from the stack. */
interface Expected {
  /** GitHub's OIDC provider: this stack's, or the existing one of the provider's account, by ARN. */
  readonly providers: ReadonlySet<unknown>;
  readonly account?: string;
  /** The partition's STS audience; undefined for an unknown partition, which no trust satisfies. */
  readonly audience?: string;
}

/** What is wrong with one trust statement, each as `<found>; allowed: <what>`. */
function statementProblems(s: Statement, expected: Expected): string[] {
  const problems: string[] = [];
  const principal = asObject(s.Principal);
  const federated = asList(principal?.Federated);
  if (s.Effect !== "Allow" || !principal || Object.keys(principal).join() !== "Federated" || federated.length !== 1 || !expected.providers.has(federated[0])) {
    problems.push(
      `trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)}; allowed: only Federated = GitHub's OIDC provider of account ${expected.account ?? "<the provider's allowed account>"}`,
    );
  }
  const actions = asList(s.Action);
  if (s.NotAction !== undefined || actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithWebIdentity") {
    problems.push(`allows ${JSON.stringify(s.Action ?? s.NotAction)}; allowed: "sts:AssumeRoleWithWebIdentity" only`);
  }
  const condition = asObject(s.Condition) ?? {};
  const equals = asObject(condition.StringEquals) ?? {};
  const like = asObject(condition.StringLike) ?? {};
  const extra = [
    ...Object.keys(condition).filter((op) => op !== "StringEquals" && op !== "StringLike"),
    ...Object.keys(equals).filter((k) => k !== GITHUB_AUD && k !== GITHUB_SUB),
    ...Object.keys(like).filter((k) => k !== GITHUB_SUB),
  ];
  if (extra.length > 0) {
    problems.push(`has conditions ${JSON.stringify(extra)}; allowed: StringEquals ${GITHUB_AUD}, and ${GITHUB_SUB} under StringEquals or StringLike`);
  }
  const { audience } = expected;
  const aud = asList(equals[GITHUB_AUD]);
  if (!audience || aud.length !== 1 || aud[0] !== audience) {
    problems.push(
      `requires ${GITHUB_AUD} ${JSON.stringify(equals[GITHUB_AUD])}; allowed: exactly ${JSON.stringify(audience ?? "the STS audience of a known partition")}`,
    );
  }
  const subs = subjects(s);
  if (subs.length === 0) problems.push(`has no ${GITHUB_SUB} condition, so any repository's workflow could assume it; allowed: repo:<owner>/<name>:<context>`);
  for (const sub of subs.filter((sub) => parseSubject(sub) === undefined)) {
    problems.push(
      `accepts sub ${JSON.stringify(sub)}; allowed: repo:<owner>/<name>:<context>[:job_workflow_ref:<owner>/<name>/<file>@<ref>], literal (no * or ?, but refs/pull/*/merge)`,
    );
  }
  return problems;
}
