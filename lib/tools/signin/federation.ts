/**
 * The federation role as synth writes it: the environment's main stack is built in memory, and its
 * role, trust policy, permission policy and session length are read from the resolved Terraform
 * JSON (lib/synth's securityView), so the proof and the live comparison use what is applied, not a
 * second copy of the rules.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { App } from "cdktf";
import type { Environment } from "../../config/environment";
import { connectInstanceArn, roleArn, samlProviderArn, stackName } from "../../rules/naming";
import { securityView } from "../../synth/synth";
import { ConnectSsoStack } from "../../../stacks/connect-sso-stack";

/** An IAM policy document as JSON. */
export type PolicyJson = { readonly Version?: string; readonly Statement: ReadonlyArray<Record<string, unknown>> };

export interface Federation {
  readonly stack: string;
  readonly roleName: string;
  readonly roleArn: string;
  readonly providerArn: string;
  /** The Connect instance's ID; a placeholder while a created instance's ID is unknown (see instanceKnown). */
  readonly instanceId: string;
  readonly instanceKnown: boolean;
  readonly instanceArn: string;
  /** The role's trust policy, Terraform references resolved. */
  readonly trustPolicy: PolicyJson;
  /** The role's inline policies by name, Terraform references resolved and `$${…}` unescaped. */
  readonly permissionPolicies: Readonly<Record<string, PolicyJson>>;
  /** `max_session_duration`, seconds. */
  readonly maxSessionSeconds: number;
}

/** Stands for the ID of an instance the stack creates, until it exists. */
export const CREATED_INSTANCE_PLACEHOLDER = "created-instance-id-known-after-apply";

/** Resource addresses of the federation role in the main stack (module federation-role.ts names them so). */
const ROLE = ["aws_iam_role", "federation_role"] as const;
const POLICY = ["aws_iam_role_policy", "federation_policy"] as const;
const PROVIDER_ARN_REFERENCE = "aws_iam_saml_provider.saml_provider.arn";
const INSTANCE_ARN_REFERENCES = ["aws_connect_instance.connect_instance.arn", "data.aws_connect_instance.connect_instance.arn"];

/** Why the synthesized stack cannot be read as expected (a changed module): the command stops with exit 2. */
export class FederationShapeError extends Error {}

/**
 * Builds the environment's main stack and reads its federation role. `instanceId` gives the ID of
 * an instance the stack created (read live); without it such an instance gets a placeholder.
 */
export function synthesizedFederation(env: Environment, options: { readonly instanceId?: string } = {}): Federation {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-signin-"));
  let view: { resource?: Record<string, Record<string, Record<string, unknown>>> };
  try {
    const app = new App({ outdir, skipBackendValidation: true });
    view = securityView(new ConnectSsoStack(app, { environment: env })) as typeof view;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const resource = (type: string, name: string) => {
    const found = view.resource?.[type]?.[name];
    if (!found) throw new FederationShapeError(`the synthesized stack ${stackName(env.name)} has no ${type}.${name}`);
    return found;
  };
  const role = resource(...ROLE);
  const policy = resource(...POLICY);
  const existing = env.connect.kind === "existing" ? env.connect.instanceId : undefined;
  const instanceId = existing ?? options.instanceId ?? CREATED_INSTANCE_PLACEHOLDER;
  const instanceArn = connectInstanceArn(env.partition, env.region, env.account, instanceId);
  const providerArn = samlProviderArn(env.partition, env.account, env.iam.samlProviderName);
  const known: Record<string, string> = { [PROVIDER_ARN_REFERENCE]: providerArn, ...Object.fromEntries(INSTANCE_ARN_REFERENCES.map((r) => [r, instanceArn])) };
  const document = (value: unknown, what: string): PolicyJson => {
    if (typeof value !== "string") throw new FederationShapeError(`${what} of ${stackName(env.name)} is not a JSON string`);
    return JSON.parse(resolveReferences(value, known, `${what} of ${stackName(env.name)}`)) as PolicyJson;
  };
  return {
    stack: stackName(env.name),
    roleName: String(role.name),
    roleArn: roleArn(env.partition, env.account, String(role.name)),
    providerArn,
    instanceId,
    instanceKnown: instanceId !== CREATED_INSTANCE_PLACEHOLDER,
    instanceArn,
    trustPolicy: document(role.assume_role_policy, `${ROLE.join(".")}.assume_role_policy`),
    permissionPolicies: { [String(policy.name)]: document(policy.policy, `${POLICY.join(".")}.policy`) },
    maxSessionSeconds: Number(role.max_session_duration),
  };
}

/**
 * Replaces Terraform references (`${a.b.c}`) by known values and unescapes `$${…}` (an IAM policy
 * variable); a reference it does not know stops it (fail closed: a policy it cannot resolve is not proven).
 */
export function resolveReferences(text: string, known: Readonly<Record<string, string>>, what: string): string {
  const unknown: string[] = [];
  const resolved = text.replace(/(\$?)\$\{([^}]*)\}/g, (match, escape: string, reference: string) => {
    if (escape) return `\${${reference}}`;
    if (reference in known) return known[reference];
    unknown.push(reference);
    return match;
  });
  if (unknown.length > 0) throw new FederationShapeError(`${what} refers to ${unknown.map((u) => `\${${u}}`).join(", ")}, which this command cannot resolve`);
  return resolved;
}
