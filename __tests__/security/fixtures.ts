/**
 * What the security rule tests share: the examples' stacks as Terraform JSON (a fresh copy per
 * call, to break), edits of their policy documents, and the two assertions every rule file makes.
 */
import { Testing } from "cdktf";
import type { Environment } from "../../lib/config/environment";
import { checkRule, checkStack } from "../../lib/synth/security/pack";
import type { SecurityRule } from "../../lib/synth/security/rule";
import { BootstrapStack } from "../../stacks/bootstrap-stack";
import { IdentityCenterBootstrapStack } from "../../stacks/identity-center-bootstrap-stack";
import { crossAccountEnvironment, exampleEnvironment, sharedSynth, synthStack, testApp } from "../support/environments";

export type Tf = Record<string, any>;
export type Edit = (tf: Tf) => void;

export const EXAMPLES = ["dev", "staging", "prod"] as const;

const cached = (key: string, synth: () => string): Tf => JSON.parse(sharedSynth(key, synth));

export const bootstrapOf = (environment: Environment): string => Testing.synth(new BootstrapStack(testApp(), { environment }));
/** The example's main stack (the SAML federation role), a fresh copy. */
export const mainStack = (name = "dev"): Tf => cached(`main ${name}`, () => synthStack(exampleEnvironment(name)));
/** The example's bootstrap stack (pipeline roles, GitHub's OIDC provider, state bucket), a fresh copy. */
export const bootstrapStack = (name = "dev"): Tf => cached(`bootstrap ${name}`, () => bootstrapOf(exampleEnvironment(name)));

/** Staging with Identity Center in another account: the pipeline's bootstrap (roles that chain), a fresh copy. */
export const crossAccountBootstrapStack = (): Tf => cached("bootstrap cross-account", () => bootstrapOf(crossAccountEnvironment()));
/** Staging with Identity Center in another account: the roles there, a fresh copy. */
export const identityCenterBootstrapStack = (): Tf =>
  cached("identity-center bootstrap", () => Testing.synth(new IdentityCenterBootstrapStack(testApp(), { environment: crossAccountEnvironment() })));

/** Rewrites the JSON policy document in `body[attribute]`. */
export function editJson(body: Tf, attribute: string, edit: (doc: Tf) => void): void {
  const doc = JSON.parse(body[attribute]);
  edit(doc);
  body[attribute] = JSON.stringify(doc);
}

export const federationRole = (tf: Tf): Tf => tf.resource.aws_iam_role.federation_role;
/** Edits the federation role's trust statement. */
export const setTrust =
  (edit: (statement: Tf) => void): Edit =>
  (tf) =>
    editJson(federationRole(tf), "assume_role_policy", (doc) => edit(doc.Statement[0]));
/** Edits the federation policy's statement. */
export const setPolicy =
  (edit: (statement: Tf) => void): Edit =>
  (tf) =>
    editJson(tf.resource.aws_iam_role_policy.federation_policy, "policy", (doc) => edit(doc.Statement[0]));

export const SUB = "token.actions.githubusercontent.com:sub";
export const AUD = "token.actions.githubusercontent.com:aud";
export const pipelineRole = (tf: Tf, kind: "plan" | "apply"): Tf => tf.resource.aws_iam_role[`pipeline_${kind}_role`];
/** Edits a pipeline role's trust statement. */
export const trustOf =
  (kind: "plan" | "apply", edit: (statement: Tf) => void): Edit =>
  (tf) =>
    editJson(pipelineRole(tf, kind), "assume_role_policy", (doc) => edit(doc.Statement[0]));
/** Edits a pipeline role's policy statements. */
export const policyOf =
  (kind: "plan" | "apply", edit: (statements: Tf[]) => void): Edit =>
  (tf) =>
    editJson(tf.resource.aws_iam_role_policy[`pipeline_${kind}_policy`], "policy", (doc) => edit(doc.Statement));
/** The pipeline policies' deny of the Connect token actions. */
export const tokenDeny = (statements: Tf[]): Tf => statements.find((s) => s.Sid === "NoConnectSessionTokens")!;

/** The rules the whole pack finds violated in `tf`, in order. */
export const rulesFired = (tf: Tf): string[] => checkStack(tf).map((v) => v.rule);

/**
 * Compliant case: the rule, seeing only what it declares it reads, passes every example's main and
 * bootstrap stack, and both bootstrap stacks of staging with Identity Center in another account.
 */
export function itPassesTheExamples(rule: SecurityRule): void {
  test.each(EXAMPLES.flatMap((name) => [["main", name] as const, ["bootstrap", name] as const]))(
    `GIVEN the %s stack of the %s example WHEN ${rule.id} checks it THEN it passes`,
    (stack, name) => {
      expect(checkRule(rule, stack === "main" ? mainStack(name) : bootstrapStack(name))).toEqual([]);
    },
  );
  test.each([
    ["pipeline's bootstrap", crossAccountBootstrapStack],
    ["Identity Center bootstrap", identityCenterBootstrapStack],
  ] as const)(`GIVEN the %s stack of staging with Identity Center in another account WHEN ${rule.id} checks it THEN it passes`, (_, stack) => {
    expect(checkRule(rule, stack())).toEqual([]);
  });
}

/**
 * Non-compliant case: the whole pack finds exactly one violation, of `rule`, on `address`, and its
 * message says what is allowed.
 */
export function expectAlone(tf: Tf, rule: SecurityRule, address: string): void {
  expect(checkStack(tf)).toEqual([{ rule: rule.id, address, message: expect.stringContaining("allowed") }]);
}
