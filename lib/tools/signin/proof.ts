/**
 * Policy proof, offline: the synthesized trust and permission policies evaluated with an IAM policy
 * simulator (@cloud-copilot/iam-simulate) for the two requests a sign-in makes:
 *
 * 1. `sts:AssumeRoleWithSAML` on the role, from the SAML provider, with `SAML:aud` (IAM takes it
 *    from the response's Recipient), evaluated against the trust policy;
 * 2. `connect:GetFederationToken` on `instance/<id>/user/<role-id>:<session-name>` by the role
 *    session (`aws:userid` = `<role-id>:<session-name>`), evaluated against the permission policy.
 *
 * And the requests that must be denied: another instance, another user's session, another provider.
 */
import { runSimulation, type EvaluationResult, type Simulation } from "@cloud-copilot/iam-simulate";
import type { Federation, PolicyJson } from "./federation";
import { fail, pass, type Finding } from "./report";
import { DOC_ROWS } from "./troubleshooting";

/** Stands for the role's unique ID (AROA…) until the role exists; --live reads the real one. */
export const ROLE_ID_PLACEHOLDER = "role-id-known-after-apply";

/** An instance that is not the environment's, for the "another instance" denial. */
const OTHER_INSTANCE_ID = "00000000-0000-4000-8000-000000000000";
const OTHER_PROVIDER_NAME = "AnotherIdentityProvider";
const OTHER_USER = "another.user@example.invalid";

/** A role session of the federation role. */
interface Session {
  readonly sessionName: string;
  /** The role's unique ID (GetRole's RoleId, or STS's AssumedRoleId before the colon). */
  readonly roleId: string;
  /** The session's ARN, as STS returns it; derived from the role when not given. */
  readonly sessionArn?: string;
}

/** Why a simulation could not run (a policy the simulator cannot read): the command stops with exit 2. */
export class ProofError extends Error {}

async function decide(simulation: Simulation, what: string): Promise<EvaluationResult> {
  const result = await runSimulation(simulation, { simulationMode: "Strict" });
  if (result.resultType === "error") throw new ProofError(`${what}: the simulator refused the request: ${result.errors.message}`);
  if (result.resultType !== "single") throw new ProofError(`${what}: the simulator answered for a wildcard resource (${result.resultType})`);
  return result.overallResult;
}

function accountOf(arn: string): string {
  return arn.split(":")[4];
}

/** `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`, as STS names a role session. */
export function sessionArnOf(federation: Federation, sessionName: string): string {
  const [, partition, , , account] = federation.roleArn.split(":");
  return `arn:${partition}:sts::${account}:assumed-role/${federation.roleName}/${sessionName}`;
}

/** The resource IAM checks when the session asks Connect for a federation token as `session`'s own user. */
function tokenRequestResource(federation: Federation, roleId: string, sessionName: string): string {
  return `${federation.instanceArn}/user/${roleId}:${sessionName}`;
}

function assumeRoleWithSaml(federation: Federation, providerArn: string, audience: string): Promise<EvaluationResult> {
  return decide(
    {
      request: {
        principal: providerArn,
        action: "sts:AssumeRoleWithSAML",
        resource: { resource: federation.roleArn, accountId: accountOf(federation.roleArn) },
        contextVariables: { "saml:aud": audience },
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: federation.trustPolicy,
    },
    `sts:AssumeRoleWithSAML on ${federation.roleArn}`,
  );
}

function getFederationToken(federation: Federation, session: Session, resource: string): Promise<EvaluationResult> {
  return decide(
    {
      request: {
        principal: session.sessionArn ?? sessionArnOf(federation, session.sessionName),
        action: "connect:GetFederationToken",
        resource: { resource, accountId: accountOf(federation.roleArn) },
        // Connect sets connect:InstanceId for the instance asked about (the doc's policy form conditions on it).
        contextVariables: { "aws:userid": `${session.roleId}:${session.sessionName}`, "connect:InstanceId": /instance\/([^/]+)/.exec(resource)?.[1] ?? "" },
      },
      identityPolicies: Object.entries(federation.permissionPolicies).map(([name, policy]) => ({ name, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    `connect:GetFederationToken on ${resource}`,
  );
}

/** The `SAML:aud` values a trust policy's statements name (for messages). */
export function trustAudiences(policy: PolicyJson): string[] {
  const values = policy.Statement.flatMap((s) =>
    Object.values((s.Condition ?? {}) as Record<string, Record<string, unknown>>).flatMap((operator) =>
      Object.entries(operator)
        .filter(([key]) => key.toLowerCase() === "saml:aud")
        .flatMap(([, v]) => (Array.isArray(v) ? v : [v]).map(String)),
    ),
  );
  return [...new Set(values)];
}

export interface ProofRequest {
  /** Session name: the user's RoleSessionName. */
  readonly sessionName: string;
  /** The SAML provider the response names (the environment's, unless a response names another). */
  readonly providerArn: string;
  /** `SAML:aud`: the response's Recipient, or the application's ACS URL. */
  readonly audience: string;
  readonly roleId: string;
  readonly sessionArn?: string;
  /** The application's ACS URL, for the fix. */
  readonly acsUrl: string;
}

/** Both requests of one sign-in, as one finding labelled with the session name. */
export async function proveSignin(federation: Federation, request: ProofRequest, label = request.sessionName): Promise<Finding> {
  const trust = await assumeRoleWithSaml(federation, request.providerArn, request.audience);
  if (trust !== "Allowed") {
    const audiences = trustAudiences(federation.trustPolicy);
    if (request.providerArn !== federation.providerArn) {
      return fail(
        label,
        `sts:AssumeRoleWithSAML ${trust}: the trust policy trusts ${federation.providerArn}, not ${request.providerArn}`,
        "map the Role attribute to this environment's pair (see the console sheet)",
      );
    }
    return fail(
      label,
      `sts:AssumeRoleWithSAML ${trust}: the trust policy admits SAML:aud ${audiences.join(", ") || "(none)"}, and IAM takes SAML:aud from the Recipient ${request.audience}`,
      `in the Identity Center console, set the application's "Application ACS URL" to ${request.acsUrl}`,
      DOC_ROWS.acsUrl,
    );
  }
  const session: Session = { sessionName: request.sessionName, roleId: request.roleId, sessionArn: request.sessionArn };
  const resource = tokenRequestResource(federation, request.roleId, request.sessionName);
  const token = await getFederationToken(federation, session, resource);
  if (token !== "Allowed") {
    return fail(
      label,
      `connect:GetFederationToken ${token} on ${resource}`,
      "restore the federation policy the stack synthesizes (lib/rules/policies.ts) and apply",
    );
  }
  return pass(label, `sts:AssumeRoleWithSAML allowed (SAML:aud ${request.audience}); connect:GetFederationToken allowed on ${resource}`);
}

/** The requests that must be denied, for one session of the environment. */
async function proveDenials(federation: Federation, request: ProofRequest): Promise<Finding[]> {
  const session: Session = { sessionName: request.sessionName, roleId: request.roleId, sessionArn: request.sessionArn };
  const otherInstance = tokenRequestResource(
    { ...federation, instanceArn: federation.instanceArn.replace(/instance\/[^/]+$/, `instance/${OTHER_INSTANCE_ID}`) },
    request.roleId,
    request.sessionName,
  );
  const otherUser = tokenRequestResource(federation, request.roleId, OTHER_USER);
  const otherProvider = federation.providerArn.replace(/saml-provider\/.+$/, `saml-provider/${OTHER_PROVIDER_NAME}`);
  const cases: Array<{ label: string; what: string; decision: Promise<EvaluationResult> }> = [
    { label: "another instance", what: `connect:GetFederationToken on ${otherInstance}`, decision: getFederationToken(federation, session, otherInstance) },
    {
      label: "another user's session",
      what: `connect:GetFederationToken on ${otherUser} by the session of ${request.sessionName}`,
      decision: getFederationToken(federation, session, otherUser),
    },
    {
      label: "another provider",
      what: `sts:AssumeRoleWithSAML from ${otherProvider}`,
      decision: assumeRoleWithSaml(federation, otherProvider, request.audience),
    },
  ];
  const restore = "the synthesized policies are wider than this project's: restore lib/rules/policies.ts and modules/federation-role.ts";
  return Promise.all(
    cases.map(async (c) => {
      const decision = await c.decision;
      return decision === "Allowed" ? fail(`denied: ${c.label}`, `${c.what} is Allowed`, restore) : pass(`denied: ${c.label}`, `${c.what}: ${decision}`);
    }),
  );
}

/** What every sign-in of an environment shares in the proof. */
export interface ProofContext {
  /** `SAML:aud`: the response's Recipient, or the application's ACS URL. */
  readonly audience: string;
  readonly roleId: string;
  /** The application's ACS URL, for fixes. */
  readonly acsUrl: string;
}

/**
 * The proof of an environment: the response's own session first (when a response names one),
 * then every configured user, then the denials (for the first user's session).
 */
export async function proveEnvironment(
  federation: Federation,
  usernames: ReadonlyArray<string>,
  context: ProofContext,
  response?: { readonly name: string; readonly providerArn: string; readonly sessionArn?: string },
): Promise<Finding[]> {
  const request = (sessionName: string, providerArn = federation.providerArn, sessionArn?: string): ProofRequest => ({
    ...context,
    sessionName,
    providerArn,
    sessionArn,
  });
  const findings: Finding[] = [];
  if (response)
    findings.push(await proveSignin(federation, request(response.name, response.providerArn, response.sessionArn), `this response (${response.name})`));
  for (const name of usernames) findings.push(await proveSignin(federation, request(name)));
  if (usernames.length > 0) findings.push(...(await proveDenials(federation, request(usernames[0]))));
  return findings;
}
