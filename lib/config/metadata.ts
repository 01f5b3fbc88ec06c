/**
 * Checks an identity provider's SAML metadata file before it becomes an IAM SAML provider.
 */
import { LITERAL_TEXT_ALLOWED, TOKEN_MARKER } from "../rules/literal";
import { X509Certificate } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { METADATA_MAX_CHARS, METADATA_MIN_CHARS } from "../rules/iam-limits";
import { identityCenterEntityIdPrefix, type Partition } from "../rules/naming";

/**
 * A larger file is refused before it is read. Metadata is ASCII (one byte per character), so this
 * never refuses what IAM would take in UTF-8; a UTF-16 file gets half of IAM's characters.
 */
export const METADATA_MAX_BYTES = METADATA_MAX_CHARS;
/** Deepest element nesting read; SAML metadata nests fewer than 10 deep. */
export const METADATA_MAX_DEPTH = 100;
/** A certificate this close to its end gets a warning: rotation takes console work. */
export const EXPIRY_WARNING_DAYS = 30;

export interface SigningCertificate {
  readonly subject: string;
  readonly validTo: Date;
  readonly fingerprint256: string;
}

export interface MetadataCheck {
  /** The file is the placeholder `npm run new-env` writes until the real metadata is downloaded. */
  readonly placeholder?: boolean;
  /** Problems that make the metadata unusable. */
  readonly errors: string[];
  /** Problems worth a look that do not stop synth. */
  readonly warnings: string[];
  /** The signing certificates that decode, in date or not (empty when the metadata is unusable). */
  readonly certificates: SigningCertificate[];
  readonly entityId?: string;
}

/** Where the environment expects its Identity Center: advice names Identity Center only for its metadata. */
export interface IdentityCenterHome {
  readonly partition: Partition;
  readonly region: string;
}

/** Why a file was not turned into text; the message follows the file's path. */
export interface Refusal {
  readonly refused: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  // Arrays where SAML allows repetition, so single and multiple elements read the same.
  isArray: (name) => ["EntityDescriptor", "IDPSSODescriptor", "KeyDescriptor", "KeyInfo", "X509Data", "X509Certificate"].includes(name),
  processEntities: false,
  maxNestedTags: METADATA_MAX_DEPTH,
});

type XmlNode = Record<string, unknown>;

function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== "object") return [];
  const value = (node as XmlNode)[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as XmlNode[];
}

function text(node: unknown): string {
  if (typeof node === "string") return node;
  if (node && typeof node === "object" && "#text" in node) return String((node as XmlNode)["#text"]);
  return "";
}

const BYTE_ORDER_MARKS: ReadonlyArray<{ readonly bytes: ReadonlyArray<number>; readonly encoding: string; readonly name: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8", name: "UTF-8" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le", name: "UTF-16LE" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be", name: "UTF-16BE" },
];

const SAVE_AS_UTF8 =
  'save it as UTF-8 (what identity providers publish), or name its encoding in the XML declaration, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>';

const NUL_CHARACTERS = `contains NUL characters, which XML does not allow (is it UTF-16 or UTF-32 without a byte-order mark?): ${SAVE_AS_UTF8}`;

/** The encoding an XML declaration at the very start names, if any. */
function declaredEncoding(start: string): string | undefined {
  return /^<\?xml\s[^?>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(start)?.[2];
}

/** TextDecoder's name for an encoding label, or undefined when it cannot decode it. */
function decoderEncoding(label: string): string | undefined {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
}

/** UTF-16LE and UTF-16BE are one encoding as far as a declaration goes: the byte-order mark says which. */
const family = (encoding: string) => (encoding.startsWith("utf-16") ? "utf-16" : encoding);

/** Decodes strictly; undefined when a byte sequence is invalid in `encoding`. A leading byte-order mark is dropped. */
function decodeStrictly(bytes: Uint8Array, encoding: string): string | undefined {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** Line of the first byte sequence invalid in `encoding` (where the lenient decoder puts U+FFFD). */
function invalidLine(bytes: Uint8Array, encoding: string): number {
  const lenient = new TextDecoder(encoding).decode(bytes);
  return lenient.slice(0, Math.max(0, lenient.indexOf("\uFFFD"))).split("\n").length;
}

/**
 * A metadata file's bytes as text, without a byte-order mark. Accepted: UTF-8 (with or without a
 * byte-order mark); UTF-16 with a byte-order mark; and, without a byte-order mark, any other
 * encoding the XML declaration names that TextDecoder knows (ISO-8859-1 is read as windows-1252,
 * as TextDecoder does), when every byte is valid in it. A declaration that contradicts the
 * byte-order mark, and NUL characters (UTF-16 or UTF-32 without a mark), are refused.
 */
export function decodeMetadata(bytes: Uint8Array): string | Refusal {
  if (isDerCertificate(bytes)) return { refused: `is a certificate (DER), not SAML metadata: ${CERTIFICATE_NOT_METADATA}` };
  const bom = BYTE_ORDER_MARKS.find((mark) => mark.bytes.every((b, i) => bytes[i] === b));
  let decoded: string;
  if (bom) {
    const withBom = decodeStrictly(bytes, bom.encoding);
    if (withBom === undefined) {
      return { refused: `starts with a ${bom.name} byte-order mark but is not valid ${bom.name} (line ${invalidLine(bytes, bom.encoding)}): ${SAVE_AS_UTF8}` };
    }
    const declared = declaredEncoding(withBom);
    if (declared !== undefined && family(decoderEncoding(declared) ?? declared) !== family(bom.encoding)) {
      return { refused: `starts with a ${bom.name} byte-order mark but its XML declaration names encoding ${JSON.stringify(declared)}: remove one of the two` };
    }
    decoded = withBom;
  } else {
    // XML allows no NUL character: NUL bytes mean UTF-16 or UTF-32 text that lacks its byte-order mark.
    if (bytes.includes(0)) return { refused: NUL_CHARACTERS };
    const declared = declaredEncoding(Buffer.from(bytes.subarray(0, 200)).toString("latin1"));
    const encoding = declared === undefined ? "utf-8" : decoderEncoding(declared);
    if (encoding === undefined) {
      return { refused: `names encoding ${JSON.stringify(declared)} in its XML declaration, which cannot be read here: ${SAVE_AS_UTF8}` };
    }
    if (family(encoding) === "utf-16") {
      return { refused: `names encoding ${JSON.stringify(declared)} but has no byte-order mark, which XML requires for UTF-16: ${SAVE_AS_UTF8}` };
    }
    const strict = decodeStrictly(bytes, encoding);
    if (strict === undefined) {
      const named = declared === undefined ? "UTF-8 (no encoding is declared)" : `${declared}, the encoding its XML declaration names`;
      return { refused: `is not valid ${named}: the first invalid byte is on line ${invalidLine(bytes, encoding)}; ${SAVE_AS_UTF8}` };
    }
    decoded = strict;
  }
  return decoded.includes("\u0000") ? { refused: NUL_CHARACTERS } : decoded;
}

/** The fix when a certificate was saved where the metadata belongs. */
const CERTIFICATE_NOT_METADATA =
  'IAM needs the identity provider\'s whole metadata, which holds the certificate: in IAM Identity Center download the "IAM Identity Center SAML metadata file" of the Amazon Connect application, not its certificate';

/** Whether bytes are one X.509 certificate in DER (what a console's "download certificate" saves as .cer/.der). */
function isDerCertificate(bytes: Uint8Array): boolean {
  if (bytes.length < 100 || bytes[0] !== 0x30 || bytes[1] < 0x81 || bytes[1] > 0x83) return false;
  try {
    new X509Certificate(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What to tell the user to do, in the words of the identity provider the file came from. */
interface Advice {
  /** Where a fresh copy of the metadata comes from. */
  readonly download: string;
  /** How to get metadata with a new signing certificate. */
  readonly rotate: string;
}

const IDENTITY_CENTER_ADVICE: Advice = {
  download:
    "download the Amazon Connect application's metadata again in the IAM Identity Center console (the 'IAM Identity Center SAML metadata file' Download button)",
  rotate: "in IAM Identity Center add a new certificate and make it primary, then download the Amazon Connect application's metadata again into this file",
};
const OTHER_IDP_ADVICE: Advice = {
  download: "download the metadata again from your identity provider",
  rotate: "get metadata with a new signing certificate from your identity provider and put it in this file",
};

function adviceFor(entityId: string | undefined, home: IdentityCenterHome | undefined): Advice {
  const identityCenter = entityId !== undefined && home !== undefined && identityCenterEntityIdProblem(entityId, home.partition, home.region) === undefined;
  return identityCenter ? IDENTITY_CENTER_ADVICE : OTHER_IDP_ADVICE;
}

/** The parsed document, or a plain reason it cannot be read (never a library's exception). */
function parseXml(xml: string): XmlNode | string {
  try {
    const syntax = XMLValidator.validate(xml);
    if (syntax !== true) return `is not well-formed XML: ${syntax.err.msg} at line ${syntax.err.line}, column ${syntax.err.col}`;
    return parser.parse(xml) as XmlNode;
  } catch (error) {
    const reason = (error as Error).message;
    return /nested/i.test(reason)
      ? `nests XML elements more than ${METADATA_MAX_DEPTH} deep; SAML metadata nests fewer than 10`
      : `could not be read as XML (${reason}); allowed: SAML metadata as your identity provider publishes it`;
  }
}

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The entityID prefix of placeholder metadata: no identity provider has it, so it trusts no one. */
export const PLACEHOLDER_ENTITY_ID_PREFIX = "urn:connect-sso:placeholder:";
const PLACEHOLDER = new RegExp(
  `^<\\?xml[^>]*>\\s*<!--[\\s\\S]*?-->\\s*<md:EntityDescriptor [^>]*entityID="${PLACEHOLDER_ENTITY_ID_PREFIX}[a-z0-9-]+"[^>]*>\\s*<md:IDPSSODescriptor [^>]*/>\\s*</md:EntityDescriptor>\\s*$`,
);

/**
 * The placeholder `npm run new-env` writes for an environment whose metadata is not downloaded
 * yet: identity-provider metadata with no key, so that synth runs and nothing can sign in. Synth
 * warns, the identity lock records no identity provider for it, and a pipeline refuses it.
 */
export function placeholderMetadata(environment: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!--
  PLACEHOLDER written by npm run new-env for the environment ${environment}.

  Replace this whole file with the Amazon Connect application's metadata from IAM Identity Center:
    1. Open the IAM Identity Center console in its home Region.
    2. Applications > Add application > the Amazon Connect application (or open it if it exists).
    3. Under "IAM Identity Center metadata", choose Download on "IAM Identity Center SAML metadata file".
    4. Save the downloaded file here, under this file's name, then run npm run synth and commit both.

  Until then this file names no identity provider and holds no key: the SAML provider it would
  make trusts no one, nothing can sign in, and the pipeline refuses to plan or apply it. The
  identity lock records no identity provider for it, so the real download is recorded, not
  refused as a change of identity provider.
-->
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${PLACEHOLDER_ENTITY_ID_PREFIX}${environment}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>
</md:EntityDescriptor>
`;
}

/** Whether a metadata file is the placeholder of placeholderMetadata, exactly (nothing added). */
export function isPlaceholderMetadata(xml: string): boolean {
  return PLACEHOLDER.test(xml);
}

/** A certificate's base64 text decoded, or why it does not decode. */
function decodeCertificate(base64: string): (SigningCertificate & { readonly validFrom: Date }) | string {
  try {
    const cert = new X509Certificate(Buffer.from(base64.replace(/\s+/g, ""), "base64"));
    return {
      subject: cert.subject.replace(/\n/g, ", "),
      validTo: new Date(cert.validTo),
      validFrom: new Date(cert.validFrom),
      fingerprint256: cert.fingerprint256,
    };
  } catch (error) {
    return (error as Error).message;
  }
}

/** The text of every X509Certificate element anywhere below `node`. */
function allCertificates(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(allCertificates);
  if (!node || typeof node !== "object") return [];
  return Object.entries(node as XmlNode).flatMap(([name, value]) => (name === "X509Certificate" ? children(node, name).map(text) : allCertificates(value)));
}

/**
 * Check metadata text: size, XML syntax (no DOCTYPE), that it is identity-provider metadata, and
 * that its signing certificates decode and at least one is in date at `now`. Expired or not yet
 * valid certificates next to an in-date one (a key rollover) are warnings. Advice names
 * Identity Center's console only when the entityID is that of Identity Center in `home`.
 */
export function checkMetadata(xml: string, now: Date, home?: IdentityCenterHome): MetadataCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const certificates: SigningCertificate[] = [];
  // Early returns report what was found so far; the entity ID is known only past the XML checks.
  const found: { entityId?: string } = {};
  const result = () => ({ errors, warnings, certificates, entityId: found.entityId });

  if (/^\s*-----BEGIN CERTIFICATE-----/.test(xml)) {
    errors.push(`is a certificate (PEM), not SAML metadata: ${CERTIFICATE_NOT_METADATA}`);
    return result();
  }
  if (isPlaceholderMetadata(xml)) {
    warnings.push(
      `is the placeholder npm run new-env wrote: synth works, nothing can sign in, and a pipeline refuses it; ${IDENTITY_CENTER_ADVICE.download} into this file`,
    );
    return { ...result(), placeholder: true };
  }

  if (xml.length < METADATA_MIN_CHARS || xml.length > METADATA_MAX_CHARS) {
    errors.push(
      `has ${xml.length} characters; IAM accepts ${METADATA_MIN_CHARS}..${METADATA_MAX_CHARS}` +
        (xml.length < METADATA_MIN_CHARS ? " (is it the whole metadata file from your identity provider?)" : ""),
    );
    return result();
  }
  if (/^\s*(<!doctype html|<html)/i.test(xml)) {
    errors.push(`is an HTML page, not SAML metadata: ${OTHER_IDP_ADVICE.download}, saving the file itself rather than the page`);
    return result();
  }
  const doctype = /<!DOCTYPE/i.exec(xml);
  if (doctype) {
    errors.push(
      `has a DOCTYPE declaration (line ${xml.slice(0, doctype.index).split("\n").length}); no file with one is read, so no XML entity is ever resolved: ` +
        "allowed: SAML metadata without a DOCTYPE, as identity providers publish it",
    );
    return result();
  }
  const marker = TOKEN_MARKER.exec(xml);
  if (marker) {
    errors.push(
      `contains ${JSON.stringify(marker[0])} (line ${xml.slice(0, marker.index).split("\n").length}), a marker the synth tool would replace, so the document could not reach IAM as written: allowed: ${LITERAL_TEXT_ALLOWED}`,
    );
    return result();
  }
  const doc = parseXml(xml);
  if (typeof doc === "string") {
    errors.push(doc);
    return result();
  }
  const entity = children(doc, "EntityDescriptor")[0];
  if (!entity) {
    errors.push(
      `is XML but not SAML metadata: the root element must be md:EntityDescriptor, found ${
        Object.keys(doc)
          .filter((k) => !k.startsWith("?"))
          .join(", ") || "nothing"
      }`,
    );
    return result();
  }
  found.entityId = typeof entity["@entityID"] === "string" ? entity["@entityID"] : undefined;
  const advice = adviceFor(found.entityId, home);
  const descriptors = children(entity, "IDPSSODescriptor");
  const idp = descriptors[0];
  if (!idp) {
    errors.push(
      children(entity, "SPSSODescriptor").length > 0
        ? `is service-provider metadata (SPSSODescriptor); IAM needs the identity provider's metadata (IDPSSODescriptor): ${advice.download}`
        : "has no IDPSSODescriptor: it is not identity-provider metadata",
    );
    return result();
  }
  if (descriptors.length > 1) {
    // IAM trusts the certificates of every descriptor; a second one is a second identity provider.
    errors.push(
      `has ${descriptors.length} IDPSSODescriptor elements; an identity provider's metadata has one, and IAM would trust the certificates of each: ${advice.download}`,
    );
    return result();
  }
  const certificatesIn = (node: unknown): string[] =>
    children(node, "KeyInfo").flatMap((k) => children(k, "X509Data").flatMap((d) => children(d, "X509Certificate").map(text)));
  const signing = children(idp, "KeyDescriptor").filter((k) => k["@use"] === undefined || k["@use"] === "signing");
  const encoded = signing.flatMap(certificatesIn);
  if (encoded.length === 0) {
    errors.push("has no signing certificate (IDPSSODescriptor/KeyDescriptor[@use='signing']/KeyInfo/X509Data/X509Certificate)");
    return result();
  }
  // Every other certificate of the document (an encryption key, the metadata's own signature)
  // is fingerprinted too: a certificate added anywhere is a certificate change.
  const others = allCertificates(doc).filter((c) => !encoded.includes(c));
  for (const base64 of new Set(others)) {
    const other = decodeCertificate(base64);
    if (typeof other === "string") errors.push(`a certificate outside the signing keys does not decode as an X.509 certificate (${other})`);
    else certificates.push(other);
  }
  // Out-of-date certificates are judged once it is known whether another one is in date.
  const outOfDate: { label: string; reason: string; fix?: string }[] = [];
  const inDate: string[] = [];
  encoded.forEach((base64, index) => {
    const label = encoded.length > 1 ? `signing certificate ${index + 1}` : "signing certificate";
    const cert = decodeCertificate(base64);
    if (typeof cert === "string") {
      errors.push(`${label} does not decode as an X.509 certificate (${cert})`);
      return;
    }
    const { validTo, validFrom } = cert;
    const info = { subject: cert.subject, validTo, fingerprint256: cert.fingerprint256 };
    certificates.push(info);
    const named = `${label} (${info.subject})`;
    if (validTo.getTime() <= now.getTime()) {
      outOfDate.push({ label: named, reason: `expired on ${day(validTo)}`, fix: advice.rotate });
    } else if (validFrom.getTime() > now.getTime()) {
      outOfDate.push({ label: named, reason: `is not valid before ${day(validFrom)}` });
    } else {
      inDate.push(label);
      if (validTo.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) {
        warnings.push(`${named} expires on ${day(validTo)}, within ${EXPIRY_WARNING_DAYS} days: ${advice.rotate}`);
      }
    }
  });
  for (const { label, reason, fix } of outOfDate) {
    if (inDate.length > 0) {
      warnings.push(`${label} ${reason}; accepted as a key rollover because ${inDate.join(" and ")} ${inDate.length > 1 ? "are" : "is"} in date`);
    } else {
      errors.push(`${label} ${reason}${encoded.length > 1 ? " and no signing certificate is in date" : ""}${fix ? `: ${fix}` : ""}`);
    }
  }
  return result();
}

/**
 * Why an entityID is not the one IAM Identity Center gives applications of an instance in
 * `region` (its home region), or undefined when it is. Metadata of another identity provider, or
 * of an instance in another region, would make the SAML provider trust someone else.
 */
export function identityCenterEntityIdProblem(entityId: string, partition: Partition, region: string): string | undefined {
  const prefix = identityCenterEntityIdPrefix(partition, region);
  if (entityId.startsWith(prefix) && /^[A-Za-z0-9+/=_-]+$/.test(entityId.slice(prefix.length))) return undefined;
  return (
    `entityID ${JSON.stringify(entityId)} is not IAM Identity Center's for ${region} (expected ${prefix}<id>): ` +
    `is this the metadata of the Amazon Connect application in Identity Center, and is identityCenter.region its home region?`
  );
}
