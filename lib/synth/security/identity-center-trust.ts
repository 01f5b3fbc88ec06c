/**
 * IDENTITY_CENTER_TRUST: a role in Identity Center's account trusts exactly one principal, the
 * pipeline role of the same kind and environment in another account, for sts:AssumeRole only. So
 * only what may assume that pipeline role (the pipeline's OIDC subjects, PIPELINE_SUBJECTS) reaches
 * it: a pull request's plan the read-only role, the GitHub environment's apply jobs the other.
 */
import { statementRule, trustOf } from "./shapes";
import { asList, asObject, onlyAction } from "./view";

export const IDENTITY_CENTER_TRUST = statementRule({
  id: "IDENTITY_CENTER_TRUST",
  why: "a role in Identity Center's account trusts only the pipeline role of its own kind and environment in another account (AWS principal by role ARN), for sts:AssumeRole, without wildcards (role chaining; IAM Access Analyzer)",
  judges: trustOf("ic-plan", "ic-apply"),
  judge: (view, role) => (s) => {
    const kind = role.kind === "ic-apply" ? "apply" : "plan";
    const name = role.body.name;
    // connect-sso-<env>-ic-<kind> trusts connect-sso-<env>-<kind>.
    const expected = typeof name === "string" && name.endsWith(`-ic-${kind}`) ? `${name.slice(0, -`-ic-${kind}`.length)}-${kind}` : undefined;
    const principal = asObject(s.Principal);
    const aws = asList(principal?.AWS);
    const match = typeof aws[0] === "string" ? /^arn:aws(?:-cn|-us-gov)?:iam::(\d{12}):role\/(.+)$/.exec(aws[0]) : null;
    const trusted =
      s.Effect === "Allow" &&
      principal !== undefined &&
      Object.keys(principal).join() === "AWS" &&
      aws.length === 1 &&
      match !== null &&
      expected !== undefined &&
      match[2] === expected &&
      match[1] !== view.account;
    return [
      ...(trusted
        ? []
        : [
            `trusts ${JSON.stringify(s.Principal ?? s.NotPrincipal)} (role ${JSON.stringify(name)}); allowed: only AWS = the ARN of the pipeline role ${expected ?? `connect-sso-<env>-${kind}`} in the environment's account`,
          ]),
      ...onlyAction(s, "sts:AssumeRole"),
      ...(s.Condition !== undefined ? [`has conditions ${JSON.stringify(s.Condition)}; allowed: none (the pipeline role's own trust holds them)`] : []),
    ];
  },
});
