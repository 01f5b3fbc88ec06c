/**
 * PIPELINE_SUBJECTS: which GitHub jobs may assume each pipeline role, with the repository's OIDC
 * subject customized to name the workflow file and ref (GITHUB_SUBJECT_CLAIM_KEYS). The plan role:
 * the pull-request workflow's runs of pull requests, and the main workflow on main (drift). The
 * apply role of `connect-sso-<env>-apply`: only the main workflow on main, in GitHub environment
 * `<env>`, whose protection rules gate every apply. A subject a job of another workflow file,
 * branch or event could satisfy is refused. A subject that cannot be read is PIPELINE_TRUST's to refuse.
 */
import { GITHUB_WORKFLOWS, PULL_REQUEST_REF } from "../../rules/naming";
import { trustOf, statementRule } from "./shapes";
import { parseSubject, subjects } from "./view";

type Subject = NonNullable<ReturnType<typeof parseSubject>>;

const MAIN = `${GITHUB_WORKFLOWS.main}@refs/heads/main`;
const PULL_REQUESTS = `${GITHUB_WORKFLOWS.pullRequest}@${PULL_REQUEST_REF}`;

export const PIPELINE_SUBJECTS = statementRule({
  id: "PIPELINE_SUBJECTS",
  why: "the plan role accepts the pull-request workflow's runs of pull requests and the main workflow on main; the apply role only the main workflow on main in the GitHub environment named after its environment (its protection rules gate applies); each subject names its workflow file and ref (GitHub's OIDC subject claims, job_workflow_ref, and environments)",
  judges: trustOf("plan", "apply"),
  judge: (_view, role) => {
    const problemOf = role.kind === "plan" ? planSubjectProblem : applySubjectProblem(role.body.name);
    return (s) =>
      subjects(s).flatMap((sub) => {
        const subject = parseSubject(sub);
        const problem = subject && (workflowProblem(subject) ?? problemOf(subject));
        return problem ? [`accepts sub ${JSON.stringify(sub)}; ${problem}`] : [];
      });
  },
});

/** Without job_workflow_ref, or with another repository's, any workflow file on any branch with that context could satisfy the subject. */
function workflowProblem(subject: Subject): string | undefined {
  if (!subject.workflow)
    return `a job of any workflow file, on any branch, with that context could satisfy it; allowed: the subject customized with job_workflow_ref (${MAIN} or ${PULL_REQUESTS})`;
  if (subject.workflow.repository !== subject.repository.replace(/@\d+/g, ""))
    return `its job_workflow_ref names ${subject.workflow.repository}'s workflow; allowed: ${subject.repository.replace(/@\d+/g, "")}'s own`;
  return undefined;
}

const at = (subject: Subject) => `${subject.workflow!.file}@${subject.workflow!.ref}`;

function planSubjectProblem(subject: Subject): string | undefined {
  if (subject.context === "pull_request" && at(subject) === PULL_REQUESTS) return undefined;
  if (subject.context === "ref:refs/heads/main" && at(subject) === MAIN) return undefined;
  return `allowed for the plan role: pull_request from ${PULL_REQUESTS}, and ref:refs/heads/main from ${MAIN}`;
}

/** The apply role of `connect-sso-<env>-apply` accepts only the main workflow on main, in GitHub environment `<env>`. */
function applySubjectProblem(roleName: unknown): (subject: Subject) => string | undefined {
  const environment = typeof roleName === "string" ? /^connect-sso-(.+)-apply$/.exec(roleName)?.[1] : undefined;
  return (subject) => {
    if (environment === undefined)
      return `the role's name ${JSON.stringify(roleName)} names no environment; allowed: connect-sso-<env>-apply, accepting environment:<env>`;
    return subject.context === `environment:${environment}` && at(subject) === MAIN
      ? undefined
      : `allowed for the apply role of ${environment}: environment:${environment} from ${MAIN} only`;
  };
}
