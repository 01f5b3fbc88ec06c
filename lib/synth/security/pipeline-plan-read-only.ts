/**
 * PIPELINE_PLAN_READ_ONLY: the plan role, which any pull request's job can assume, only reads.
 * An action it cannot tell is a read (a wildcard, NotAction, a Get that mints a Connect session)
 * is refused.
 */
import { CONNECT_TOKEN_ACTIONS } from "../../rules/policies";
import { policyOf, statementRule } from "./shapes";
import { asList } from "./view";

const ALLOWED = "allowed for the plan role: Get/List/Describe/Search actions and kms:Decrypt";

export const PIPELINE_PLAN_READ_ONLY = statementRule({
  id: "PIPELINE_PLAN_READ_ONLY",
  why: 'the plan role (assumable from any pull request) allows only reads: Get/List/Describe/Search actions and kms:Decrypt (least privilege; docs/concepts/security-model.md, "Threat model")',
  judges: policyOf("plan"),
  judge: () => (s) => {
    const writes = asList(s.Action).filter((a) => !isReadAction(a));
    return [
      ...(s.NotAction !== undefined ? [`allows every action but ${JSON.stringify(s.NotAction)}; ${ALLOWED}`] : []),
      ...(writes.length > 0 ? [`allows ${JSON.stringify(writes)}; ${ALLOWED}`] : []),
    ];
  },
});

function isReadAction(action: unknown): boolean {
  if (typeof action !== "string" || CONNECT_TOKEN_ACTIONS.some((t) => t.toLowerCase() === action.toLowerCase())) return false;
  return /^[a-z0-9-]+:(Get|List|Describe|Search)[A-Za-z0-9]*$/.test(action) || action === "kms:Decrypt";
}
