/**
 * Reads saved plans (`terraform show -json <planfile>`, format 1.x) for the review and drift, and
 * refuses what neither can judge: not a plan, a plan terraform itself marks errored, incomplete or
 * not applyable, and parts of the format this tool was never taught.
 */
import * as fs from "node:fs";
import type { PlanJson } from "./format";

export class PlanFormatError extends Error {}

const USAGE_HINT = "expected the output of `terraform show -json <planfile>`";

/**
 * Top-level keys of the plan format this tool has been taught (all that terraform 1.11 writes
 * but `deferred_changes`). Any other key with a value may hold changes the tool would not see.
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
 * A parsed plan the review and drift can judge, or a PlanFormatError naming what is wrong: the
 * plan format 1.x, known top-level keys only, every resource change, drift and output change
 * well-formed, and neither errored, incomplete, nor "changes but not applyable".
 * `targeted`: the caller planned with -target and judges what it left out itself, so
 * `complete: false` is expected; every other check still applies.
 */
export function asPlan(value: unknown, options: { readonly targeted?: boolean } = {}): PlanJson {
  if (!isObject(value)) throw new PlanFormatError(`is not a JSON object; ${USAGE_HINT}`);
  if (typeof value.format_version !== "string") {
    throw new PlanFormatError(`has no format_version; ${USAGE_HINT} (not the plan file itself, nor state)`);
  }
  if (!/^1\./.test(value.format_version)) throw new PlanFormatError(`has format_version ${value.format_version}; this reads 1.x`);
  for (const list of ["resource_changes", "resource_drift"] as const) {
    if (value[list] !== undefined && !Array.isArray(value[list])) throw new PlanFormatError(`${list} is not a list`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (!KNOWN_PLAN_KEYS.has(key) && !isEmpty(v)) {
      throw new PlanFormatError(
        `has \`${key}\`, which this tool was never taught to read (it may hold changes); teach lib/tools/plan/read.ts before trusting such plans`,
      );
    }
  }
  const plan = value as unknown as PlanJson;
  (plan.resource_changes ?? []).forEach((rc, i) => checkResourceChange(rc, `resource_changes[${i}]`));
  (plan.resource_drift ?? []).forEach((rc, i) => checkResourceChange(rc, `resource_drift[${i}]`));
  if (value.output_changes !== undefined) {
    if (!isObject(value.output_changes)) throw new PlanFormatError("output_changes is not an object");
    for (const [name, change] of Object.entries(value.output_changes)) {
      if (!isObject(change) || !isStringList(change.actions)) throw new PlanFormatError(`output_changes.${name}: actions is not a list of strings`);
    }
  }
  for (const flag of ["errored", "complete", "applyable"] as const) {
    if (typeof value[flag] !== "boolean") {
      throw new PlanFormatError(`has no boolean \`${flag}\` (terraform 1.11 writes applyable, complete and errored); plan with the project's terraform`);
    }
  }
  if (plan.errored)
    throw new PlanFormatError(
      "is marked errored (`errored: true`): planning stopped on an error, so it may not show every change; fix the error and plan again",
    );
  if (!plan.complete && !options.targeted) {
    throw new PlanFormatError(
      "is marked incomplete (`complete: false`): it leaves changes for a later plan (-target or deferred changes), so it does not show everything; plan the whole stack",
    );
  }
  if (!plan.applyable && hasChanges(plan))
    throw new PlanFormatError("has changes but is marked not applyable (`applyable: false`): terraform would not apply what it shows");
  return plan;
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
  return asPlan(value);
}

/**
 * Whether a plan changes anything, as terraform decides it (plans.ChangesSrc.Empty): a resource
 * change other than no-op, a move or an import, or a changed output. Terraform writes
 * `applyable: false` for a plan without changes (checked with terraform 1.11.4).
 */
function hasChanges(plan: PlanJson): boolean {
  const noOp = (actions: ReadonlyArray<string>) => actions.length === 1 && actions[0] === "no-op";
  return (
    (plan.resource_changes ?? []).some((rc) => !noOp(rc.change.actions) || rc.previous_address !== undefined || rc.change.importing !== undefined) ||
    Object.values(plan.output_changes ?? {}).some((c) => !noOp(c.actions))
  );
}

function checkResourceChange(value: unknown, where: string): void {
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
