/**
 * The bulk path's cost: what fast drift and a fast-refresh plan cost in Connect calls,
 * next to a full refresh (one DescribeUser per managed user, see ./model.ts).
 *
 * - The bulk read (lib/tools/connect-users/bulk-reader.ts): SearchUsers pages over every user of
 *   the instance; ListUsers pages once when a managed user is not in the search (deleted outside
 *   Terraform); DescribeUser only for managed users whose configuration sets a secondary email, the
 *   one field SearchUsers does not return. Those DescribeUser calls are the bulk path's unavoidable ones.
 * - Fast drift (`npm run drift -- <env> --fast`): one bulk read for the environment, then a
 *   refresh-only plan of each stack's other managed resources, targeted to them (none: no plan).
 * - Fast refresh (the pipeline's merge-time plan): the bulk read, `terraform apply -refresh-only`
 *   targeted to the users it found changed or missing and every other managed resource (none: no
 *   apply), then `terraform plan -refresh=false`. A targeted user pulls in the look-ups it
 *   references (instance check, every profile and hierarchy group look-up), so the first changed user costs those too.
 *
 * __tests__/integration/plan-cost.test.ts counts these calls on the loopback fake and requires them
 * to equal this model's, operation by operation.
 */
import { inlineForEachLocals } from "../../tools/plan/locals";
import { DEFAULT_SEARCH_PAGE_SIZE, LIST_USERS_MAX_RESULTS, SEARCH_USERS_MAX_RESULTS, type CallCounts } from "../../tools/connect-users/bulk-reader";
import { USER_RESOURCES } from "../../tools/drift/compare";
import { instanceCount, planCost, planMinutes, type ApiRate, type PlanCost, type PlanCostOptions } from "./model";

/** The target for a fast drift or fast-refresh plan: at most this many Connect calls, plus the unavoidable DescribeUser calls. */
export const FAST_PATH_TARGET_CALLS = 600;

export interface BulkReadInput {
  /** Users on the Connect instance: SearchUsers walks every one of them. */
  readonly usersOnInstance: number;
  /** Managed users found by the search whose configuration sets a secondary email: one DescribeUser each. */
  readonly secondaryEmails: number;
  /** Managed users the search does not return (deleted outside Terraform): any at all costs one ListUsers walk. @default 0 */
  readonly missingUsers?: number;
  /** SearchUsers' page size. @default DEFAULT_SEARCH_PAGE_SIZE, the reader's and fast drift's */
  readonly pageSize?: number;
}

const pages = (items: number, pageSize: number) => Math.max(1, Math.ceil(items / pageSize));

function wholeNumber(what: string, value: number, max = Number.MAX_SAFE_INTEGER, min = 0): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`plan-cost: ${what} ${value}: allowed: a whole number ${min}..${max}`);
  return value;
}

/** The bulk reader's calls for one instance, by operation (a missing user is taken to be gone, so ListUsers finds nothing to describe). */
export function bulkReadCalls(input: BulkReadInput): Readonly<CallCounts> {
  const users = wholeNumber("usersOnInstance", input.usersOnInstance);
  const pageSize = wholeNumber("pageSize", input.pageSize ?? DEFAULT_SEARCH_PAGE_SIZE, SEARCH_USERS_MAX_RESULTS, 1);
  return {
    SearchUsers: pages(users, pageSize),
    ListUsers: wholeNumber("missingUsers", input.missingUsers ?? 0) > 0 ? pages(users, LIST_USERS_MAX_RESULTS) : 0,
    DescribeUser: wholeNumber("secondaryEmails", input.secondaryEmails, users),
  };
}

type Json = Record<string, unknown>;

const parsed = (stackJson: unknown): Json => inlineForEachLocals(typeof stackJson === "string" ? (JSON.parse(stackJson) as Json) : (stackJson as Json));
const resourcesOf = (stack: Json) => (stack.resource ?? {}) as Record<string, Record<string, Json>>;

/**
 * Users of the stack whose configuration sets a secondary email (fast drift describes them): the
 * `secondary_email` of each value of the users' for_each map. Refuses a form it cannot read.
 */
export function secondaryEmailUsers(stackJson: unknown): number {
  const stack = parsed(stackJson);
  return USER_RESOURCES.reduce((sum, address) => {
    const users = userBlock(stack, address);
    if (users === undefined) return sum;
    const forEach = users.for_each;
    const values = forEach && typeof forEach === "object" && !Array.isArray(forEach) ? Object.values(forEach) : undefined;
    if (!values || values.some((v) => !v || typeof v !== "object" || !("secondary_email" in v)))
      throw new Error(`plan-cost: cannot tell which users of ${address} set a secondary email: for_each is not a map of values with secondary_email`);
    return (
      sum +
      values.filter((v) => {
        const email = (v as Json).secondary_email;
        return typeof email === "string" && email !== "";
      }).length
    );
  }, 0);
}

/** The users block at `address` (`aws_connect_user.<name>`), if the stack has it. */
function userBlock(stack: Json, address: string): Json | undefined {
  const [type, name] = address.split(".");
  return resourcesOf(stack)[type]?.[name];
}

/** `-target` for every managed resource with instances other than the users: what fast drift and fast refresh refresh besides users. */
function otherResourceTargets(stack: Json): Record<string, "all"> {
  const targets: Record<string, "all"> = {};
  for (const [type, byName] of Object.entries(resourcesOf(stack)))
    for (const [name, body] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      if (!USER_RESOURCES.includes(address) && instanceCount(address, body ?? {}) > 0) targets[address] = "all";
    }
  return targets;
}

/** One terraform run of the bulk path and what it costs. */
export interface TerraformRun {
  readonly stack: string;
  /** `plan -refresh-only -target=…`, `apply -refresh-only -target=…`, `plan -refresh=false`. */
  readonly command: string;
  readonly cost: PlanCost;
}

export interface FastPathCost {
  /** Connect calls of every step. */
  readonly connect: number;
  /** Least minutes at Connect's rate. */
  readonly minutes: number;
  /** The bulk read, by operation. */
  readonly bulkRead: Readonly<CallCounts>;
  /** DescribeUser calls for users with a secondary email: those the bulk read cannot avoid. */
  readonly unavoidableDescribeUser: number;
  /** The terraform runs, in order. */
  readonly terraform: ReadonlyArray<TerraformRun>;
  /** Calls per `api:Operation` of every step, keyed like PlanCost.byOperation. */
  readonly byOperation: Readonly<Record<string, number>>;
}

export interface FastPathOptions extends Pick<PlanCostOptions, "inventory"> {
  /** Users on the instance. @default inventory.users, else the users the stacks manage */
  readonly usersOnInstance?: number;
  /** Managed users deleted outside Terraform (see BulkReadInput.missingUsers). @default 0 */
  readonly missingUsers?: number;
  /** SearchUsers' page size. @default DEFAULT_SEARCH_PAGE_SIZE */
  readonly pageSize?: number;
  readonly rate?: ApiRate;
}

/** `changed` users as `-target` counts per users block, filling the blocks in order (a user costs the same in either). */
function changedUserTargets(stack: Json, changed: number): Record<string, number> {
  const targets: Record<string, number> = {};
  let left = changed;
  for (const address of USER_RESOURCES) {
    const users = userBlock(stack, address);
    const here = Math.min(left, users ? instanceCount(address, users) : 0);
    if (here > 0) targets[address] = here;
    left -= here;
  }
  return targets;
}

function managedUsers(stack: Json): number {
  return USER_RESOURCES.reduce((sum, address) => {
    const users = userBlock(stack, address);
    return sum + (users ? instanceCount(address, users) : 0);
  }, 0);
}

function total(bulkRead: Readonly<CallCounts>, runs: ReadonlyArray<TerraformRun>, rate?: ApiRate): Omit<FastPathCost, "terraform" | "unavoidableDescribeUser"> {
  const byOperation: Record<string, number> = {};
  const add = (key: string, n: number) => {
    if (n > 0) byOperation[key] = (byOperation[key] ?? 0) + n;
  };
  for (const [op, n] of Object.entries(bulkRead)) add(`connect:${op}`, n);
  for (const run of runs) for (const [key, n] of Object.entries(run.cost.byOperation)) add(key, n);
  const connect = Object.entries(byOperation).reduce((sum, [key, n]) => sum + (key.startsWith("connect:") ? n : 0), 0);
  return { connect, minutes: planMinutes(connect, rate), bulkRead, byOperation };
}

function bulkReadOf(stacks: ReadonlyArray<Json>, options: FastPathOptions): Readonly<CallCounts> {
  const managed = stacks.reduce((sum, s) => sum + managedUsers(s), 0);
  return bulkReadCalls({
    usersOnInstance: options.usersOnInstance ?? options.inventory?.users ?? managed,
    secondaryEmails: stacks.reduce((sum, s) => sum + secondaryEmailUsers(s), 0),
    missingUsers: options.missingUsers,
    pageSize: options.pageSize,
  });
}

/**
 * `terraform apply` (without a saved plan) plans, then configures the providers again to apply:
 * the plan's calls plus each provider block's once more (measured: a second GetCallerIdentity).
 */
function applyCost(plan: PlanCost): PlanCost {
  const again = plan.lines.filter((l) => l.when === "configure").map((l) => ({ ...l, address: `${l.address} (apply)` }));
  const byApi = { ...plan.byApi };
  const byOperation = { ...plan.byOperation };
  for (const line of again) {
    byApi[line.api] += line.calls;
    for (const [op, n] of Object.entries(line.operations)) if (n > 0) byOperation[`${line.api}:${op}`] = (byOperation[`${line.api}:${op}`] ?? 0) + n;
  }
  return { ...plan, connect: byApi.connect, byApi, byOperation, lines: [...plan.lines, ...again] };
}

const targetArgs = (targets: Readonly<Record<string, number | "all">>) =>
  Object.entries(targets)
    .map(([address, n]) => (n === "all" ? `-target=${address}` : `-target=${address}[…] x ${n}`))
    .join(" ");

/**
 * Fast drift of an environment's stacks (name → Terraform JSON, all on one Connect instance):
 * one bulk read, then per stack with other managed resources a refresh-only plan targeted to them.
 */
export function fastDriftCost(stacks: Readonly<Record<string, unknown>>, options: FastPathOptions = {}): FastPathCost {
  const parsedStacks = Object.entries(stacks).map(([name, json]) => [name, parsed(json)] as const);
  const bulkRead = bulkReadOf(
    parsedStacks.map(([, s]) => s),
    options,
  );
  const runs: TerraformRun[] = [];
  for (const [name, stack] of parsedStacks) {
    const targets = otherResourceTargets(stack);
    if (Object.keys(targets).length === 0) continue;
    runs.push({ stack: name, command: `plan -refresh-only ${targetArgs(targets)}`, cost: planCost(stack, { inventory: options.inventory, targets }) });
  }
  return { ...total(bulkRead, runs, options.rate), unavoidableDescribeUser: bulkRead.DescribeUser, terraform: runs };
}

/**
 * A fast-refresh plan of one stack: the bulk read of its instance, `apply -refresh-only` targeted
 * to `changedUsers` users and every other managed resource, then `plan -refresh=false`.
 */
export function fastRefreshCost(name: string, stackJson: unknown, options: FastPathOptions & { readonly changedUsers?: number } = {}): FastPathCost {
  const stack = parsed(stackJson);
  const bulkRead = bulkReadOf([stack], options);
  const changed = wholeNumber("changedUsers", options.changedUsers ?? 0, managedUsers(stack));
  const targets: Record<string, number | "all"> = { ...otherResourceTargets(stack), ...changedUserTargets(stack, changed) };
  const runs: TerraformRun[] = [];
  if (Object.keys(targets).length > 0)
    runs.push({
      stack: name,
      command: `apply -refresh-only ${targetArgs(targets)}`,
      cost: applyCost(planCost(stack, { inventory: options.inventory, targets })),
    });
  runs.push({ stack: name, command: "plan -refresh=false", cost: planCost(stack, { inventory: options.inventory, refresh: false }) });
  return { ...total(bulkRead, runs, options.rate), unavoidableDescribeUser: bulkRead.DescribeUser, terraform: runs };
}
