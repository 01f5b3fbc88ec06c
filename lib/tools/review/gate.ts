/**
 * The gate: which planned changes need consent, across every plan of one review run, and which
 * consents allow them. It fails closed: only create, update, import, no-op and read pass on their
 * own, for every resource type; everything else needs a consent for its stack and target.
 */
import { isGatePath, TOOLING } from "../../rules/gate-paths";
import { guardedFields } from "../../rules/harmless-fields";
import { parseStackName } from "../../rules/sharding";
import { changesTrust } from "./certificates";
import type { PlanReview, ResourceReview } from "./classify";
import { CONSENT_TARGET, RETIRE, type Consent } from "./consent";

/** Why a change needs consent. */
export type GateReason = "delete" | "replace" | "forget" | "unknown-action" | "identity-provider" | "guarded-field" | "retire" | "tooling";

export interface GatedChange {
  /** The stack, or "tooling" for a file of the gate itself. */
  readonly stack: string;
  readonly reason: GateReason;
  /** The resource change; none when the whole stack is retired or a gate file changes. */
  readonly resource?: ResourceReview;
  /** The gate file that changes (reason "tooling"). */
  readonly path?: string;
}

/** One plan of the run, with the stack it belongs to. */
export interface StackReview {
  readonly stack: string;
  readonly review: PlanReview;
}

/** A Connect user forgotten by one stack and imported by another of the same environment. */
export interface UsersStackMove {
  readonly stack: string;
  readonly user: string;
  readonly to: string;
}

export interface GateResult {
  /** Every gated change, in run order, with the consents that allow it (none: refused). */
  readonly gated: ReadonlyArray<{ readonly change: GatedChange; readonly consents: ReadonlyArray<Consent> }>;
  readonly moves: ReadonlyArray<UsersStackMove>;
  /** Consents given that allow nothing in this run. */
  readonly unused: ReadonlyArray<Consent>;
}

/** Why a single resource change needs consent; undefined when it passes on its own. */
function gateReason(r: ResourceReview): GateReason | undefined {
  switch (r.verb) {
    case "delete":
    case "replace":
    case "forget":
      return r.verb;
    case "unknown":
      return "unknown-action";
    default:
      // An in-place metadata update still changes whom IAM trusts for sign-in.
      if (r.metadata && changesTrust(r.metadata)) return "identity-provider";
      // Only attributes known to be harmless change without consent (lib/rules/harmless-fields.ts).
      return guardedFields(r.type, r.changedAttributes).length > 0 ? "guarded-field" : undefined;
  }
}

/**
 * The stack a forgotten Connect user moves to: another stack of the same environment whose plan,
 * in this run, imports the same user name and the same Connect object (import ID = state ID).
 */
function moveDestination(stack: string, r: ResourceReview, plans: ReadonlyArray<StackReview>): string | undefined {
  const environment = parseStackName(stack)?.environment;
  if (r.type !== "aws_connect_user" || r.verb !== "forget" || r.key === undefined || r.id === undefined || environment === undefined) return undefined;
  const imports = (p: StackReview) =>
    p.review.resources.some((o) => o.type === "aws_connect_user" && o.verb === "import" && o.key === r.key && o.importId === r.id);
  return plans.find((p) => p.stack !== stack && parseStackName(p.stack)?.environment === environment && imports(p))?.stack;
}

/** Whether a consent allows a gated change: same stack, and the full address, resource address or for_each key. */
function consentAllows(consent: Consent, change: GatedChange): boolean {
  if (consent.stack !== change.stack) return false;
  if (change.path !== undefined) return consent.target === change.path;
  if (!change.resource) return consent.target === RETIRE;
  const r = change.resource;
  return consent.target === r.address || consent.target === r.resource || (r.key !== undefined && consent.target === r.key);
}

/** The target to write in a consent line: the user name when there is one, else the address (one token either way). */
export function consentTarget(change: GatedChange): string {
  if (change.path !== undefined) return change.path;
  if (!change.resource) return RETIRE;
  const r = change.resource;
  return [r.key, r.address, r.resource].find((t): t is string => t !== undefined && CONSENT_TARGET.test(t)) ?? r.resource;
}

/**
 * The gate over one run: every plan file, the stacks the change removes, the consents given, and
 * the files the change brings (each file of the gate itself is a gated change; see gate-paths.ts).
 */
export function gate(
  plans: ReadonlyArray<StackReview>,
  removedStacks: ReadonlyArray<string>,
  consents: ReadonlyArray<Consent>,
  changedFiles: ReadonlyArray<string> = [],
): GateResult {
  const changes: GatedChange[] = [];
  const moves: UsersStackMove[] = [];
  for (const plan of plans) {
    for (const resource of plan.review.resources) {
      const reason = gateReason(resource);
      if (!reason) continue;
      const to = moveDestination(plan.stack, resource, plans);
      if (to) moves.push({ stack: plan.stack, user: resource.key!, to });
      else changes.push({ stack: plan.stack, reason, resource });
    }
  }
  for (const stack of removedStacks) changes.push({ stack, reason: "retire" });
  for (const file of changedFiles.filter(isGatePath)) changes.push({ stack: TOOLING, reason: "tooling", path: file });
  const gated = changes.map((change) => ({ change, consents: consents.filter((c) => consentAllows(c, change)) }));
  const used = new Set(gated.flatMap((g) => g.consents));
  return { gated, moves, unused: consents.filter((c) => !used.has(c)) };
}
