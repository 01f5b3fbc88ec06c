/**
 * What the pipeline lets terraform run. A synthesized stack is the change's own output, made by
 * the change's own code; the pipeline (trusted code) plans and applies it with AWS credentials.
 * So the stack must be data only: the aws provider, aws resources and data sources, state blocks
 * and outputs. Anything that runs code or reaches elsewhere (a provisioner, another provider such
 * as `external` or `http`, a module from a source, an unknown block) is refused before init.
 */

/** Top-level blocks of a stack as cdktf writes them (`//` holds cdktf's metadata). */
const BLOCKS = new Set(["//", "terraform", "provider", "resource", "data", "output", "locals", "variable", "import", "moved", "removed"]);
const TERRAFORM_SETTINGS = new Set(["backend", "required_providers", "required_version"]);
const AWS_SOURCES = new Set(["aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"]);
const BACKENDS = new Set(["s3", "local"]);
/** Settings of a resource or removed block that run commands. */
const RUNS_CODE = ["provisioner", "connection"];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Why terraform must not run this synthesized stack with credentials; empty when it is data only. */
export function configurationProblems(stackJson: unknown): string[] {
  if (!isObject(stackJson)) return ["is not a JSON object"];
  const problems: string[] = [];
  for (const key of Object.keys(stackJson))
    if (!BLOCKS.has(key)) problems.push(`has a top-level block ${JSON.stringify(key)}, which the pipeline does not run`);
  const terraform = isObject(stackJson.terraform) ? stackJson.terraform : {};
  for (const key of Object.keys(terraform)) if (!TERRAFORM_SETTINGS.has(key)) problems.push(`sets terraform.${key}, which the pipeline does not run`);
  const required = isObject(terraform.required_providers) ? terraform.required_providers : {};
  for (const [name, value] of Object.entries(required)) {
    const source = isObject(value) ? value.source : value;
    if (name !== "aws" || typeof source !== "string" || !AWS_SOURCES.has(source))
      problems.push(`requires the provider ${name} (${JSON.stringify(source)}); only hashicorp/aws runs in the pipeline`);
  }
  for (const name of Object.keys(isObject(stackJson.provider) ? stackJson.provider : {}))
    if (name !== "aws") problems.push(`configures the provider ${name}; only aws runs in the pipeline`);
  for (const name of Object.keys(isObject(terraform.backend) ? terraform.backend : {}))
    if (!BACKENDS.has(name)) problems.push(`keeps state in the backend ${name}; allowed: s3 (or local outside a pipeline)`);
  for (const block of ["resource", "data"] as const) {
    for (const [type, instances] of Object.entries(isObject(stackJson[block]) ? stackJson[block] : {})) {
      if (!type.startsWith("aws_")) problems.push(`has ${block} type ${type}; only aws_ types run in the pipeline`);
      for (const [name, body] of Object.entries(isObject(instances) ? instances : {}))
        for (const key of RUNS_CODE) if (isObject(body) && key in body) problems.push(`gives ${block}.${type}.${name} a ${key}, which runs commands`);
    }
  }
  const removed = Array.isArray(stackJson.removed) ? stackJson.removed : isObject(stackJson.removed) ? Object.values(stackJson.removed) : [];
  for (const body of removed)
    for (const key of RUNS_CODE) if (isObject(body) && key in body) problems.push(`gives a removed block a ${key}, which runs commands`);
  return problems;
}
