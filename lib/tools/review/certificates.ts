/**
 * What a change of a SAML provider's metadata document changes about whom IAM trusts: the
 * identity provider (entityID) and its signing certificates. Either one decides who can sign in.
 */
import { checkMetadata, type SigningCertificate } from "../../config/metadata";
import { UNKNOWN } from "../plan/fields";

export interface MetadataChange {
  /** Set when the entityID differs (undefined on a side that has none). */
  readonly entityId?: { readonly before?: string; readonly after?: string };
  /** Signing certificates only the current document has (by SHA-256 fingerprint). */
  readonly removed: ReadonlyArray<SigningCertificate>;
  /** Signing certificates only the new document has. */
  readonly added: ReadonlyArray<SigningCertificate>;
  /** Why a document cannot be judged (unreadable, unknown until apply, a bad certificate). */
  readonly problems: ReadonlyArray<string>;
}

/**
 * The difference between two metadata documents, or undefined when they are the same text.
 * `now` only dates the certificates' validity, which checkMetadata reports as problems.
 */
export function metadataChange(before: unknown, after: unknown, now: Date): MetadataChange | undefined {
  if (before === after) return undefined;
  const current = readMetadata("current metadata", before, now);
  const next = readMetadata("new metadata", after, now);
  const has = (list: ReadonlyArray<SigningCertificate>, cert: SigningCertificate) => list.some((c) => c.fingerprint256 === cert.fingerprint256);
  const bothRead = current.readable && next.readable;
  return {
    ...(bothRead && current.entityId !== next.entityId ? { entityId: { before: current.entityId, after: next.entityId } } : {}),
    removed: current.certificates.filter((c) => !has(next.certificates, c)),
    added: next.certificates.filter((c) => !has(current.certificates, c)),
    problems: [...current.problems, ...next.problems],
  };
}

/** Whether the change moves whom IAM trusts for sign-in, or cannot be judged: both need consent. */
export function changesTrust(change: MetadataChange): boolean {
  return change.entityId !== undefined || change.removed.length > 0 || change.added.length > 0 || change.problems.length > 0;
}

function readMetadata(
  label: string,
  document: unknown,
  now: Date,
): { readable: boolean; entityId?: string; certificates: SigningCertificate[]; problems: string[] } {
  if (document === UNKNOWN) return { readable: false, certificates: [], problems: [`${label} is known only after apply`] };
  if (typeof document !== "string") return { readable: false, certificates: [], problems: [`${label} is missing`] };
  const check = checkMetadata(document, now);
  return {
    readable: check.certificates.length > 0,
    entityId: check.entityId,
    certificates: check.certificates,
    problems: check.errors.map((e) => `${label} ${e}`),
  };
}
