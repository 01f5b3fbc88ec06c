/** PIPELINE_SUBJECTS: the plan role accepts pull requests and main; the apply role only its GitHub environment. */
import { PIPELINE_SUBJECTS } from "../../lib/synth/security/pipeline-subjects";
import { bootstrapStack, expectAlone, itPassesTheExamples, pipelineRole, SUB, trustOf, type Edit } from "./fixtures";

itPassesTheExamples(PIPELINE_SUBJECTS);

const WF = "acme/contact-center/.github/workflows";

test.each<[string, "plan" | "apply", Edit]>([
  [
    "a plan role accepting the GitHub environment's jobs",
    "plan",
    trustOf("plan", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:environment:dev")),
  ],
  [
    "a plan role accepting any branch's pushes",
    "plan",
    trustOf("plan", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:ref:refs/heads/feature")),
  ],
  [
    "dev's apply role accepting prod's environment",
    "apply",
    trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:acme/contact-center:environment:prod"])),
  ],
  ["an apply role accepting pull requests", "apply", trustOf("apply", (s) => s.Condition.StringLike[SUB].push("repo:acme/contact-center:pull_request"))],
  ["an apply role whose name names no environment", "apply", (tf) => (pipelineRole(tf, "apply").name = "deployer")],
  [
    "an apply role whose subject names no workflow file (the uncustomized subject any workflow of the environment gets)",
    "apply",
    trustOf("apply", (s) => (s.Condition.StringLike[SUB] = ["repo:acme/contact-center:environment:dev"])),
  ],
  [
    "an apply role accepting the pull-request workflow",
    "apply",
    trustOf(
      "apply",
      (s) => (s.Condition.StringLike[SUB] = [`repo:acme/contact-center:environment:dev:job_workflow_ref:${WF}/connect-sso-pr.yml@refs/heads/main`]),
    ),
  ],
  [
    "an apply role accepting the main workflow from another branch",
    "apply",
    trustOf(
      "apply",
      (s) => (s.Condition.StringLike[SUB] = [`repo:acme/contact-center:environment:dev:job_workflow_ref:${WF}/connect-sso.yml@refs/heads/feature`]),
    ),
  ],
  [
    "a plan role accepting pull requests from another workflow file",
    "plan",
    trustOf("plan", (s) => s.Condition.StringLike[SUB].push(`repo:acme/contact-center:pull_request:job_workflow_ref:${WF}/other.yml@refs/pull/*/merge`)),
  ],
  [
    "a plan role accepting another repository's workflow",
    "plan",
    trustOf("plan", (s) =>
      s.Condition.StringLike[SUB].push(
        "repo:acme/contact-center:pull_request:job_workflow_ref:someone/else/.github/workflows/connect-sso-pr.yml@refs/pull/*/merge",
      ),
    ),
  ],
])("GIVEN %s WHEN checked THEN PIPELINE_SUBJECTS fires alone on the %s role, saying what is allowed", (_, kind, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_SUBJECTS, `aws_iam_role.pipeline_${kind}_role`);
});
