/**
 * Checks an Identity Center SAML metadata file before it becomes an IAM SAML provider.
 */
import { X509Certificate } from "node:crypto";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { identityCenterEntityIdPrefix, type Partition } from "../rules/naming";

/** IAM's limits on `SAMLMetadataDocument`. */
export const METADATA_MIN_CHARS = 1000;
export const METADATA_MAX_CHARS = 10_000_000;
/** A certificate this close to its end gets a warning: rotation takes console work. */
export const EXPIRY_WARNING_DAYS = 30;

export interface SigningCertificate {
  readonly subject: string;
  readonly validTo: Date;
  readonly fingerprint256: string;
}

export interface MetadataCheck {
  /** Problems that make the metadata unusable. */
  readonly errors: string[];
  /** Problems worth a look that do not stop synth. */
  readonly warnings: string[];
  /** The signing certificates found (empty when the metadata is unusable). */
  readonly certificates: SigningCertificate[];
  readonly entityId?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  removeNSPrefix: true,
  // Arrays where SAML allows repetition, so single and multiple elements read the same.
  isArray: (name) => ["EntityDescriptor", "IDPSSODescriptor", "KeyDescriptor", "X509Certificate"].includes(name),
  processEntities: false,
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

/**
 * Check metadata text: size, XML syntax, that it is identity-provider metadata, and that each
 * signing certificate decodes and is in date at `now`.
 */
export function checkMetadata(xml: string, now: Date): MetadataCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  const certificates: SigningCertificate[] = [];
  // Early returns report what was found so far; the entity ID is known only past the XML checks.
  const found: { entityId?: string } = {};
  const result = () => ({ errors, warnings, certificates, entityId: found.entityId });

  if (xml.length < METADATA_MIN_CHARS || xml.length > METADATA_MAX_CHARS) {
    errors.push(
      `has ${xml.length} characters; IAM accepts ${METADATA_MIN_CHARS}..${METADATA_MAX_CHARS}` +
        (xml.length < METADATA_MIN_CHARS ? " (is it the whole file downloaded from the Identity Center application?)" : ""),
    );
    return result();
  }
  if (/^\s*(<!doctype html|<html)/i.test(xml)) {
    errors.push("is an HTML page, not SAML metadata: download it again with the application's 'Download' button for 'IAM Identity Center SAML metadata file'");
    return result();
  }
  const syntax = XMLValidator.validate(xml);
  if (syntax !== true) {
    errors.push(`is not well-formed XML: ${syntax.err.msg} at line ${syntax.err.line}, column ${syntax.err.col}`);
    return result();
  }
  const doc = parser.parse(xml) as XmlNode;
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
  const idp = children(entity, "IDPSSODescriptor")[0];
  if (!idp) {
    errors.push(
      children(entity, "SPSSODescriptor").length > 0
        ? "is service-provider metadata (SPSSODescriptor); IAM needs the identity provider's metadata (IDPSSODescriptor) downloaded from the Identity Center application"
        : "has no IDPSSODescriptor: it is not identity-provider metadata",
    );
    return result();
  }
  const signing = children(idp, "KeyDescriptor").filter((k) => k["@use"] === undefined || k["@use"] === "signing");
  const encoded = signing.flatMap((k) => children(children(children(k, "KeyInfo")[0], "X509Data")[0], "X509Certificate").map(text));
  if (encoded.length === 0) {
    errors.push("has no signing certificate (IDPSSODescriptor/KeyDescriptor[@use='signing']/KeyInfo/X509Data/X509Certificate)");
    return result();
  }
  encoded.forEach((base64, index) => {
    const label = encoded.length > 1 ? `signing certificate ${index + 1}` : "signing certificate";
    let cert: X509Certificate;
    try {
      const der = Buffer.from(base64.replace(/\s+/g, ""), "base64");
      cert = new X509Certificate(der);
    } catch (error) {
      errors.push(`${label} does not decode as an X.509 certificate (${(error as Error).message})`);
      return;
    }
    const validTo = new Date(cert.validTo);
    const info = { subject: cert.subject.replace(/\n/g, ", "), validTo, fingerprint256: cert.fingerprint256 };
    certificates.push(info);
    const day = validTo.toISOString().slice(0, 10);
    if (validTo.getTime() <= now.getTime()) {
      errors.push(`${label} (${info.subject}) expired on ${day}: download the metadata again after rotating the Identity Center certificate`);
    } else if (validTo.getTime() - now.getTime() < EXPIRY_WARNING_DAYS * 86_400_000) {
      warnings.push(`${label} (${info.subject}) expires on ${day}, within ${EXPIRY_WARNING_DAYS} days: rotate it in Identity Center and replace this file`);
    } else if (new Date(cert.validFrom).getTime() > now.getTime()) {
      errors.push(`${label} (${info.subject}) is not valid before ${new Date(cert.validFrom).toISOString().slice(0, 10)}`);
    }
  });
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
