/** PIPELINE_SUBJECTS: the plan role accepts pull requests and main; the apply role only its GitHub environment. */
import { PIPELINE_SUBJECTS } from "../../lib/synth/security/pipeline-subjects";
import { bootstrapStack, expectAlone, itPassesTheExamples, pipelineRole, SUB, trustOf, type Edit } from "./fixtures";

itPassesTheExamples(PIPELINE_SUBJECTS);

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
])("GIVEN %s WHEN checked THEN PIPELINE_SUBJECTS fires alone on the %s role, saying what is allowed", (_, kind, breakIt) => {
  const tf = bootstrapStack();
  breakIt(tf);
  expectAlone(tf, PIPELINE_SUBJECTS, `aws_iam_role.pipeline_${kind}_role`);
});
