/**
 * The checks IAM and Amazon Connect make of a SAML response, as pure functions of the facts read
 * from it (saml.ts) and what the environment expects. Each returns one finding; a failure says
 * what is wrong, the doc's troubleshooting row it matches, and the fix.
 */
import type { X509Certificate } from "node:crypto";
import type { Partition } from "../../rules/naming";
import { acceptedAudiences, MAX_RESPONSE_BASE64_CHARS, parseRolePair, ROLE_SESSION_NAME, SESSION_DURATION_RANGE, signinEndpointProblem } from "./endpoints";
import { fail, pass, quote, type Finding } from "./report";
import type { AssertionFacts, ResponseFacts, SignatureResult } from "./saml";
import { DOC_ROWS } from "./troubleshooting";

export const ATTRIBUTE = {
  roleSessionName: "https://aws.amazon.com/SAML/Attributes/RoleSessionName",
  role: "https://aws.amazon.com/SAML/Attributes/Role",
  sessionDuration: "https://aws.amazon.com/SAML/Attributes/SessionDuration",
} as const;

/** What the environment expects of a response. */
export interface Expectation {
  readonly partition: Partition;
  /** The environment file, for fixes. */
  readonly environmentFile: string;
  /** `ssoApplication.metadataFile` as written in the environment file. */
  readonly metadataFile: string;
  /** The metadata's entityID: the Issuer IAM expects. */
  readonly entityId?: string;
  /** The application's ACS URL and SAML audience, as the console sheet gives them. */
  readonly acsUrl: string;
  readonly audience: string;
  readonly roleArn: string;
  readonly providerArn: string;
  /** The role's longest session (the synthesized `max_session_duration`), seconds. */
  readonly maxSessionSeconds: number;
  /** `users[].username`, in file order. */
  readonly usernames: ReadonlyArray<string>;
}

const SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success";

export interface ResponseCheckInput {
  readonly response: ResponseFacts;
  readonly signature: SignatureResult;
  /** The signed assertion's facts, or (signature invalid) the unverified assertion's; undefined when there is none. */
  readonly assertion?: AssertionFacts;
  readonly expect: Expectation;
  /** The metadata's signing certificates (for the signature finding). */
  readonly certificates: ReadonlyArray<X509Certificate>;
  readonly now: Date;
}

/** Every check of a response, in the order IAM meets them. */
export function checkResponse(input: ResponseCheckInput): Finding[] {
  const { response, assertion, expect } = input;
  const findings = [sizeFinding(response), statusFinding(response), signatureFinding(input), destinationFinding(response, expect)];
  if (!assertion) {
    findings.push(
      fail("Assertion", "the response carries no assertion", "capture the response Identity Center posts after a successful sign-in to the AWS access portal"),
    );
    return findings;
  }
  findings.push(
    issuerFinding(assertion, expect),
    recipientFinding(assertion, expect),
    audienceFinding(assertion, expect),
    validityFinding(assertion, input.now),
    nameIdFinding(assertion),
    roleSessionNameFinding(assertion, expect),
    roleFinding(assertion, expect),
    sessionDurationFinding(assertion, expect),
  );
  return findings;
}

function sizeFinding(response: ResponseFacts): Finding {
  const limit = `STS accepts at most ${MAX_RESPONSE_BASE64_CHARS}`;
  if (response.base64Length <= MAX_RESPONSE_BASE64_CHARS) return pass("size", `${response.base64Length} base64 characters (${limit})`);
  return fail("size", `${response.base64Length} base64 characters; ${limit}`, "remove attributes the application does not need from its attribute mappings");
}

function statusFinding(response: ResponseFacts): Finding {
  if (response.statusCode === undefined || response.statusCode === SUCCESS) return pass("Status", "Success");
  return fail(
    "Status",
    `Identity Center answered ${quote(response.statusCode)}, not Success: it refused the sign-in itself`,
    "check in Identity Center that the user is assigned to the application and can sign in to the AWS access portal",
  );
}

function signatureFinding(input: ResponseCheckInput): Finding {
  const { signature, expect, response, certificates } = input;
  if (signature.valid) {
    const c = signature.certificate;
    return pass("signature", `valid for ${c.subject.replace(/\n/g, ", ")} (SHA-256 ${c.fingerprint256}), a signing certificate of ${expect.metadataFile}`);
  }
  const known = new Set(certificates.map((c) => c.fingerprint256));
  const foreign = response.keyInfoFingerprints.filter((f) => !known.has(f));
  if (!response.signed) {
    const elsewhere = response.signedElements;
    if (elsewhere.length === 0) {
      return fail(
        "signature",
        "neither the response nor its assertion is signed",
        "give the response exactly as Identity Center posted it (it signs every response)",
      );
    }
    // Signed content moved away from where IAM reads, next to unsigned content: signature wrapping (XSW).
    const where = elsewhere.map((e) => `a signed ${e.path.replace(/^.*\//, "")}${e.id === undefined ? "" : ` (ID ${quote(e.id)})`} is at ${e.path}`).join("; ");
    const read = response.assertionCount === 0 ? "and the response has none" : "which is not signed";
    return fail(
      "signature",
      `${where}, where IAM does not read it: IAM reads only the Response's own signature and its direct Assertion child, ${read}`,
      "give the response exactly as Identity Center posted it (its signed assertion is the Response's direct child); a signed assertion moved elsewhere, next to an unsigned one, is how a signature-wrapping (XSW) forgery looks",
    );
  }
  if (foreign.length > 0) {
    return fail(
      "signature",
      `signed with a certificate (SHA-256 ${foreign.join(", ")}) that is not in ${expect.metadataFile} (it holds SHA-256 ${[...known].join(", ") || "none"})`,
      `download the application's IAM Identity Center SAML metadata file again into ${expect.metadataFile}, run npm run synth and apply (the IAM SAML provider must hold the certificate that signs)`,
    );
  }
  return fail(
    "signature",
    `does not verify with the signing certificate of ${expect.metadataFile} (${signature.reason})`,
    "give the response exactly as posted (a copy that was edited or cut short no longer verifies); if Identity Center rotated its certificate, " +
      `download the metadata again into ${expect.metadataFile}, synth and apply`,
  );
}

function issuerFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  if (assertion.issuer !== undefined && assertion.issuer === expect.entityId)
    return pass("Issuer", `${assertion.issuer}, the entityID of ${expect.metadataFile}`);
  return fail(
    "Issuer",
    `${assertion.issuer === undefined ? "missing" : quote(assertion.issuer)} is not the entityID of ${expect.metadataFile} (${quote(expect.entityId ?? "none")}): the response comes from another identity provider or application`,
    `sign in through the Identity Center application whose metadata is ${expect.metadataFile}, or put that application's metadata there (synth and apply)`,
  );
}

const setAcsUrl = (expect: Expectation) => `in the Identity Center console, set the application's "Application ACS URL" to ${expect.acsUrl}`;

function destinationFinding(response: ResponseFacts, expect: Expectation): Finding {
  if (response.destination === undefined) return fail("Destination", "the response has no Destination", setAcsUrl(expect), DOC_ROWS.acsUrl);
  const problem = signinEndpointProblem(response.destination, expect.partition);
  if (problem) return fail("Destination", `${quote(response.destination)}: ${problem}`, setAcsUrl(expect), DOC_ROWS.acsUrl);
  return pass("Destination", response.destination);
}

function recipientFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  const confirmations = assertion.subjectConfirmations;
  if (confirmations.length !== 1) {
    return fail("Recipient", `the subject has ${confirmations.length} SubjectConfirmation elements; IAM needs exactly one`, setAcsUrl(expect), DOC_ROWS.acsUrl);
  }
  const recipient = confirmations[0].recipient;
  if (recipient === undefined) return fail("Recipient", "SubjectConfirmationData has no Recipient", setAcsUrl(expect), DOC_ROWS.acsUrl);
  const problem = signinEndpointProblem(recipient, expect.partition);
  if (problem) return fail("Recipient", `${quote(recipient)}: ${problem}`, setAcsUrl(expect), DOC_ROWS.acsUrl);
  return pass("Recipient", `${recipient} (IAM gives the trust policy this value as SAML:aud)`);
}

function audienceFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  const accepted = acceptedAudiences(expect.partition);
  const fix = `in the Identity Center console, set the application's "Application SAML audience" to ${expect.audience}`;
  if (assertion.audienceRestrictions.length === 0) return fail("Audience", "the assertion has no AudienceRestriction", fix);
  const unmet = assertion.audienceRestrictions.find((values) => !values.some((v) => accepted.includes(v)));
  if (unmet) return fail("Audience", `${unmet.map(quote).join(", ") || "empty"} names none of ${accepted.join(", ")}`, fix);
  return pass("Audience", [...new Set(assertion.audienceRestrictions.flat().filter((v) => accepted.includes(v)))].join(", "));
}

function validityFinding(assertion: AssertionFacts, now: Date): Finding {
  const fix =
    "capture a fresh response (sign in again through the AWS access portal) and check it within its validity window, " +
    `or add --at ${assertion.issueInstant ?? "<IssueInstant>"} to check everything else as of the capture`;
  if (assertion.conditionsCount > 1) return fail("validity", `the assertion has ${assertion.conditionsCount} Conditions elements; at most one is allowed`, fix);
  const confirmation = assertion.subjectConfirmations[0];
  if (!confirmation?.notOnOrAfter) return fail("validity", "SubjectConfirmationData has no NotOnOrAfter, which IAM requires", fix);
  const bounds = [
    { name: "Conditions NotBefore", value: assertion.notBefore, after: true },
    { name: "SubjectConfirmationData NotBefore", value: confirmation.notBefore, after: true },
    { name: "Conditions NotOnOrAfter", value: assertion.notOnOrAfter, after: false },
    { name: "SubjectConfirmationData NotOnOrAfter", value: confirmation.notOnOrAfter, after: false },
  ].filter((b): b is { name: string; value: string; after: boolean } => b.value !== undefined);
  const at = now.toISOString();
  for (const bound of bounds) {
    const time = Date.parse(bound.value);
    if (Number.isNaN(time) || !/^\d{4}-\d\d-\d\dT/.test(bound.value)) return fail("validity", `${bound.name} ${quote(bound.value)} is not a time`, fix);
    if (bound.after && now.getTime() < time) return fail("validity", `not valid before ${bound.value} (${bound.name}); checked at ${at}`, fix);
    if (!bound.after && now.getTime() >= time) return fail("validity", `expired at ${bound.value} (${bound.name}); checked at ${at}`, fix);
  }
  const from = assertion.notBefore ?? confirmation.notBefore ?? assertion.issueInstant ?? "?";
  const until = [assertion.notOnOrAfter, confirmation.notOnOrAfter].filter((v): v is string => v !== undefined).sort()[0];
  return pass("validity", `${from} .. ${until} contains ${at}`);
}

function nameIdFinding(assertion: AssertionFacts): Finding {
  if (assertion.nameId) return pass("NameID", assertion.nameId);
  return fail("NameID", "the subject has no NameID", 'in the application\'s attribute mappings, map "Subject" to ${user:email} (format emailAddress)');
}

/** The one value of an attribute, or a failure naming what is wrong with it. */
function singleValue(assertion: AssertionFacts, name: string, label: string, mapFix: string): { value?: string; finding?: Finding } {
  const found = assertion.attributes.filter((a) => a.name === name);
  if (found.length === 0) {
    const near = assertion.attributes.find((a) => a.name.toLowerCase() === name.toLowerCase());
    const message = near ? `the attribute is named ${quote(near.name)}; IAM needs exactly ${name} (case included)` : `the assertion has no ${name} attribute`;
    return { finding: fail(label, message, mapFix) };
  }
  const values = found.flatMap((a) => a.values);
  if (values.length !== 1) return { finding: fail(label, `has ${values.length} values; IAM needs exactly one`, mapFix) };
  return { value: values[0] };
}

function roleSessionNameFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  const label = "RoleSessionName";
  const { value, finding } = singleValue(
    assertion,
    ATTRIBUTE.roleSessionName,
    label,
    `in the application's attribute mappings, map ${ATTRIBUTE.roleSessionName} to \${user:email}`,
  );
  if (finding) return finding;
  const name = value!;
  const exact = expect.usernames.indexOf(name);
  if (exact >= 0) return pass(label, `${name} is users[${exact}].username in ${expect.environmentFile}`);
  const directoryFix = "make the user's e-mail in Identity Center (its connected directory's Email attribute, not windowsUPN) the Connect user name";
  if (!ROLE_SESSION_NAME.test(name)) {
    return fail(label, `${quote(name)} is not a valid session name (IAM allows 2..64 of letters, digits and _ + = , . @ -)`, directoryFix, DOC_ROWS.email);
  }
  const caseless = expect.usernames.findIndex((u) => u.toLowerCase() === name.toLowerCase());
  if (caseless >= 0) {
    return fail(
      label,
      `${quote(name)} differs in case from users[${caseless}].username ${quote(expect.usernames[caseless])}: Connect compares user names exactly, so it would answer "not onboarded"`,
      `${directoryFix} exactly (${quote(expect.usernames[caseless])}), or change users[${caseless}].username in ${expect.environmentFile} and apply`,
      DOC_ROWS.email,
    );
  }
  return fail(
    label,
    `${quote(name)} is no Connect user of ${expect.environmentFile}: Connect would answer "not onboarded"`,
    `${directoryFix}, or add the user to users in ${expect.environmentFile} and apply`,
    DOC_ROWS.email,
  );
}

function roleFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  const label = "Role";
  const expected = `${expect.roleArn},${expect.providerArn}`;
  const mapFix = `in the application's attribute mappings, map ${ATTRIBUTE.role} to ${expected} (the sso_role_attribute_value output)`;
  const found = assertion.attributes.filter((a) => a.name === ATTRIBUTE.role);
  if (found.length === 0) return singleValue(assertion, ATTRIBUTE.role, label, mapFix).finding!;
  const values = found.flatMap((a) => a.values);
  const read = values.map((value) => ({ value, ...parseRolePair(value) }));
  const match = read.find((r) => r.pair?.roleArn === expect.roleArn && r.pair.providerArn === expect.providerArn);
  if (match) {
    const order = match.pair!.order === "role-first" ? "role ARN, comma, provider ARN" : "provider ARN first, which IAM also reads";
    return pass(label, `${match.value} (${order}${values.length > 1 ? `; ${values.length} pairs, so the console asks the user to choose` : ""})`);
  }
  const why = read
    .map((r) =>
      r.problem
        ? `${quote(r.value)} ${r.problem}`
        : `${quote(r.value)} names role ${r.pair!.roleArn === expect.roleArn ? "(this one)" : r.pair!.roleArn} and provider ${
            r.pair!.providerArn === expect.providerArn ? "(this one)" : r.pair!.providerArn
          }`,
    )
    .join("; ");
  return fail(label, `no value is this environment's pair ${expected}: ${why || "the attribute has no value"}`, mapFix);
}

function sessionDurationFinding(assertion: AssertionFacts, expect: Expectation): Finding {
  const label = "SessionDuration";
  if (!assertion.attributes.some((a) => a.name === ATTRIBUTE.sessionDuration)) return pass(label, "not sent (IAM then gives the console session one hour)");
  const hours = (expect.maxSessionSeconds / 3600).toString();
  const fix = `set the application's "Session duration" in the console to at most ${hours} hours, or raise ssoApplication.sessionDurationHours in ${expect.environmentFile} (synth and apply)`;
  const { value, finding } = singleValue(assertion, ATTRIBUTE.sessionDuration, label, fix);
  if (finding) return finding;
  const seconds = /^\d+$/.test(value!) ? Number(value) : NaN;
  const { min, max } = SESSION_DURATION_RANGE;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max)
    return fail(label, `${quote(value!)} is not a whole number of seconds in ${min}..${max}`, fix);
  if (seconds > expect.maxSessionSeconds) return fail(label, `${seconds} s is longer than the role's maximum session of ${expect.maxSessionSeconds} s`, fix);
  return pass(label, `${seconds} s, within the role's maximum of ${expect.maxSessionSeconds} s`);
}
