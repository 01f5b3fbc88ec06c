/**
 * Whether a command runs in a pipeline: there it must not write what a person commits (the
 * identity lock) and must refuse state that does not persist.
 */

/** True when `CI` is set (GitHub Actions and most CI systems set CI=true); "false" and "0" count as unset. */
export function isPipelineRun(variables: NodeJS.ProcessEnv): boolean {
  const ci = variables.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
}
