/**
 * `--live`: read-only checks of a deployed environment through the AWS SDK for JavaScript v3.
 * Credentials come from the SDK's usual chain; each service's endpoint can be overridden (the SDK
 * also honours AWS_ENDPOINT_URL_<SERVICE>). The Regions are the environment file's: the instance's
 * for Connect, Identity Center's home Region for sso-admin and identitystore. Only Get, List and
 * Describe operations are called (and STS AssumeRole for identityCenter.assumeRoleArn).
 */
import { isDeepStrictEqual } from "node:util";
import { ConnectClient, DescribeInstanceCommand, paginateListInstances, paginateListUsers } from "@aws-sdk/client-connect";
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  GetSAMLProviderCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
} from "@aws-sdk/client-iam";
import { DescribeUserCommand, GetUserIdCommand, IdentitystoreClient, paginateListGroupMembershipsForMember } from "@aws-sdk/client-identitystore";
import { paginateListApplicationAssignments, paginateListInstances as paginateListSsoInstances, SSOAdminClient } from "@aws-sdk/client-sso-admin";
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Environment } from "../../config/environment";
import { checkMetadata } from "../../config/metadata";
import { pipelineRoleArns } from "../../rules/policies";
import { synthesizedFederation, type Federation } from "./federation";
import { fail, pass, quote, type Finding } from "./report";
import { DOC_ROWS, type DocRow } from "./troubleshooting";

export type LiveService = "iam" | "sts" | "connect" | "ssoAdmin" | "identitystore";

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface LiveOptions {
  /** Endpoint per service (tests: loopback); default: the SDK's (AWS, or AWS_ENDPOINT_URL_<SERVICE>). */
  readonly endpoints?: Partial<Record<LiveService, string>>;
  /** Default: the SDK's credential chain. */
  readonly credentials?: Credentials;
}

export interface LiveResult {
  /** The account, the instance, the SAML provider and the role. */
  readonly environment: Finding[];
  /** One per configured user. */
  readonly users: Finding[];
  /** The federation role as synthesized for the instance found (a created instance's real ID). */
  readonly federation: Federation;
  /** The role's unique ID (AROA…), when the role was read. */
  readonly roleId?: string;
}

/** The checks cannot run at all (no credentials): the command stops with exit 2. */
export class LiveUnavailableError extends Error {}

interface Problem {
  readonly what: string;
  readonly fix: string;
  readonly docRow?: DocRow;
}

/** An SDK error as one line: `Operation: Name: message`. */
function describeError(operation: string, error: unknown): string {
  const e = error as { name?: string; message?: string };
  return `${operation}: ${e.name ?? "Error"}: ${e.message ?? String(error)}`;
}

function isCredentialsError(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? "";
  return name === "CredentialsProviderError" || /Could not load credentials/.test((error as Error).message ?? "");
}

function notFound(error: unknown): boolean {
  return ["NoSuchEntityException", "NoSuchEntity", "ResourceNotFoundException"].includes((error as { name?: string }).name ?? "");
}

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

export async function liveChecks(env: Environment, options: LiveOptions = {}): Promise<LiveResult> {
  const config = (service: LiveService, region: string, credentials = options.credentials) => ({
    region,
    maxAttempts: 3,
    ...(options.endpoints?.[service] ? { endpoint: options.endpoints[service] } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const sts = new STSClient(config("sts", env.region));
  const iam = new IAMClient(config("iam", env.region));
  const connect = new ConnectClient(config("connect", env.region));
  const environment: Finding[] = [];

  let account: string | undefined;
  try {
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    if (isCredentialsError(error))
      throw new LiveUnavailableError(`--live needs AWS credentials (the SDK's usual chain found none): ${(error as Error).message}`);
    throw new LiveUnavailableError(`--live could not reach STS: ${describeError("GetCallerIdentity", error)}`);
  }
  if (account !== env.account) {
    environment.push(
      fail(
        "account",
        `the credentials are for account ${account ?? "?"}, the environment's is ${env.account}`,
        `run with credentials of account ${env.account}`,
      ),
    );
    return { environment, users: [], federation: synthesizedFederation(env) };
  }
  environment.push(pass("account", `${account} (the credentials' account)`));

  const instance = await instanceFinding(env, connect);
  environment.push(instance.finding);
  const federation = synthesizedFederation(env, { instanceId: instance.id });
  environment.push(await providerFinding(env, iam, federation));
  const role = await roleFindings(iam, federation);
  environment.push(...role.findings);

  const users = await userFindings(env, connect, instance.id, config);
  return { environment, users, federation, roleId: role.roleId };
}

async function instanceFinding(env: Environment, connect: ConnectClient): Promise<{ finding: Finding; id?: string }> {
  const fixSaml = "Connect cannot change an instance's identity management: use an instance created with SAML (connect.instanceId) or let the stack create one";
  try {
    if (env.connect.kind === "existing") {
      const id = env.connect.instanceId;
      const described = (await connect.send(new DescribeInstanceCommand({ InstanceId: id }))).Instance;
      const type = described?.IdentityManagementType;
      return type === "SAML"
        ? { finding: pass("instance", `${id} uses SAML`), id }
        : { finding: fail("instance", `${id} uses ${type ?? "an unknown identity management"}, not SAML`, fixSaml), id };
    }
    const alias = env.connect.alias;
    const pages = await collect(paginateListInstances({ client: connect }, {}));
    const found = pages.flatMap((p) => p.InstanceSummaryList ?? []).find((i) => i.InstanceAlias === alias);
    if (!found?.Id) return { finding: fail("instance", `no instance has the alias ${quote(alias)}`, "apply the stack (it creates the instance)") };
    return found.IdentityManagementType === "SAML"
      ? { finding: pass("instance", `${found.Id} (alias ${alias}) uses SAML`), id: found.Id }
      : { finding: fail("instance", `${found.Id} (alias ${alias}) uses ${found.IdentityManagementType ?? "?"}, not SAML`, fixSaml), id: found.Id };
  } catch (error) {
    return { finding: fail("instance", describeError("DescribeInstance", error), "run with credentials that may read the instance (the plan role's rights)") };
  }
}

async function providerFinding(env: Environment, iam: IAMClient, federation: Federation): Promise<Finding> {
  const label = "SAML provider";
  const apply = `apply the stack so the provider holds ${env.ssoApplication.metadataFile}`;
  let document: string | undefined;
  try {
    document = (await iam.send(new GetSAMLProviderCommand({ SAMLProviderArn: federation.providerArn }))).SAMLMetadataDocument;
  } catch (error) {
    return fail(label, describeError("GetSAMLProvider", error), notFound(error) ? apply : "run with credentials that may read IAM (iam:GetSAMLProvider)");
  }
  if (document === env.ssoApplication.metadataXml) return pass(label, `${federation.providerArn} holds exactly ${env.ssoApplication.metadataFile}`);
  // Explain the difference by what decides who can sign in: the certificates.
  const live = checkMetadata(document ?? "", new Date()).certificates.map((c) => c.fingerprint256);
  const file = env.ssoApplication.certificates.map((c) => c.fingerprint256);
  const certificates = isDeepStrictEqual(live, file)
    ? "the same signing certificates"
    : `signing certificates ${live.join(", ") || "none"} (the file: ${file.join(", ")})`;
  return fail(label, `${federation.providerArn} holds other metadata than ${env.ssoApplication.metadataFile}: ${certificates}`, apply);
}

function parsePolicy(text: string | undefined): unknown {
  try {
    return JSON.parse(decodeURIComponent(text ?? ""));
  } catch {
    return text;
  }
}

async function roleFindings(iam: IAMClient, federation: Federation): Promise<{ findings: Finding[]; roleId?: string }> {
  const name = federation.roleName;
  const apply = "apply the stack (it replaces hand-made changes to the role)";
  try {
    const role = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
    const trust = parsePolicy(role?.AssumeRolePolicyDocument);
    const findings = [
      equalFinding(`role ${name} trust policy`, trust, federation.trustPolicy, apply),
      role?.MaxSessionDuration === federation.maxSessionSeconds
        ? pass(`role ${name} session length`, `${federation.maxSessionSeconds} s`)
        : fail(`role ${name} session length`, `${role?.MaxSessionDuration} s, synthesized ${federation.maxSessionSeconds} s`, apply),
    ];
    const names = (await collect(paginateListRolePolicies({ client: iam }, { RoleName: name }))).flatMap((p) => p.PolicyNames ?? []);
    const live: Record<string, unknown> = {};
    for (const policyName of names) {
      live[policyName] = parsePolicy((await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName }))).PolicyDocument);
    }
    const attached = (await collect(paginateListAttachedRolePolicies({ client: iam }, { RoleName: name }))).flatMap((p) => p.AttachedPolicies ?? []);
    findings.push(
      equalFinding(
        `role ${name} permission policies`,
        { inline: live, managed: attached.map((a) => a.PolicyArn) },
        { inline: federation.permissionPolicies, managed: [] },
        apply,
      ),
    );
    return { findings, roleId: role?.RoleId };
  } catch (error) {
    return {
      findings: [
        fail(
          `role ${name}`,
          describeError("GetRole", error),
          notFound(error) ? "apply the stack (it creates the role)" : "run with credentials that may read IAM",
        ),
      ],
    };
  }
}

function equalFinding(label: string, live: unknown, synthesized: unknown, fix: string): Finding {
  if (isDeepStrictEqual(live, synthesized)) return pass(label, "equals the synthesized one");
  return fail(label, `differs from the synthesized one: live ${JSON.stringify(live)}, synthesized ${JSON.stringify(synthesized)}`, fix);
}

type ClientConfig = (service: LiveService, region: string, credentials?: Credentials) => Record<string, unknown>;

/**
 * Credentials for Identity Center in another account: `assumeRoleArn`, or the read-only role the
 * bootstrap made in `identityCenter.account` (which the pipeline's plan role may assume).
 */
async function identityCenterCredentials(env: Environment, config: ClientConfig): Promise<Credentials | undefined> {
  const roleArn = env.identityCenter.assumeRoleArn ?? (env.identityCenter.account ? pipelineRoleArns(env, "plan").identityCenter : undefined);
  if (!roleArn) return undefined;
  const sts = new STSClient(config("sts", env.identityCenter.region));
  const assumed = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: "verify-signin" }))).Credentials;
  if (!assumed?.AccessKeyId || !assumed.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
  return { accessKeyId: assumed.AccessKeyId, secretAccessKey: assumed.SecretAccessKey, sessionToken: assumed.SessionToken };
}

/** One finding per user: Connect user, Identity Center user and e-mail, assignment to the application. */
async function userFindings(env: Environment, connect: ConnectClient, instanceId: string | undefined, config: ClientConfig): Promise<Finding[]> {
  const everyUser = (what: string, fix: string) => env.users.map((u) => fail(u.username, what, fix));
  let connectNames: string[] = [];
  if (instanceId) {
    try {
      connectNames = (await collect(paginateListUsers({ client: connect }, { InstanceId: instanceId }))).flatMap((p) =>
        (p.UserSummaryList ?? []).map((u) => u.Username ?? ""),
      );
    } catch (error) {
      return everyUser(describeError("ListUsers", error), "run with credentials that may list the instance's users");
    }
  }
  let credentials: Credentials | undefined;
  try {
    credentials = await identityCenterCredentials(env, config);
  } catch (error) {
    const role = env.identityCenter.assumeRoleArn
      ? `identityCenter.assumeRoleArn in ${env.file}`
      : `the read-only role ${pipelineRoleArns(env, "plan").identityCenter} (the identity-center bootstrap stack makes it; run as the pipeline's plan role)`;
    return everyUser(describeError("AssumeRole", error), `check ${role} and that these credentials may assume it`);
  }
  const region = env.identityCenter.region;
  const ssoAdmin = new SSOAdminClient(config("ssoAdmin", region, credentials));
  const store = new IdentitystoreClient(config("identitystore", region, credentials));
  let storeId = env.identityCenter.identityStoreId;
  const applicationArn = env.ssoApplication.applicationArn;
  let assignments: Array<{ PrincipalType?: string; PrincipalId?: string }> = [];
  try {
    storeId ??= (await collect(paginateListSsoInstances({ client: ssoAdmin }, {}))).flatMap((p) => p.Instances ?? [])[0]?.IdentityStoreId;
    if (applicationArn) {
      assignments = (await collect(paginateListApplicationAssignments({ client: ssoAdmin }, { ApplicationArn: applicationArn }))).flatMap(
        (p) => p.ApplicationAssignments ?? [],
      );
    }
  } catch (error) {
    return everyUser(
      describeError(storeId ? "ListApplicationAssignments" : "ListInstances", error),
      "run with credentials that may read Identity Center (sso:ListInstances, sso:ListApplicationAssignments)",
    );
  }
  if (!storeId) return everyUser("no Identity Center instance found", `set identityCenter.identityStoreId (and identityCenter.region) in ${env.file}`);

  const findings: Finding[] = [];
  for (const user of env.users) {
    const name = user.username;
    const problems: Problem[] = [];
    const facts: string[] = [];
    if (instanceId) {
      if (connectNames.includes(name)) facts.push("Connect user exists");
      else {
        const near = connectNames.find((n) => n.toLowerCase() === name.toLowerCase());
        problems.push({
          what: `no Connect user named exactly ${quote(name)}${near ? ` (there is ${quote(near)}: Connect compares user names exactly)` : ""}`,
          fix: "apply the stack (it creates the Connect users)",
        });
      }
    } else problems.push({ what: "the instance was not found, so its users were not read", fix: "apply the stack" });
    await identityCenterUser(store, storeId, name, problems, facts, assignments, applicationArn, env.file);
    findings.push(
      problems.length === 0
        ? pass(name, facts.join("; "))
        : fail(name, problems.map((p) => p.what).join("; "), [...new Set(problems.map((p) => p.fix))].join("; and "), problems.find((p) => p.docRow)?.docRow),
    );
  }
  return findings;
}

async function identityCenterUser(
  store: IdentitystoreClient,
  storeId: string,
  name: string,
  problems: Problem[],
  facts: string[],
  assignments: ReadonlyArray<{ PrincipalType?: string; PrincipalId?: string }>,
  applicationArn: string | undefined,
  environmentFile: string,
): Promise<void> {
  let userId: string;
  try {
    const found = await store.send(
      new GetUserIdCommand({ IdentityStoreId: storeId, AlternateIdentifier: { UniqueAttribute: { AttributePath: "userName", AttributeValue: name } } }),
    );
    if (!found.UserId) throw Object.assign(new Error(`GetUserId returned no UserId for ${quote(name)}`), { name: "ResourceNotFoundException" });
    userId = found.UserId;
  } catch (error) {
    problems.push(
      notFound(error)
        ? {
            what: `no Identity Center user named ${quote(name)}`,
            fix: "create the user in Identity Center with this user name and e-mail (or set identityCenter.createUsers: true)",
          }
        : { what: describeError("GetUserId", error), fix: "run with credentials that may read the identity store" },
    );
    return;
  }
  try {
    const described = await store.send(new DescribeUserCommand({ IdentityStoreId: storeId, UserId: userId }));
    const emails = described.Emails ?? [];
    const email = (emails.find((e) => e.Primary) ?? emails[0])?.Value;
    if (email === name) facts.push(`Identity Center user ${described.UserName} with e-mail ${email}`);
    else {
      problems.push({
        what: `the Identity Center user's e-mail is ${email === undefined ? "missing" : quote(email)}, so RoleSessionName (\${user:email}) would not be ${quote(name)}`,
        fix: `set the Identity Center user's primary e-mail to exactly ${quote(name)}`,
        docRow: DOC_ROWS.email,
      });
    }
  } catch (error) {
    problems.push({ what: describeError("DescribeUser", error), fix: "run with credentials that may read the identity store" });
  }
  if (!applicationArn) {
    problems.push({
      what: "the assignment to the application was not checked (no ssoApplication.applicationArn)",
      fix: `set ssoApplication.applicationArn in ${environmentFile}`,
    });
    return;
  }
  if (assignments.some((a) => a.PrincipalType === "USER" && a.PrincipalId === userId)) {
    facts.push("assigned to the application directly");
    return;
  }
  const groups = new Set(assignments.filter((a) => a.PrincipalType === "GROUP").map((a) => a.PrincipalId));
  try {
    const memberships = (
      await collect(paginateListGroupMembershipsForMember({ client: store }, { IdentityStoreId: storeId, MemberId: { UserId: userId } }))
    ).flatMap((p) => p.GroupMemberships ?? []);
    const through = memberships.find((m) => groups.has(m.GroupId));
    if (through) facts.push(`assigned to the application through group ${through.GroupId}`);
    else
      problems.push({
        what: "not assigned to the application, directly or through a group",
        fix: "assign the user to the application in Identity Center (or apply the stack, which assigns the users)",
      });
  } catch (error) {
    problems.push({ what: describeError("ListGroupMembershipsForMember", error), fix: "run with credentials that may read the identity store" });
  }
}
