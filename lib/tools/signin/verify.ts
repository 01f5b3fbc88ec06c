/**
 * A SAML response checked against an environment: read, signature verified, every check of
 * checks.ts run, and the session it would start (for the policy proof).
 */
import type { Environment } from "../../config/environment";
import { checkMetadata } from "../../config/metadata";
import { consoleSettings } from "../../synth/console-settings";
import { ATTRIBUTE, checkResponse } from "./checks";
import { parseRolePair, signinEndpointProblem } from "./endpoints";
import type { Federation } from "./federation";
import type { Finding } from "./report";
import { assertionFacts, metadataSigningCertificates, responseFacts, verifySignature, type AssertionFacts, type SamlResponseInput } from "./saml";

/** The role session a response would start, when it names one IAM could start. */
export interface ResponseSession {
  /** RoleSessionName. */
  readonly name: string;
  /** `SAML:aud`: the Recipient. */
  readonly audience: string;
  /** The provider of the Role pair naming this environment's role (else of the first pair, else the environment's). */
  readonly providerArn: string;
}

export interface ResponseCheck {
  readonly findings: Finding[];
  readonly signatureValid: boolean;
  /** Only for a response whose signature verifies. */
  readonly session?: ResponseSession;
}

/** The single value of an attribute, when it has exactly one. */
function attributeValue(assertion: AssertionFacts | undefined, name: string): string | undefined {
  const values = assertion?.attributes.filter((a) => a.name === name).flatMap((a) => a.values) ?? [];
  return values.length === 1 ? values[0] : undefined;
}

export async function checkSamlResponse(env: Environment, federation: Federation, input: SamlResponseInput, now: Date): Promise<ResponseCheck> {
  const settings = consoleSettings(env);
  const certificates = metadataSigningCertificates(env.ssoApplication.metadataXml);
  const response = responseFacts(input);
  const signature = await verifySignature(input, certificates);
  // Without a valid signature the checks below still run, on the unverified assertion, so every problem shows at once.
  const assertion = assertionFacts(signature.valid ? signature.assertionXml : input.xml);
  const checked = checkResponse({
    response,
    signature,
    assertion,
    certificates,
    now,
    expect: {
      partition: env.partition,
      environmentFile: env.file,
      metadataFile: env.ssoApplication.metadataFile,
      entityId: checkMetadata(env.ssoApplication.metadataXml, now).entityId,
      acsUrl: settings.acsUrl,
      audience: settings.audience,
      roleArn: federation.roleArn,
      providerArn: federation.providerArn,
      maxSessionSeconds: federation.maxSessionSeconds,
      usernames: env.users.map((u) => u.username),
    },
  });
  // What passes on content no signature covers says so: a wrapped signature puts the attacker's words there.
  const findings = signature.valid ? checked : checked.map((f) => (f.ok && f.check !== "size" ? { ...f, message: `unverified: ${f.message}` } : f));
  const name = attributeValue(assertion, ATTRIBUTE.roleSessionName);
  const recipient = assertion?.subjectConfirmations[0]?.recipient;
  const pairs = (assertion?.attributes.filter((a) => a.name === ATTRIBUTE.role).flatMap((a) => a.values) ?? []).map((v) => parseRolePair(v).pair);
  const pair = pairs.find((p) => p?.roleArn === federation.roleArn) ?? pairs.find((p) => p);
  // An assertion whose signature fails starts no session: IAM refuses it, so the user it names is nobody's.
  const startable = signature.valid && name !== undefined && recipient !== undefined && signinEndpointProblem(recipient, env.partition) === undefined;
  return {
    findings,
    signatureValid: signature.valid,
    ...(startable ? { session: { name, audience: recipient, providerArn: pair?.providerArn ?? federation.providerArn } } : {}),
  };
}
