/**
 * Reading a SAML response as Identity Center posts it to the ACS URL, and checking its signature
 * with @node-saml/node-saml (which canonicalizes and verifies through xml-crypto, and hands back
 * only the XML its signature covers). Nothing here decides whether the sign-in would succeed: the
 * facts read here go to checks.ts.
 */
import { X509Certificate } from "node:crypto";
import { SAML, SamlStatusError, ValidateInResponseTo } from "@node-saml/node-saml";
import { XMLParser, XMLValidator } from "fast-xml-parser";

/** Input the command cannot read (exit 2): the message names the file and what is wrong. */
export class InputError extends Error {}

export interface SamlResponseInput {
  /** The response document. */
  readonly xml: string;
  /** Its base64 form, as the browser posts it in `SAMLResponse` (and STS takes it in `SAMLAssertion`). */
  readonly base64: string;
}

const PROTOCOL_NS = "urn:oasis:names:tc:SAML:2.0:protocol";

/**
 * Reads what a SAML tracer shows: the base64 `SAMLResponse` value (also URL-encoded, or the whole
 * `SAMLResponse=…&RelayState=…` form body), or the decoded XML. `label` names the input in messages.
 */
export function parseSamlResponseText(text: string, label: string): SamlResponseInput {
  const trimmed = text.replace(/^\uFEFF/, "").trim();
  if (trimmed === "") throw new InputError(`${label} is empty; expected a SAML response (its base64 SAMLResponse value or its XML)`);
  if (trimmed.startsWith("<")) return checkedXml(trimmed, label, Buffer.from(trimmed, "utf8").toString("base64"));
  let encoded = trimmed;
  if (/(^|&)SAMLResponse=/.test(trimmed)) {
    encoded = new URLSearchParams(trimmed).get("SAMLResponse") ?? "";
  } else if (/%[0-9A-Fa-f]{2}/.test(trimmed)) {
    try {
      encoded = decodeURIComponent(trimmed);
    } catch {
      throw new InputError(`${label} is neither XML nor base64: it holds a malformed %-escape`);
    }
  }
  const base64 = encoded.replace(/\s+/g, "");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 === 1) {
    throw new InputError(`${label} is neither a SAML response's XML nor its base64 form (the SAMLResponse value a SAML tracer shows)`);
  }
  const xml = Buffer.from(base64, "base64")
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trim();
  if (!xml.startsWith("<")) throw new InputError(`${label} is base64, but it does not decode to XML: is it the SAMLResponse value?`);
  return checkedXml(xml, label, base64);
}

type XmlNode = Record<string, unknown>;

/** Elements SAML allows more than once, read as lists whether one or many are present. */
const REPEATABLE = new Set([
  "Assertion",
  "EncryptedAssertion",
  "Signature",
  "SubjectConfirmation",
  "Conditions",
  "AudienceRestriction",
  "Audience",
  "AttributeStatement",
  "Attribute",
  "AttributeValue",
  "NameID",
  "X509Certificate",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  // Values stay as written: an attribute value with a stray space is a finding, not something to tidy away.
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  isArray: (name) => REPEATABLE.has(name),
});

/** The root element's qualified name and its namespace, read without dropping prefixes. */
function rootElement(xml: string): { name: string; namespace?: string } | undefined {
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", processEntities: false }).parse(xml) as XmlNode;
  const name = Object.keys(doc).find((k) => !k.startsWith("?") && !k.startsWith("#"));
  if (!name) return undefined;
  const prefix = name.includes(":") ? name.slice(0, name.indexOf(":")) : undefined;
  const root = doc[name] as XmlNode | string;
  const namespace = typeof root === "object" ? root[prefix ? `@xmlns:${prefix}` : "@xmlns"] : undefined;
  return { name, namespace: typeof namespace === "string" ? namespace : undefined };
}

/**
 * How deep a response may nest elements. A signed response nests 7 levels (Response, Assertion,
 * Signature, SignedInfo, Reference, Transforms, Transform); the XML parser gives up past 100.
 */
export const MAX_NESTING = 32;

/**
 * The deepest nesting of elements in well-formed XML, counted up to `limit + 1` (enough to refuse
 * a document, without walking the rest of it). Comments, CDATA and processing instructions hold no elements.
 */
export function nestingDepth(xml: string, limit = MAX_NESTING): number {
  const tags = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(\/?)[^\s/>]+(?:"[^"]*"|'[^']*'|[^'">])*?(\/?)>/g;
  let depth = 0;
  let deepest = 0;
  for (const [tag, closing, selfClosing] of xml.matchAll(tags)) {
    if (tag.startsWith("<!") || tag.startsWith("<?")) continue;
    if (closing) depth--;
    else if (!selfClosing) depth++;
    deepest = Math.max(deepest, selfClosing ? depth + 1 : depth);
    if (deepest > limit) break;
  }
  return deepest;
}

function checkedXml(xml: string, label: string, base64: string): SamlResponseInput {
  // A SAML response never carries a document type; refusing one keeps entity tricks out of every parser below.
  if (/<!DOCTYPE/i.test(xml)) throw new InputError(`${label} has a <!DOCTYPE>; a SAML response has none`);
  const syntax = XMLValidator.validate(xml);
  if (syntax !== true) throw new InputError(`${label} is not well-formed XML: ${syntax.err.msg} at line ${syntax.err.line}, column ${syntax.err.col}`);
  // Before any parser walks it: past its own limit the parser throws a message that names no input.
  if (nestingDepth(xml) > MAX_NESTING) {
    throw new InputError(`${label} nests elements deeper than ${MAX_NESTING} levels; refused (a signed SAML response nests 7)`);
  }
  const root = rootElement(xml);
  const local = root?.name.replace(/^.*:/, "");
  if (local === "EntityDescriptor") throw new InputError(`${label} is SAML metadata (EntityDescriptor), not a SAML response`);
  if (local === "Assertion") throw new InputError(`${label} is a bare Assertion; give the whole Response (the SAMLResponse the browser posts)`);
  if (local !== "Response" || root?.namespace !== PROTOCOL_NS) {
    throw new InputError(`${label} is XML but not a SAML response: its root element is ${root?.name ?? "missing"}; expected samlp:Response (${PROTOCOL_NS})`);
  }
  const envelope = parser.parse(xml) as XmlNode;
  const response = first(envelope, "Response");
  if (children(response, "EncryptedAssertion").length > 0) {
    throw new InputError(
      `${label} holds an encrypted assertion, which this command cannot read (Identity Center's application for Amazon Connect does not encrypt)`,
    );
  }
  return { xml, base64 };
}

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== "object") return [];
  const value = (node as XmlNode)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === "object" && v !== null ? (v as XmlNode) : { "#text": v }));
}

function first(node: unknown, name: string): XmlNode | undefined {
  return children(node, name)[0];
}

function text(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const value = node["#text"];
  return value === undefined ? "" : String(value);
}

function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return typeof value === "string" ? value : undefined;
}

/** What IAM reads from an assertion. */
export interface AssertionFacts {
  readonly issuer?: string;
  readonly issueInstant?: string;
  readonly nameId?: string;
  readonly subjectConfirmations: ReadonlyArray<{ readonly recipient?: string; readonly notBefore?: string; readonly notOnOrAfter?: string }>;
  /** Number of Conditions elements (a valid assertion has at most one). */
  readonly conditionsCount: number;
  readonly notBefore?: string;
  readonly notOnOrAfter?: string;
  /** Audience values, per AudienceRestriction (each restriction must be met). */
  readonly audienceRestrictions: ReadonlyArray<ReadonlyArray<string>>;
  /** Attributes by exact name, with their values as written. */
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly values: ReadonlyArray<string> }>;
}

/** An element that carries a signature: its path of local names from the root, and its ID. */
export interface SignedElement {
  readonly path: string;
  readonly id?: string;
}

/** Where IAM takes a signature into account: on the Response, or on its direct Assertion child (the only assertion it reads). */
const SIGNATURE_PLACES: ReadonlyArray<string> = ["Response", "Response/Assertion"];

/** Every element of the document that has a Signature child, in document order (signatures themselves are not searched). */
function signedElements(node: XmlNode, path: string): SignedElement[] {
  return Object.keys(node)
    .filter((key) => !key.startsWith("@") && !key.startsWith("#"))
    .flatMap((key) =>
      key === "Signature"
        ? [{ path, ...(attribute(node, "ID") === undefined ? {} : { id: attribute(node, "ID") }) }]
        : children(node, key).flatMap((child) => signedElements(child, path ? `${path}/${key}` : key)),
    );
}

/** What IAM reads from the response around the assertion. */
export interface ResponseFacts {
  readonly destination?: string;
  readonly statusCode?: string;
  readonly assertionCount: number;
  /** SHA-256 fingerprints of the certificates the signatures carry in KeyInfo (for a hint when none verifies). */
  readonly keyInfoFingerprints: ReadonlyArray<string>;
  /** Whether a Signature element is where IAM reads one (SIGNATURE_PLACES). */
  readonly signed: boolean;
  /** Every element that carries a signature, wherever it is (a signature-wrapping forgery moves the signed assertion). */
  readonly signedElements: ReadonlyArray<SignedElement>;
  /** Length of the base64 form, as STS counts it. */
  readonly base64Length: number;
}

export function responseFacts(input: SamlResponseInput): ResponseFacts {
  const document = parser.parse(input.xml) as XmlNode;
  const response = first(document, "Response");
  const signed = signedElements(document, "");
  const assertions = children(response, "Assertion");
  const signatures = [...children(response, "Signature"), ...assertions.flatMap((a) => children(a, "Signature"))];
  const fingerprints = signatures
    .flatMap((s) => children(first(first(s, "KeyInfo"), "X509Data"), "X509Certificate"))
    .flatMap((c) => {
      try {
        return [new X509Certificate(Buffer.from((text(c) ?? "").replace(/\s+/g, ""), "base64")).fingerprint256];
      } catch {
        return [];
      }
    });
  return {
    destination: attribute(response, "Destination"),
    statusCode: attribute(first(first(response, "Status"), "StatusCode"), "Value"),
    assertionCount: assertions.length,
    keyInfoFingerprints: [...new Set(fingerprints)],
    signed: signed.some((e) => SIGNATURE_PLACES.includes(e.path)),
    signedElements: signed,
    base64Length: input.base64.length,
  };
}

/** Facts of an assertion given as XML (the signed one node-saml returns), or of the response's only assertion. */
export function assertionFacts(xml: string): AssertionFacts | undefined {
  const doc = parser.parse(xml) as XmlNode;
  const assertion = first(doc, "Assertion") ?? first(first(doc, "Response"), "Assertion");
  if (!assertion) return undefined;
  const subject = first(assertion, "Subject");
  const conditions = children(assertion, "Conditions");
  return {
    issuer: text(first(assertion, "Issuer")),
    issueInstant: attribute(assertion, "IssueInstant"),
    nameId: text(first(subject, "NameID")),
    subjectConfirmations: children(subject, "SubjectConfirmation").map((c) => {
      const data = first(c, "SubjectConfirmationData");
      return { recipient: attribute(data, "Recipient"), notBefore: attribute(data, "NotBefore"), notOnOrAfter: attribute(data, "NotOnOrAfter") };
    }),
    conditionsCount: conditions.length,
    notBefore: attribute(conditions[0], "NotBefore"),
    notOnOrAfter: attribute(conditions[0], "NotOnOrAfter"),
    audienceRestrictions: children(conditions[0], "AudienceRestriction").map((r) => children(r, "Audience").map((a) => text(a) ?? "")),
    attributes: children(assertion, "AttributeStatement")
      .flatMap((s) => children(s, "Attribute"))
      .map((a) => ({ name: attribute(a, "Name") ?? "", values: children(a, "AttributeValue").map((v) => text(v) ?? "") })),
  };
}

/** The signing certificates of identity-provider metadata (`IDPSSODescriptor/KeyDescriptor[use=signing]`). */
export function metadataSigningCertificates(metadataXml: string): X509Certificate[] {
  const idp = first(first(parser.parse(metadataXml) as XmlNode, "EntityDescriptor"), "IDPSSODescriptor");
  return children(idp, "KeyDescriptor")
    .filter((k) => attribute(k, "use") === undefined || attribute(k, "use") === "signing")
    .flatMap((k) => children(first(first(k, "KeyInfo"), "X509Data"), "X509Certificate"))
    .map((c) => new X509Certificate(Buffer.from((text(c) ?? "").replace(/\s+/g, ""), "base64")));
}

export type SignatureResult =
  { readonly valid: true; readonly certificate: X509Certificate; readonly assertionXml: string } | { readonly valid: false; readonly reason: string };

/**
 * Verifies the response's signature (of the response, or of its assertion) with each certificate
 * in turn; on success returns the certificate and the assertion as signed. Only the signature and
 * the structure are checked here: audience, times and the rest are checks.ts's, so that every
 * problem of a response is reported, not only the first.
 */
export async function verifySignature(input: SamlResponseInput, certificates: ReadonlyArray<X509Certificate>): Promise<SignatureResult> {
  let reason = "no signing certificate to check it with";
  for (const certificate of certificates) {
    const saml = new SAML({
      idpCert: certificate.toString(),
      // node-saml's own service-provider settings; unused when only validating a posted response.
      issuer: "verify-signin",
      callbackUrl: "https://verify-signin.invalid/acs",
      audience: false,
      acceptedClockSkewMs: -1,
      wantAssertionsSigned: false,
      wantAuthnResponseSigned: false,
      validateInResponseTo: ValidateInResponseTo.never,
    });
    try {
      const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: input.base64 });
      if (profile) return { valid: true, certificate, assertionXml: profile.getAssertionXml!() };
      reason = "the response carries no assertion";
    } catch (error) {
      // A refusal by the identity provider is the Status finding's to report; here it only means no signed assertion.
      reason = error instanceof SamlStatusError ? "the response carries no assertion (see Status)" : (error as Error).message;
    }
  }
  return { valid: false, reason };
}
