/**
 * References generated from the code, so that they cannot drift from it (as terraform-docs does):
 * the environment file's JSON Schema (for editors: the example files name it on their first line)
 * and its reference page, both from the zod schema and its descriptions; the stacks' outputs from
 * lib/rules/outputs.ts; the security rules from the rule pack.
 */
import { z } from "zod";
import { ENVIRONMENT_SCHEMA_FILE } from "../../config/environments-dir";
import { environmentFileSchema } from "../../config/schema";
import { BOOTSTRAP_STACK_OUTPUTS, IDENTITY_CENTER_BOOTSTRAP_OUTPUTS, MAIN_STACK_OUTPUTS, type StackOutput } from "../../rules/outputs";
import { PACK } from "../../synth/security/pack";

/** Where the references live, relative to the project. */
export const REFERENCE_FILES = {
  environmentSchema: ENVIRONMENT_SCHEMA_FILE,
  environmentFile: "docs/reference/environment-file.md",
  stackOutputs: "docs/reference/stack-outputs.md",
  rules: "docs/rules.md",
} as const;

/** A JSON Schema node, as z.toJSONSchema writes it. */
interface JsonSchema {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: ReadonlyArray<unknown>;
  readonly const?: unknown;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly items?: JsonSchema;
  readonly anyOf?: ReadonlyArray<JsonSchema>;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: ReadonlyArray<string>;
  readonly additionalProperties?: JsonSchema | boolean;
}

/** The environment file's schema as JSON Schema (draft 2020-12), descriptions included. */
function environmentJsonSchema(): JsonSchema & Record<string, unknown> {
  return z.toJSONSchema(environmentFileSchema, { io: "input", unrepresentable: "any" }) as JsonSchema & Record<string, unknown>;
}

/** The environment file's JSON Schema, as text. */
export function environmentSchemaJson(): string {
  const { $schema, title, description, ...rest } = environmentJsonSchema();
  const $comment = `Generated from lib/config/schema.ts by npm run reference; do not edit. Reference: ${REFERENCE_FILES.environmentFile}`;
  return `${JSON.stringify({ $schema, $id: "https://connect-sso.invalid/environment.schema.json", $comment, title, description, ...rest }, null, 2)}\n`;
}

/** A Markdown table cell: one line, pipes escaped (also inside code spans, as GitHub's tables need). */
const cell = (text: string) => text.replace(/\s*\n\s*/g, " ").replace(/\|/g, "\\|");
const code = (text: string) => `\`${text}\``;
/** Plain text in Markdown: `<env>` stays text (not an HTML tag), `us-gov-*, cn-*` no emphasis. */
const prose = (text: string) => text.replace(/[\\`*_[\]<]/g, (c) => (c === "<" ? "&lt;" : `\\${c}`));
/** A value as it is written in YAML: strings bare, the rest as JSON. */
const yamlValue = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** What a node's type reads as: `string`, `list of string`, `map of string`, `"all" or list of string`… */
function typeOf(node: JsonSchema): string {
  if (node.anyOf) return node.anyOf.map(typeOf).join(" or ");
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "any"}`;
  if (node.type === "object" && !node.properties) return `map of ${typeof node.additionalProperties === "object" ? typeOf(node.additionalProperties) : "any"}`;
  return node.type ?? "any";
}

/** A range `a..b`, or one bound; JavaScript's largest safe integer is zod's "no maximum". */
function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const upper = max === undefined || max >= Number.MAX_SAFE_INTEGER ? undefined : max;
  if (min === undefined && upper === undefined) return undefined;
  if (upper === undefined) return `${min} or more${unit}`;
  return min === undefined ? `at most ${upper}${unit}` : `${min}..${upper}${unit}`;
}

/** The allowed values a node's schema states (enums, patterns, lengths, ranges, counts, and each item's). */
function allowed(node: JsonSchema): string[] {
  if (node.anyOf) return node.anyOf.flatMap(allowed);
  const own = [
    node.enum ? node.enum.map((v) => code(String(v))).join(", ") : undefined,
    node.pattern === undefined ? undefined : code(node.pattern),
    range(node.minLength, node.maxLength, " characters"),
    node.type === "integer" || node.type === "number" ? range(node.minimum, node.maximum, "") : undefined,
    range(node.minItems, node.maxItems, " items"),
  ].filter((s): s is string => s !== undefined);
  const items = node.type === "array" && node.items ? allowed(node.items) : [];
  return [...own, ...(items.length ? [`each: ${items.join(", ")}`] : [])];
}

interface Row {
  readonly path: string;
  readonly node: JsonSchema;
  readonly required: boolean;
}

/** Every field, depth first in the schema's order: objects, their fields, and the fields of list items. */
function rows(node: JsonSchema, prefix: string): Row[] {
  return Object.entries(node.properties ?? {}).flatMap(([key, child]) => {
    const path = `${prefix}${key}`;
    const inner = child.type === "array" && child.items?.properties ? rows(child.items, `${path}[].`) : child.properties ? rows(child, `${path}.`) : [];
    return [{ path, node: child, required: (node.required ?? []).includes(key) }, ...inner];
  });
}

/** The environment file's reference: every field, its type, whether it is required (or its default), what it allows, and what it is for. */
export function environmentFileReference(): string {
  const schema = environmentJsonSchema();
  return [
    "# Environment file reference",
    "",
    "Generated from `lib/config/schema.ts` by `npm run reference`; do not edit. Editors validate and complete environment files",
    `with the same schema as JSON Schema, \`${REFERENCE_FILES.environmentSchema}\`, which the examples name on their first line.`,
    "",
    `${schema.description ?? ""}`,
    "",
    "A field is required within its parent: `backend.s3.bucket` only when `backend` is given. Unknown keys are errors.",
    "Checks across fields, files and environments (a desk phone needs a number, `groups` needs `applicationArn`, user names",
    "unique ignoring case, the metadata file's certificate…) are listed in `docs/checks.md`.",
    "",
    "| Field | Type | Required or default | Allowed | Description |",
    "| --- | --- | --- | --- | --- |",
    ...rows(schema, "").map(({ path, node, required }) => {
      const need = required ? "required" : node.default === undefined ? "optional" : `default ${code(yamlValue(node.default))}`;
      return `| ${[code(path), typeOf(node), need, allowed(node).join("; "), prose(node.description ?? "")].map(cell).join(" | ")} |`;
    }),
    "",
  ].join("\n");
}

/** The stacks' outputs, as `cdktf output <stack>` (or `terraform output`) shows them. */
export function stackOutputsReference(): string {
  const table = (outputs: Readonly<Record<string, StackOutput>>) => [
    "| Output | Description | Present |",
    "| --- | --- | --- |",
    ...Object.values(outputs).map((o) => `| ${[code(o.name), prose(o.description), prose(o.only ?? "always")].map(cell).join(" | ")} |`),
  ];
  return [
    "# Stack outputs",
    "",
    "Generated from `lib/rules/outputs.ts` by `npm run reference`; do not edit. The stacks describe each output in the same",
    "words, with `<env>` and `<owner>/<repo>` replaced by the environment's name and its `pipeline.repository`.",
    "",
    "## Main stack, `connect-sso-<env>`",
    "",
    "`npx cdktf output connect-sso-<env>` after an apply.",
    "",
    ...table(MAIN_STACK_OUTPUTS),
    "",
    "## Bootstrap stack, `connect-sso-<env>-bootstrap`",
    "",
    "`terraform output` in `cdktf.out/stacks/connect-sso-<env>-bootstrap` after the administrator's apply.",
    "",
    ...table(BOOTSTRAP_STACK_OUTPUTS),
    "",
    "## Identity Center bootstrap stack, `connect-sso-<env>-identity-center-bootstrap`",
    "",
    "Only with `identityCenter.account`: `terraform output` in `cdktf.out/stacks/connect-sso-<env>-identity-center-bootstrap` after the apply by Identity Center's administrator.",
    "",
    ...table(IDENTITY_CENTER_BOOTSTRAP_OUTPUTS),
    "",
    "Users stacks (`connect-sso-<env>-users-<n>`) have no outputs.",
    "",
  ].join("\n");
}

/** The security rules, one row each, in the pack's order. */
export function rulesReference(): string {
  return [
    "# Security rules",
    "",
    "Generated from `lib/synth/security/pack.ts` by `npm run reference`; do not edit. Synth refuses a stack that breaks any of them, naming the resource and the rule.",
    "",
    "| Rule | What it holds (and where it comes from) | Resource types read | File |",
    "| --- | --- | --- | --- |",
    ...PACK.map(
      (rule) =>
        `| \`${rule.id}\` | ${cell(rule.why)} | ${rule.reads.map((t) => `\`${t}\``).join(", ")} | \`lib/synth/security/${rule.id.toLowerCase().replace(/_/g, "-")}.ts\` |`,
    ),
    "",
  ].join("\n");
}

/** Each reference file and what writes it. */
export const REFERENCES: ReadonlyArray<readonly [file: string, generate: () => string]> = [
  [REFERENCE_FILES.environmentSchema, environmentSchemaJson],
  [REFERENCE_FILES.environmentFile, environmentFileReference],
  [REFERENCE_FILES.stackOutputs, stackOutputsReference],
  [REFERENCE_FILES.rules, rulesReference],
];
