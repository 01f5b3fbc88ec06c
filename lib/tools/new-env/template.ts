/**
 * The environment file `npm run new-env` writes: the few keys a first environment needs, each
 * commented, and the optional ones a team adds next, commented out.
 */
import { ENVIRONMENT_SCHEMA_FILE } from "../../config/environments-dir";
import type { InstanceChoice } from "./instance";

export interface NewEnvironment {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly instance: InstanceChoice;
  /** Identity Center's account when it is not the environment's. */
  readonly identityCenterAccount?: string;
  /** Identity Center's home Region when it is not the environment's. */
  readonly identityCenterRegion?: string;
  /** A role in Identity Center's account when it is not the environment's. */
  readonly identityCenterRoleArn?: string;
  /** The metadata file is the placeholder (not downloaded yet). */
  readonly placeholder: boolean;
}

export function environmentFileText(env: NewEnvironment): string {
  const connect =
    env.instance.kind === "existing"
      ? [`  instanceId: ${env.instance.id}          # the existing instance; it must use SAML (identity management cannot change later)`]
      : [`  create:                                           # a new SAML instance, made by the first apply`, `    alias: ${env.instance.alias}`];
  const identityCenter = [
    ...(env.identityCenterAccount
      ? [
          `  account: "${env.identityCenterAccount}"          # Identity Center's account: its bootstrap stack (connect-sso-${env.name}-identity-center-bootstrap) makes the pipeline's roles there`,
        ]
      : []),
    ...(env.identityCenterRegion ? [`  region: ${env.identityCenterRegion}                 # Identity Center's home Region (Settings in its console)`] : []),
    ...(env.identityCenterRoleArn
      ? [`  assumeRoleArn: ${env.identityCenterRoleArn}   # a role in Identity Center's account that the plans and applies assume`]
      : []),
  ];
  return [
    // Editors that speak the YAML language server validate and complete the file against it.
    `# yaml-language-server: $schema=../${ENVIRONMENT_SCHEMA_FILE}`,
    `# ${env.name}: written by npm run new-env. Every key: docs/environment-file.md.`,
    `account: "${env.account}"                 # the AWS account of the Connect instance`,
    `region: ${env.region}`,
    "",
    "# The pipeline keeps state in S3 (it refuses local state): uncomment with your bucket",
    "# (npm run synth makes a bootstrap stack that can create it, with pipeline: below).",
    "# backend:",
    `#   s3: { bucket: <your-state-bucket>, region: ${env.region} }`,
    "# pipeline:",
    "#   repository: <owner>/<repo>",
    "",
    "connect:",
    ...connect,
    "",
    ...(identityCenter.length ? ["identityCenter:", ...identityCenter, ""] : []),
    "ssoApplication:",
    `  displayName: Amazon Connect (${env.name})`,
    env.placeholder
      ? `  metadataFile: metadata/${env.name}.xml     # a PLACEHOLDER: download the application's metadata from IAM Identity Center into it`
      : `  metadataFile: metadata/${env.name}.xml     # the Amazon Connect application's metadata, as downloaded from IAM Identity Center`,
    "  sessionDurationHours: 12                       # type the same in the application's Session duration (Identity Center console)",
    "",
    "# Each user's username is their Identity Center user name (an e-mail). Security and routing",
    "# profiles and hierarchy groups must already exist in the Connect instance, by these names.",
    "users: []",
    "#  - username: alice@example.com",
    "#    firstName: Alice",
    "#    lastName: Example",
    "#    securityProfiles: [Agent]",
    "#    routingProfile: Basic Routing Profile",
    "",
  ].join("\n");
}
