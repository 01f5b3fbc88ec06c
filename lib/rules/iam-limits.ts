/**
 * IAM's limits on what the stacks send it, owned here so that constructs check them without the
 * metadata reader (lib/config/metadata.ts checks the same limits on the file).
 */

/** IAM's limits on `SAMLMetadataDocument` (CreateSAMLProvider), in characters. */
export const METADATA_MIN_CHARS = 1000;
export const METADATA_MAX_CHARS = 10_000_000;
