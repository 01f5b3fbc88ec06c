/**
 * PIPELINE_PLAN_READ_ONLY: the plan role, which any pull request's job can assume, only reads; and
 * so does the role in Identity Center's account it chains into. An action it cannot tell is a read
 * (a wildcard, NotAction, a Get that mints a Connect session) is refused. The one other action
 * allowed is that chain: `sts:AssumeRole` of its own environment's read-only role there.
 */
import { CONNECT_TOKEN_ACTIONS } from "../../rules/policies";
import { policyOf, statementRule } from "./shapes";
import { asList, type Role, type Statement } from "./view";

const ALLOWED =
  "allowed for the plan role: Get/List/Describe/Search actions, kms:Decrypt, and sts:AssumeRole of its environment's read-only role in Identity Center's account (<plan role name without -plan>-ic-plan)";

export const PIPELINE_PLAN_READ_ONLY = statementRule({
  id: "PIPELINE_PLAN_READ_ONLY",
  why: 'the plan role (assumable from any pull request) and the role it chains into in Identity Center\'s account allow only reads: Get/List/Describe/Search actions and kms:Decrypt, and the chain itself (least privilege; docs/concepts/security-model.md, "Threat model")',
  judges: policyOf("plan", "ic-plan"),
  judge: (_, role) => (s) => {
    const writes = asList(s.Action).filter((a) => !isReadAction(a) && !isChainToReadOnly(a, s, role));
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

/** `sts:AssumeRole` by the plan role of `connect-sso-<env>-plan`, on `connect-sso-<env>-ic-plan` roles only (literal ARNs, no wildcard). */
function isChainToReadOnly(action: unknown, s: Statement, role: Role): boolean {
  const name = role.body.name;
  if (action !== "sts:AssumeRole" || role.kind !== "plan" || typeof name !== "string" || !name.endsWith("-plan")) return false;
  const readOnly = `${name.slice(0, -"-plan".length)}-ic-plan`;
  const resources = asList(s.Resource);
  return (
    resources.length > 0 &&
    resources.every((r) => typeof r === "string" && new RegExp(`^arn:aws(-cn|-us-gov)?:iam::\\d{12}:role/${readOnly.replace(/[.+]/g, "\\$&")}$`).test(r))
  );
}
