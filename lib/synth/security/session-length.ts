/** SESSION_LENGTH: role sessions stay within IAM's 12-hour limit, stated on the role. */
import { perResourceRule } from "./shapes";
import { roles } from "./view";

export const SESSION_LENGTH = perResourceRule({
  id: "SESSION_LENGTH",
  why: "role sessions last at most 12 hours (IAM limit)",
  reads: ["aws_iam_role"],
  each: roles,
  problem: ({ body: { max_session_duration: seconds } }) =>
    typeof seconds !== "number" || seconds > 43200 ? `max_session_duration is ${JSON.stringify(seconds)}; allowed: 3600..43200` : undefined,
});
