/** SESSION_LENGTH: role sessions stay within IAM's 12-hour limit, stated on the role. */
import { defineRule } from "./rule";
import { roles } from "./view";

export const SESSION_LENGTH = defineRule({
  id: "SESSION_LENGTH",
  why: "role sessions last at most 12 hours (IAM limit)",
  reads: ["aws_iam_role"],
  check(view, fail) {
    for (const role of roles(view)) {
      const seconds = role.body.max_session_duration;
      if (typeof seconds !== "number" || seconds > 43200) fail(role.address, `max_session_duration is ${JSON.stringify(seconds)}; allowed: 3600..43200`);
    }
  },
});
