/**
 * PIPELINE_SUBJECTS: which GitHub jobs may assume each pipeline role. The plan role: pull requests
 * and main. The apply role of `connect-sso-<env>-apply`: only jobs of GitHub environment `<env>`,
 * whose protection rules gate every apply. A subject that is not a literal
 * `repo:<owner>/<name>:<context>` is PIPELINE_TRUST's to refuse; this rule judges the contexts.
 */
import { trustOf, statementRule } from "./shapes";
import { parseSubject, subjects } from "./view";

export const PIPELINE_SUBJECTS = statementRule({
  id: "PIPELINE_SUBJECTS",
  why: "the plan role accepts pull requests and main only; the apply role only jobs of the GitHub environment named after its environment (its protection rules gate applies) (GitHub's OIDC subject claims and environments)",
  judges: trustOf("plan", "apply"),
  judge: (_view, role) => {
    const problemOf = role.kind === "plan" ? planSubjectProblem : applySubjectProblem(role.body.name);
    return (s) =>
      subjects(s).flatMap((sub) => {
        const subject = parseSubject(sub);
        const problem = subject && problemOf(subject.context);
        return problem ? [`accepts sub ${JSON.stringify(sub)}; ${problem}`] : [];
      });
  },
});

function planSubjectProblem(context: string): string | undefined {
  return context === "pull_request" || context === "ref:refs/heads/main" ? undefined : "allowed for the plan role: pull_request and ref:refs/heads/main";
}

/** The apply role of `connect-sso-<env>-apply` accepts only jobs of GitHub environment `<env>`. */
function applySubjectProblem(roleName: unknown): (context: string) => string | undefined {
  const environment = typeof roleName === "string" ? /^connect-sso-(.+)-apply$/.exec(roleName)?.[1] : undefined;
  return (context) => {
    if (environment === undefined)
      return `the role's name ${JSON.stringify(roleName)} names no environment; allowed: connect-sso-<env>-apply, accepting environment:<env>`;
    return context === `environment:${environment}` ? undefined : `allowed for the apply role of ${environment}: environment:${environment} only`;
  };
}
