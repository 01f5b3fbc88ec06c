/**
 * The federation role's IAM policy documents, as pure functions.
 */
import { federationTokenResource } from "./naming";

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: ReadonlyArray<Record<string, unknown>>;
}

/**
 * Trust: only the SAML provider, only `sts:AssumeRoleWithSAML`, only assertions addressed to
 * the partition's sign-in endpoint (what IAM Access Analyzer expects of a SAML role).
 */
export function federationTrustPolicy(samlProviderArn: string, audience: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "IdentityCenterSamlFederation",
        Effect: "Allow",
        Principal: { Federated: samlProviderArn },
        Action: "sts:AssumeRoleWithSAML",
        Condition: { StringEquals: { "SAML:aud": audience } },
      },
    ],
  };
}

/**
 * Permissions: a federation token for the caller's own Connect user on one instance. The
 * resource-scoped form (AWS's Connect SAML guide) rather than the doc's `"Resource": "*"` with a
 * `connect:InstanceId` condition: it also stops a session from asking for another user's token,
 * and it passes checkov, cdk-nag and Access Analyzer without suppressions.
 */
export function federationPermissionsPolicy(instanceArn: string): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "FederateIntoOwnConnectUser",
        Effect: "Allow",
        Action: "connect:GetFederationToken",
        Resource: federationTokenResource(instanceArn),
      },
    ],
  };
}
