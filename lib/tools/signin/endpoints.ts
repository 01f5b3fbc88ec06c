/**
 * What IAM accepts in a SAML response for console sign-in, as pure rules (IAM User Guide,
 * "Configure SAML assertions for the authentication response"; AWS General Reference, "AWS Sign-In
 * endpoints"; AWS Security Blog, "How to use regional SAML endpoints for failover").
 *
 * - `Destination` and `SubjectConfirmationData/@Recipient` name the sign-in endpoint the browser
 *   posts to: the partition's `https://signin.<domain>/saml`, or a Region's own
 *   `https://<region>.signin.<domain>/saml` (us-east-1's own endpoint is the first one).
 * - IAM sets the trust policy's `SAML:aud` from the Recipient, not from the Audience, so a role
 *   whose trust names only the first endpoint refuses responses posted to a regional one.
 * - `Audience` must be the partition's sign-in endpoint or `urn:amazon:webservices`.
 */
import { acsUrl, partitionOf, signinEndpoints, type Partition } from "../../rules/naming";

/** The other Audience value IAM documents besides the sign-in endpoint. */
const AUDIENCE_URN = "urn:amazon:webservices";

/** The Region a Regional endpoint names, given the Regional form with `<region>` in it. */
function regionIn(url: string, form: string): string | undefined {
  const [before, after] = form.split("<region>");
  if (!url.startsWith(before) || !url.endsWith(after)) return undefined;
  const region = url.slice(before.length, url.length - after.length);
  return /^[a-z0-9-]+$/.test(region) ? region : undefined;
}

/**
 * Why IAM would refuse `url` as the Destination or Recipient of a response for `partition`, or
 * undefined when it is a sign-in endpoint of that partition (its own or any of its Regions').
 */
export function signinEndpointProblem(url: string, partition: Partition): string | undefined {
  if (url === acsUrl(partition)) return undefined;
  const form = signinEndpoints(partition, "<region>").regional;
  const region = form ? regionIn(url, form) : undefined;
  if (region === undefined)
    return `it is not an AWS sign-in endpoint of ${partition} (allowed: ${acsUrl(partition)}${form ? ` or a Region's own ${form}` : ""})`;
  if (partitionOf(region) !== partition) return `${region} is not a Region of ${partition}`;
  if (signinEndpoints(partition, region).regional !== url) return `${region}'s sign-in endpoint is ${acsUrl(partition)}`;
  return undefined;
}

/** Audience values IAM accepts in the assertion's AudienceRestriction. */
export function acceptedAudiences(partition: Partition): readonly string[] {
  return [acsUrl(partition), AUDIENCE_URN];
}

/** How a `Role` attribute value names a role and a provider. */
export interface RolePair {
  readonly roleArn: string;
  readonly providerArn: string;
  /** `role,provider` as IAM's guide writes it, or `provider,role`, which IAM reads too (AWS's AD FS guide builds that order). */
  readonly order: "role-first" | "provider-first";
}

const ROLE = String.raw`arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:role/[\w+=,.@/-]+`;
/** Provider names have no comma, so the comma next to the provider ARN is the separator (role names may hold commas). */
const PROVIDER = String.raw`arn:(?:aws|aws-cn|aws-us-gov):iam::\d{12}:saml-provider/[\w.-]+`;
const ROLE_FIRST = new RegExp(`^(${ROLE}),(${PROVIDER})$`);
const PROVIDER_FIRST = new RegExp(`^(${PROVIDER}),(${ROLE})$`);

/**
 * Reads one `Role` attribute value: a role ARN and a SAML provider ARN, in either order, separated
 * by one comma and nothing else (no spaces: IAM compares the ARNs as written).
 */
export function parseRolePair(value: string): { readonly pair?: RolePair; readonly problem?: string } {
  if (/\s/.test(value)) return { problem: "contains spaces; allowed: <role ARN>,<provider ARN> with no space" };
  const roleFirst = ROLE_FIRST.exec(value);
  if (roleFirst) return { pair: { roleArn: roleFirst[1], providerArn: roleFirst[2], order: "role-first" } };
  const providerFirst = PROVIDER_FIRST.exec(value);
  if (providerFirst) return { pair: { roleArn: providerFirst[2], providerArn: providerFirst[1], order: "provider-first" } };
  return {
    problem:
      "is not a role ARN and a SAML provider ARN joined by one comma; allowed: arn:<partition>:iam::<account>:role/<name>,arn:<partition>:iam::<account>:saml-provider/<name>",
  };
}

/** IAM's limits on `RoleSessionName`: 2..64 of letters, digits and `_ + = , . @ -`. */
export const ROLE_SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

/** IAM's range of the `SessionDuration` attribute, in seconds. */
export const SESSION_DURATION_RANGE = { min: 900, max: 43200 } as const;

/** STS's limit on the base64 SAML response (`SAMLAssertion`, 4..100,000 characters). */
export const MAX_RESPONSE_BASE64_CHARS = 100_000;
