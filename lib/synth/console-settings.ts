/**
 * The settings a person types into the Identity Center console (the application is console-only),
 * computed from an environment, and the per-environment sheet that lists them.
 */
import type { Environment } from "../config/environment";
import {
  acsUrl,
  attributeMappings,
  relayStateUrl,
  roleArn,
  roleAttributeValue,
  samlAudience,
  samlAudiences,
  samlProviderArn,
  stackName,
} from "../rules/naming";
import { MAIN_STACK_OUTPUTS } from "../rules/outputs";

export interface ConsoleSettings {
  readonly stack: string;
  readonly environmentFile: string;
  readonly displayName: string;
  /** Undefined while the stack is still to create the instance: read the `relay_state_url` output after apply. */
  readonly relayStateUrl?: string;
  readonly sessionDuration: string;
  readonly acsUrl: string;
  readonly audience: string;
  /** `SAML:aud` values the role admits: the ACS URLs that work (the partition's sign-in endpoint, and the Region's own). */
  readonly admittedAcsUrls: ReadonlyArray<string>;
  readonly samlProviderArn: string;
  readonly roleArn: string;
  readonly roleAttributeValue: string;
  readonly attributeMappings: ReturnType<typeof attributeMappings>;
  readonly applicationArn?: string;
  readonly metadataFile: string;
  readonly certificates: Environment["ssoApplication"]["certificates"];
  readonly users: ReadonlyArray<string>;
  /** Whether the stack assigns each user to the application (with an application ARN). */
  readonly assignUsers: boolean;
  /** Identity Center groups the stack assigns to the application, by display name. */
  readonly groups: ReadonlyArray<string>;
  /** The application's "assignment required" as the stack sets it; undefined: not managed. */
  readonly assignmentRequired?: boolean;
}

/** "10 hours", "15 minutes", "1 hour 30 minutes": as the console's picker reads. */
export function describeDuration(hours: number): string {
  const minutes = Math.round(hours * 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  const parts = [h ? `${h} hour${h === 1 ? "" : "s"}` : "", m ? `${m} minute${m === 1 ? "" : "s"}` : ""];
  return parts.filter(Boolean).join(" ");
}

export function consoleSettings(env: Environment): ConsoleSettings {
  const provider = samlProviderArn(env.partition, env.account, env.iam.samlProviderName);
  const role = roleArn(env.partition, env.account, env.iam.roleName);
  const attribute = roleAttributeValue(role, provider);
  return {
    stack: stackName(env.name),
    environmentFile: env.file,
    displayName: env.ssoApplication.displayName,
    relayStateUrl:
      env.connect.kind === "existing"
        ? relayStateUrl({ partition: env.partition, region: env.region, instanceId: env.connect.instanceId, destination: env.ssoApplication.destination })
        : undefined,
    sessionDuration: describeDuration(env.ssoApplication.sessionDurationHours),
    acsUrl: acsUrl(env.partition),
    audience: samlAudience(env.partition),
    admittedAcsUrls: samlAudiences(env.partition, env.region),
    samlProviderArn: provider,
    roleArn: role,
    roleAttributeValue: attribute,
    attributeMappings: attributeMappings(attribute),
    applicationArn: env.ssoApplication.applicationArn,
    metadataFile: env.ssoApplication.metadataFile,
    certificates: env.ssoApplication.certificates,
    users: env.users.map((u) => u.username),
    assignUsers: env.ssoApplication.assignUsers ?? true,
    groups: env.ssoApplication.groups ?? [],
    assignmentRequired: env.ssoApplication.assignmentRequired,
  };
}

/** The Markdown sheet written next to each synthesized stack. */
export function renderConsoleSheet(s: ConsoleSettings): string {
  const relay = s.relayStateUrl ?? `(known after apply: \`cdktf output ${s.stack}\` → \`${MAIN_STACK_OUTPUTS.relayStateUrl.name}\`)`;
  const rows = s.attributeMappings.map((m) => `| \`${m.attribute}\` | \`${m.value}\` | ${m.format} |`).join("\n");
  const certs = s.certificates.map((c) => `- ${c.subject}, valid to ${c.validTo.toISOString().slice(0, 10)}, SHA-256 ${c.fingerprint256}`).join("\n");
  return `# Identity Center console settings: ${s.stack}

Generated from \`${s.environmentFile}\` by \`npm run synth\`. The Amazon Connect application in
IAM Identity Center has no API for these settings: type them in the console exactly as shown.

## Application (IAM Identity Center → Applications → Amazon Connect)

| Setting | Value |
| --- | --- |
| Display name | ${s.displayName} |
| Application ARN | ${s.applicationArn ? `\`${s.applicationArn}\`` : "(not set: add ssoApplication.applicationArn to have assignments managed)"} |
| Relay state | \`${relay}\` |
| Session duration | ${s.sessionDuration} |
| Application ACS URL | \`${s.acsUrl}\` |
| Application SAML audience | \`${s.audience}\` |

Download the application's **IAM Identity Center SAML metadata file** into \`${s.metadataFile}\`
(next to the environment file); the stack makes the IAM SAML provider from it.

## What IAM checks when an agent signs in

\`npm run verify-signin -- <env> --saml-response <file>\` checks a captured SAML response against this list.

- **Destination** and **Recipient** are the Application ACS URL. IAM accepts the partition's sign-in
  endpoint or a Region's own sign-in endpoint where AWS lists one (AWS Sign-In endpoints), and it
  gives the role's trust policy the Recipient as \`SAML:aud\`: this role admits
  ${s.admittedAcsUrls.map((u) => `\`${u}\``).join(" and ")}, so ${s.admittedAcsUrls.length > 1 ? "either works as the ACS URL" : "type the ACS URL exactly as above"}.
- **Audience** is \`${s.audience}\` or \`urn:amazon:webservices\`.
- **Issuer** is the entityID of \`${s.metadataFile}\`, and the signature verifies with its signing certificate.
- **RoleSessionName** is the user's e-mail and equals a Connect user name below, case included.
- **Role** is \`${s.roleAttributeValue}\`: role ARN, one comma, provider ARN, no space (IAM also
  reads the provider ARN first).
- **SessionDuration**, if sent, is at most the role's maximum session, which the stack sets to the
  session duration above (at least one hour).

## Attribute mappings (Actions → Edit attribute mappings)

| User attribute in the application | Maps to this string value or user attribute in IAM Identity Center | Format |
| --- | --- | --- |
${rows}

The role value is also the stack output \`${MAIN_STACK_OUTPUTS.roleAttributeValue.name}\`; after apply, check that they agree.

## IAM resources this stack manages

- SAML provider: \`${s.samlProviderArn}\`
- Federation role: \`${s.roleArn}\`

## Signing certificate in the metadata

${certs}

${assignmentSection(s)}

## Users (${s.users.length})

Each must exist in Identity Center with this exact user name and email, and reach the application
${usersReach(s)}.

${s.users.map((u) => `- ${u}`).join("\n") || "- (none)"}
`;
}

/** How the users reach the application: their own assignment, a group's, or an open application. */
function usersReach(s: ConsoleSettings): string {
  if (!s.applicationArn) return "(assign them, or their groups, in the console)";
  if (s.assignUsers) return "(the stack assigns each of them)";
  if (s.assignmentRequired === false) return "(assignment is not required: every user of the directory may use it)";
  return "through the groups above (the stack assigns the groups, not their members: add each user to a group in Identity Center)";
}

/** What the stack manages about who may use the application, and what stays in the console. */
function assignmentSection(s: ConsoleSettings): string {
  if (!s.applicationArn) {
    return `## Assignments

Not managed (no application ARN): assign users or groups, and set "assignment required", in the console.`;
  }
  const required =
    s.assignmentRequired === undefined
      ? "not managed: the console's setting stays (ssoApplication.assignmentRequired sets it)"
      : `${s.assignmentRequired ? "yes" : "no"}, set by the stack (removing the key resets it to AWS's default, yes)`;
  const groups = s.groups.map((g) => `- ${JSON.stringify(g)}`).join("\n") || "- (none)";
  return `## Assignments (Applications → Amazon Connect → Assigned users and groups)

| What | Managed by the stack |
| --- | --- |
| Users assigned one by one | ${s.assignUsers ? `yes: the ${s.users.length} users below` : "no (ssoApplication.assignUsers is false)"} |
| Groups assigned | ${s.groups.length ? `yes: the ${s.groups.length} group${s.groups.length === 1 ? "" : "s"} below` : "none"} |
| Assignment required | ${required} |
| Group membership (who is in each group) | no: Identity Center, or the identity source it syncs from |
| The application's own settings (above), other assignments made in the console | no: the console |

Groups assigned, by display name exactly as in the identity store:

${groups}`;
}
