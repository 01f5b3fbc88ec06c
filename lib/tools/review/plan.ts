/**
 * Reads saved plans (`terraform show -json <planfile>`, format 1.x) and refuses what a review
 * cannot judge: not a plan, a plan terraform itself marks errored, incomplete or not applyable,
 * and parts of the format this tool was never taught.
 */
import * as fs from "node:fs";

/** The parts of Terraform's JSON plan format this reads (format_version 1.x). */
export interface PlanJson {
  readonly format_version: string;
  readonly resource_changes?: ReadonlyArray<ResourceChange>;
  readonly output_changes?: Readonly<Record<string, Change>>;
  readonly resource_drift?: ReadonlyArray<ResourceChange>;
  /** State before the plan, with the data sources the plan read (profile look-ups). */
  readonly prior_state?: { readonly values?: { readonly root_module?: StateModule } };
  /** Terraform would apply it (false for a plan without changes). */
  readonly applyable?: boolean;
  /** False when the plan leaves changes for later (-target, deferred changes). */
  readonly complete?: boolean;
  /** True when planning stopped on an error. */
  readonly errored?: boolean;
}

export interface StateModule {
  readonly resources?: ReadonlyArray<{ readonly mode: string; readonly type: string; readonly address: string; readonly values?: Record<string, unknown> }>;
  readonly child_modules?: ReadonlyArray<StateModule>;
}

export interface Change {
  readonly actions: ReadonlyArray<string>;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly after_unknown?: unknown;
  /** Set when an import block brings the object under management. */
  readonly importing?: { readonly id?: string; readonly unknown?: boolean };
  /** Attribute paths that force a replacement (`[["name"]]`). */
  readonly replace_paths?: ReadonlyArray<ReadonlyArray<string | number>>;
}

export interface ResourceChange {
  readonly address: string;
  /** Where a `moved` block took the object from. */
  readonly previous_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly change: Change;
  readonly action_reason?: string;
}

export class PlanFormatError extends Error {}

const USAGE_HINT = "expected the output of `terraform show -json <planfile>`";

/** Checks that a parsed JSON value has the shape of a Terraform plan, naming what is wrong. */
export function asPlan(value: unknown): PlanJson {
  if (!isObject(value)) throw new PlanFormatError(`is not a JSON object; ${USAGE_HINT}`);
  if (typeof value.format_version !== "string") {
    throw new PlanFormatError(`has no format_version; ${USAGE_HINT} (not the plan file itself, nor state)`);
  }
  if (!/^1\./.test(value.format_version)) throw new PlanFormatError(`has format_version ${value.format_version}; this reads 1.x`);
  if (value.resource_changes !== undefined && !Array.isArray(value.resource_changes)) throw new PlanFormatError("resource_changes is not a list");
  return value as unknown as PlanJson;
}

/**
 * Top-level keys of the plan format this review has been taught (all that terraform 1.11 writes
 * but `deferred_changes`). Any other key with a value may hold changes the review would not see.
 */
const KNOWN_PLAN_KEYS: ReadonlySet<string> = new Set([
  "format_version",
  "terraform_version",
  "variables",
  "planned_values",
  "resource_drift",
  "resource_changes",
  "output_changes",
  "prior_state",
  "configuration",
  "relevant_attributes",
  "checks",
  "timestamp",
  "applyable",
  "complete",
  "errored",
]);

/**
 * A plan the gate can judge: asPlan's shape, every resource and output change well-formed, known
 * top-level keys only, and neither errored, incomplete, nor "changes but not applyable".
 */
export function reviewablePlan(value: unknown): PlanJson {
  const plan = asPlan(value);
  const raw = value as Record<string, unknown>;
  for (const [key, v] of Object.entries(raw)) {
    if (!KNOWN_PLAN_KEYS.has(key) && !isEmpty(v)) {
      throw new PlanFormatError(
        `has \`${key}\`, which this review was never taught to read (it may hold changes); teach lib/tools/review/plan.ts before trusting such plans`,
      );
    }
  }
  (plan.resource_changes ?? []).forEach(checkResourceChange);
  if (raw.output_changes !== undefined) {
    if (!isObject(raw.output_changes)) throw new PlanFormatError("output_changes is not an object");
    for (const [name, change] of Object.entries(raw.output_changes)) {
      if (!isObject(change) || !isStringList(change.actions)) throw new PlanFormatError(`output_changes.${name}: actions is not a list of strings`);
    }
  }
  for (const flag of ["errored", "complete", "applyable"] as const) {
    if (typeof raw[flag] !== "boolean") {
      throw new PlanFormatError(`has no boolean \`${flag}\` (terraform 1.11 writes applyable, complete and errored); plan with the project's terraform`);
    }
  }
  if (plan.errored)
    throw new PlanFormatError(
      "is marked errored (`errored: true`): planning stopped on an error, so it may not show every change; fix the error and plan again",
    );
  if (!plan.complete) {
    throw new PlanFormatError(
      "is marked incomplete (`complete: false`): it leaves changes for a later plan (-target or deferred changes), so it does not show everything; plan the whole stack",
    );
  }
  if (!plan.applyable && hasChanges(plan))
    throw new PlanFormatError("has changes but is marked not applyable (`applyable: false`): terraform would not apply what it shows");
  return plan;
}

/**
 * Whether a plan changes anything, as terraform decides it (plans.ChangesSrc.Empty): a resource
 * change other than no-op, a move or an import, or a changed output. Terraform writes
 * `applyable: false` for a plan without changes (checked with terraform 1.11.4).
 */
export function hasChanges(plan: PlanJson): boolean {
  const noOp = (actions: ReadonlyArray<string>) => actions.length === 1 && actions[0] === "no-op";
  return (
    (plan.resource_changes ?? []).some((rc) => !noOp(rc.change.actions) || rc.previous_address !== undefined || rc.change.importing !== undefined) ||
    Object.values(plan.output_changes ?? {}).some((c) => !noOp(c.actions))
  );
}

/** Reads and checks one plan file; throws PlanFormatError naming what is wrong. */
export function readPlanFile(file: string): PlanJson {
  let text: string;
  try {
    if (!fs.statSync(file).isFile()) throw new PlanFormatError(`is not a file; ${USAGE_HINT}`);
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof PlanFormatError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new PlanFormatError(code === "ENOENT" ? "file not found" : `cannot be read (${code ?? (error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new PlanFormatError(`is not JSON (${(error as Error).message}); ${USAGE_HINT}`);
  }
  return reviewablePlan(value);
}

function checkResourceChange(value: unknown, i: number): void {
  const where = `resource_changes[${i}]`;
  if (!isObject(value) || typeof value.address !== "string" || typeof value.type !== "string") throw new PlanFormatError(`${where} has no address and type`);
  const at = `${where} (${value.address})`;
  if (value.mode !== "managed" && value.mode !== "data") throw new PlanFormatError(`${at} has mode ${JSON.stringify(value.mode)}; this reads managed and data`);
  if (value.index !== undefined && typeof value.index !== "string" && typeof value.index !== "number")
    throw new PlanFormatError(`${at} has an index that is neither a string nor a number`);
  if (!isObject(value.change) || !isStringList(value.change.actions)) throw new PlanFormatError(`${at}: change.actions is not a list of strings`);
  const importing = value.change.importing;
  if (importing !== undefined && !isObject(importing)) throw new PlanFormatError(`${at}: change.importing is not an object`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/** null, "", [] and {} say nothing; any other value of an unknown key might. */
function isEmpty(value: unknown): boolean {
  return value === null || value === "" || (Array.isArray(value) && value.length === 0) || (isObject(value) && Object.keys(value).length === 0);
}
