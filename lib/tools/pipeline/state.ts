/**
 * Where a synthesized stack keeps its Terraform state, and whether a pipeline may run it: a fresh
 * runner's local state is thrown away with the runner, so plans would show only creates, applies
 * would collide with what the last one made, and drift would always report none.
 */

/** The state of one stack, read from its synthesized `terraform.backend` block. */
export type StateLocation =
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string }
  | { readonly kind: "local" }
  | { readonly kind: "unknown"; readonly description: string };

/** Reads the backend of a synthesized stack (`cdk.tf.json`). */
export function stateLocation(stackJson: unknown): StateLocation {
  const backend = (stackJson as { terraform?: { backend?: Record<string, Record<string, unknown>> } } | undefined)?.terraform?.backend;
  const types = Object.keys(backend ?? {});
  if (types.length === 0 || (types.length === 1 && types[0] === "local")) return { kind: "local" };
  const s3 = backend?.s3;
  if (types.length === 1 && s3 && typeof s3.bucket === "string" && typeof s3.key === "string" && typeof s3.region === "string") {
    return { kind: "s3", bucket: s3.bucket, key: s3.key, region: s3.region };
  }
  return { kind: "unknown", description: `backend ${types.join(", ")}` };
}

/**
 * Why a pipeline must not plan, apply or check drift of a stack with this state, or undefined when
 * the state persists (S3). `environmentFile` is named in the fix.
 */
export function persistenceProblem(stack: string, location: StateLocation, environmentFile: string): string | undefined {
  if (location.kind === "s3") return undefined;
  const what =
    location.kind === "local" ? "keeps its Terraform state in a local file" : `has a state backend this tool does not know (${location.description})`;
  return (
    `${stack} ${what}: in a pipeline that state is lost with the runner (plans would show only creates, the next apply would collide with what this one made, drift would see nothing). ` +
    `Add backend: { s3: { bucket: <state bucket>, region: <region> } } to ${environmentFile} (docs/gitops.md, "Remote state"); local state is only for a try-out outside CI`
  );
}

/** The object beside a stack's state that records what was last applied successfully. */
export function appliedRecordKey(stateKey: string): string {
  return `${stateKey}.applied.json`;
}
