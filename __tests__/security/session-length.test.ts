/** SESSION_LENGTH: every role states its session length, at most 12 hours. */
import { SESSION_LENGTH } from "../../lib/synth/security/session-length";
import { bootstrapStack, expectAlone, federationRole, itPassesTheExamples, mainStack, pipelineRole, type Edit, type Tf } from "./fixtures";

itPassesTheExamples(SESSION_LENGTH);

test.each<[string, () => Tf, Edit, string]>([
  ["a 13-hour session on the federation role", mainStack, (tf) => (federationRole(tf).max_session_duration = 46800), "aws_iam_role.federation_role"],
  [
    "a 13-hour session on a pipeline role",
    bootstrapStack,
    (tf) => (pipelineRole(tf, "apply").max_session_duration = 46800),
    "aws_iam_role.pipeline_apply_role",
  ],
  [
    "a pipeline role without max_session_duration",
    bootstrapStack,
    (tf) => delete pipelineRole(tf, "plan").max_session_duration,
    "aws_iam_role.pipeline_plan_role",
  ],
])("GIVEN %s WHEN checked THEN SESSION_LENGTH fires alone on it, saying what is allowed", (_, stack, breakIt, address) => {
  const tf = stack();
  breakIt(tf);
  expectAlone(tf, SESSION_LENGTH, address);
});
