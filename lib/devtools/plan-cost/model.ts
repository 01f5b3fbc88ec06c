/**
 * What one `terraform plan` of a synthesized stack costs in AWS API calls, above all in calls to
 * Amazon Connect, whose API allows 2 requests per second (burst 5) per account and Region by
 * default, shared by all its operations and by every caller (console, other pipelines, agents'
 * tooling). A pure model: it reads the stack's Terraform JSON (no AWS, no terraform) and prices
 * each block with the cost table (./table.ts): how many calls the provider makes per instance
 * when terraform plans (refreshing managed resources, reading data sources, importing).
 *
 * The table is measured, not guessed: __tests__/integration/plan-cost.test.ts applies stacks of 3
 * and 12 users with real terraform against the loopback Connect/sso-admin fake and moto_server,
 * counts every request of each plan, and requires the counts to equal this model's, operation by
 * operation. A provider upgrade that reads differently fails that test.
 *
 * Instances are counted from the JSON: `for_each` as a map literal (the users, kept in a local
 * the JSON is read through), as a `${toset([...])}` literal list (look-ups by name, identity
 * store users, assignments), or as a reference to a data source (import blocks); `count` as a number. Anything else is an error, so
 * a new block cannot be priced at zero by accident.
 */
import { inlineForEachLocals } from "../../tools/plan/locals";
import { APIS, callsPerInstance, CONNECT_PAGE_SIZE, COST_TABLE, COST_TABLE_FILE, type Api, type ConnectInventory, type CostRow, type When } from "./table";

/** Connect's default request rate per account and Region (shared by all its operations): a token bucket. */
export interface ApiRate {
  /** Sustained requests per second. */
  readonly perSecond: number;
  /** Requests that may go at once before the sustained rate applies. */
  readonly burst: number;
}
export const CONNECT_RATE: ApiRate = { perSecond: 2, burst: 5 };

/**
 * Blocks that cost nothing: `moved` and `removed` (a user whose state moves to another stack is
 * moved to a parking address and removed with destroy = false; terraform does not refresh it),
 * outputs, locals, variables, the backend.
 */
const FREE_BLOCKS = ["moved", "removed", "output", "locals", "variable", "terraform"];
const PRICED_BLOCKS = ["provider", "resource", "data", "import", "//"];

function rowFor(block: CostRow["block"], type: string, body: Record<string, unknown>): CostRow {
  const rows = COST_TABLE.filter((r) => r.block === block && r.type === type);
  const row = rows.find((r) => r.selectedBy === undefined || (body[r.selectedBy] !== undefined && body[r.selectedBy] !== null));
  if (!row) {
    const what = block === "provider" ? `provider ${type}` : `${block === "data" ? "data source" : "resource"} ${type}`;
    throw new Error(
      `plan-cost: no cost row for ${what}${rows.length ? " in this form" : ""}; add one to ${COST_TABLE_FILE} and prove it in __tests__/integration/plan-cost.test.ts`,
    );
  }
  return row;
}

// ---------------------------------------------------------------------------------------------
// Counting instances in the Terraform JSON
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const TOSET_LITERAL = /^\$\{toset\((\[[\s\S]*\])\)\}$/;
const REFERENCE = /^\$\{((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)\}$/;

/** The distinct strings of a `${toset([...])}` literal, or undefined when `value` is not one. */
export function parseTosetLiteral(value: string): string[] | undefined {
  const match = TOSET_LITERAL.exec(value);
  if (!match) return undefined;
  let list: unknown;
  try {
    list = JSON.parse(match[1]);
  } catch {
    return undefined;
  }
  if (!Array.isArray(list) || list.some((v) => typeof v !== "string")) return undefined;
  return [...new Set(list as string[])];
}

/**
 * Instances of one block: 1 without `for_each`/`count`; the keys of a map literal; the distinct
 * items of a `${toset([...])}` literal; `count` when a number; `resolve(ref)` for a `${ref}`
 * reference (import blocks over a data source). Throws on anything it cannot count.
 */
export function instanceCount(address: string, body: Json, resolve?: (reference: string) => number): number {
  const forEach = body.for_each;
  const count = body.count;
  if (forEach === undefined && count === undefined) return 1;
  if (typeof count === "number" && Number.isInteger(count) && count >= 0) return count;
  if (forEach && typeof forEach === "object" && !Array.isArray(forEach)) return Object.keys(forEach).length;
  if (Array.isArray(forEach)) return new Set(forEach.map((v) => JSON.stringify(v))).size;
  if (typeof forEach === "string") {
    const names = parseTosetLiteral(forEach);
    if (names) return names.length;
    const reference = REFERENCE.exec(forEach);
    if (reference && resolve) return resolve(reference[1]);
  }
  throw new Error(
    `plan-cost: cannot count the instances of ${address}: ${count !== undefined ? `count ${JSON.stringify(count)}` : `for_each ${JSON.stringify(forEach).slice(0, 120)}`} is not a literal; allowed: a map literal, \${toset([...])} of strings, or a number`,
  );
}

function blocksOf(section: unknown): Array<[type: string, name: string, body: Json]> {
  const out: Array<[string, string, Json]> = [];
  if (!section || typeof section !== "object") return out;
  for (const [type, byName] of Object.entries(section as Record<string, unknown>)) {
    if (!byName || typeof byName !== "object") continue;
    for (const [name, body] of Object.entries(byName as Record<string, unknown>)) out.push([type, name, (body ?? {}) as Json]);
  }
  return out;
}

function providerBlocks(section: unknown): Array<[type: string, body: Json]> {
  const out: Array<[string, Json]> = [];
  if (!section || typeof section !== "object") return out;
  for (const [type, blocks] of Object.entries(section as Record<string, unknown>)) {
    for (const body of Array.isArray(blocks) ? blocks : [blocks]) out.push([type, (body ?? {}) as Json]);
  }
  return out;
}

function stackObject(stackJson: unknown): Json {
  const stack = typeof stackJson === "string" ? (JSON.parse(stackJson) as unknown) : stackJson;
  if (!stack || typeof stack !== "object" || Array.isArray(stack)) throw new Error("plan-cost: a stack's Terraform JSON must be an object (or its text)");
  return inlineForEachLocals(stack as Json);
}

/** Instances of every block of `type` in a section (`resource` or `data`) of a stack. */
function instancesOfType(stack: Json, section: "resource" | "data", type: string): number {
  return blocksOf(stack[section])
    .filter(([t]) => t === type)
    .reduce((sum, [t, name, body]) => sum + instanceCount(`${section === "data" ? "data." : ""}${t}.${name}`, body), 0);
}

/** Users a stack manages: instances of `aws_connect_user` (every resource of that type). */
function managedConnectUsers(stackJson: unknown): number {
  return instancesOfType(stackObject(stackJson), "resource", "aws_connect_user");
}

// ---------------------------------------------------------------------------------------------
// The cost of one plan
// ---------------------------------------------------------------------------------------------

export interface PlanCostOptions {
  /**
   * `terraform plan` (default) and `plan -refresh-only` refresh every managed instance;
   * `plan -refresh=false` does not (data sources and imports are still read).
   * @default true
   */
  readonly refresh?: boolean;
  /** What the instance holds (see {@link resolveInventory} for the defaults). */
  readonly inventory?: Partial<ConnectInventory>;
  /**
   * `-target`: resource blocks (`type.name`) and how many of their instances are targeted
   * (`"all"`, or a number of a for_each/count block's instances). Terraform then plans only the
   * targets and every block they reference, transitively (all instances of those); no other
   * resource is refreshed and no other data source is read. Import blocks are refused here.
   */
  readonly targets?: Readonly<Record<string, number | "all">>;
}

export interface CostLine {
  /** `data.aws_connect_user.adopted_connect_users`, `provider.aws[0]`, `import -> aws_connect_user.connect_users`. */
  readonly address: string;
  readonly instances: number;
  readonly api: Api;
  readonly when: When | "import";
  /** Calls of all instances, by operation. */
  readonly operations: Readonly<Record<string, number>>;
  readonly calls: number;
}

export interface PlanCost {
  /** Calls to Amazon Connect: the rate-limited API. */
  readonly connect: number;
  /** Calls per API. */
  readonly byApi: Readonly<Record<Api, number>>;
  /** Calls per `api:Operation`, e.g. `connect:DescribeUser`, `sso-admin:ListInstances`. */
  readonly byOperation: Readonly<Record<string, number>>;
  /** What each block costs. */
  readonly lines: ReadonlyArray<CostLine>;
  /** The inventory the list calls were priced with. */
  readonly inventory: ConnectInventory;
}

/** AWS's defaults on a new instance: Admin, Agent, CallCenterManager, QualityAnalyst; Basic Routing Profile. */
const DEFAULT_INVENTORY: Omit<ConnectInventory, "users"> = {
  securityProfiles: 4,
  routingProfiles: 1,
  permissionsPerSecurityProfile: CONNECT_PAGE_SIZE,
  queuesPerRoutingProfile: 1,
  instances: 1,
  hierarchyGroups: 0,
};

/**
 * The inventory with defaults: `users` = the users the given stacks manage (a lower bound: pass
 * the instance's real count when other stacks or people add users); profiles = AWS's defaults,
 * raised to the number of distinct names the stacks look up (they must exist); one page of
 * permissions and queues; one instance; hierarchy groups: the groups the stacks look up (a lower
 * bound: their parent levels are groups too).
 */
function resolveInventory(stacks: ReadonlyArray<unknown>, given: Partial<ConnectInventory> = {}): ConnectInventory {
  const objects = stacks.map(stackObject);
  const most = (type: string) => Math.max(0, ...objects.map((s) => instancesOfType(s, "data", type)));
  return {
    users: given.users ?? objects.reduce((sum, s) => sum + managedConnectUsers(s), 0),
    securityProfiles: given.securityProfiles ?? Math.max(DEFAULT_INVENTORY.securityProfiles, most("aws_connect_security_profile")),
    routingProfiles: given.routingProfiles ?? Math.max(DEFAULT_INVENTORY.routingProfiles, most("aws_connect_routing_profile")),
    permissionsPerSecurityProfile: given.permissionsPerSecurityProfile ?? DEFAULT_INVENTORY.permissionsPerSecurityProfile,
    queuesPerRoutingProfile: given.queuesPerRoutingProfile ?? DEFAULT_INVENTORY.queuesPerRoutingProfile,
    instances: given.instances ?? DEFAULT_INVENTORY.instances,
    hierarchyGroups: given.hierarchyGroups ?? Math.max(DEFAULT_INVENTORY.hierarchyGroups, most("aws_connect_user_hierarchy_group")),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The blocks a targeted plan includes, by address (`type.name`, `data.type.name`), with the
 * instances of each: a target's own count, or "all" for a block some included block references
 * (in its arguments, `depends_on` or conditions; found as text in its JSON).
 */
function targetClosure(stack: Json, targets: Readonly<Record<string, number | "all">>): Map<string, number | "all"> {
  const bodies = new Map<string, Json>([
    ...blocksOf(stack.resource).map(([type, name, body]) => [`${type}.${name}`, body] as const),
    ...blocksOf(stack.data).map(([type, name, body]) => [`data.${type}.${name}`, body] as const),
  ]);
  const included = new Map<string, number | "all">();
  for (const [address, instances] of Object.entries(targets)) {
    if (address.startsWith("data.") || !bodies.has(address)) throw new Error(`plan-cost: -target=${address}: this stack has no such resource block`);
    if (instances !== "all" && (!Number.isInteger(instances) || instances < 0))
      throw new Error(`plan-cost: -target=${address}: ${instances} instances; allowed: "all" or a whole number >= 0`);
    included.set(address, instances);
  }
  const referencedBy = (address: string) => new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(address)}(?![A-Za-z0-9_-])`);
  const queue = [...included.keys()];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const text = JSON.stringify(bodies.get(next));
    for (const other of bodies.keys()) {
      if (included.get(other) === "all" || !referencedBy(other).test(text)) continue;
      included.set(other, "all");
      queue.push(other);
    }
  }
  return included;
}

/**
 * The API calls one `terraform plan` of this stack makes (`stackJson`: a cdk.tf.json, parsed or
 * as text), assuming its state holds what the configuration declares; an `import` block counts
 * as not yet applied (under -refresh=false it then reads its instances; after it is applied,
 * nothing). Throws on a block type the table does not price.
 */
export function planCost(stackJson: unknown, options: PlanCostOptions = {}): PlanCost {
  const stack = stackObject(stackJson);
  const refresh = options.refresh ?? true;
  const inventory = resolveInventory([stack], options.inventory);
  const included = options.targets && targetClosure(stack, options.targets);
  const instancesOf = (type: string) => instancesOfType(stack, "resource", type);
  const lines: CostLine[] = [];
  const add = (address: string, instances: number, row: CostRow, when: CostLine["when"]) => {
    const operations = Object.fromEntries(Object.entries(callsPerInstance(row, inventory, instancesOf)).map(([op, calls]) => [op, calls * instances]));
    const calls = Object.values(operations).reduce((a, b) => a + b, 0);
    lines.push({ address, instances, api: row.api, when, operations, calls });
  };

  providerBlocks(stack.provider).forEach(([type, body], i) => add(`provider.${type}[${i}]`, 1, rowFor("provider", type, body), "configure"));

  const resourceInstances = new Map<string, number>();
  for (const [type, name, body] of blocksOf(stack.resource)) {
    const address = `${type}.${name}`;
    const instances = instanceCount(address, body);
    resourceInstances.set(address, instances);
    const row = rowFor("resource", type, body);
    const targeted = included ? included.get(address) : "all";
    if (typeof targeted === "number" && targeted > instances)
      throw new Error(`plan-cost: -target=${address}: ${targeted} instances targeted, but the block has ${instances}`);
    if (refresh && targeted !== undefined) add(address, targeted === "all" ? instances : targeted, row, row.when);
  }

  const dataCounts = new Map<string, number>();
  for (const [type, name, body] of blocksOf(stack.data)) {
    const address = `data.${type}.${name}`;
    const instances = instanceCount(address, body);
    dataCounts.set(address, instances);
    if (!included || included.has(address)) add(address, instances, rowFor("data", type, body), "every plan");
  }

  // Imports: read once per instance while not yet in state. Under a refreshing plan that read
  // replaces the instance's refresh (already counted above), so only -refresh=false adds it.
  const imports = Array.isArray(stack.import) ? (stack.import as Json[]) : stack.import ? [stack.import as Json] : [];
  if (included && imports.length > 0)
    throw new Error("plan-cost: a targeted plan of a stack with import blocks is not modelled (remove adopt / previousStacks first)");
  for (const block of imports) {
    const to = String(block.to ?? "");
    const target = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)/.exec(to);
    if (!target) throw new Error(`plan-cost: cannot read the target of import ${JSON.stringify(to)}`);
    const instances = instanceCount(`import -> ${to}`, block, (reference) => {
      const n = dataCounts.get(reference) ?? resourceInstances.get(reference);
      if (n === undefined) throw new Error(`plan-cost: import ${to} iterates over ${reference}, which this stack does not declare`);
      return n;
    });
    const row = rowFor("resource", target[1], {});
    if (!refresh) add(`import -> ${target[1]}.${target[2]}`, instances, row, "import");
  }

  for (const key of Object.keys(stack)) {
    if (![...PRICED_BLOCKS, ...FREE_BLOCKS].includes(key)) {
      throw new Error(`plan-cost: top-level block ${JSON.stringify(key)} is not priced; add it to lib/devtools/plan-cost/model.ts`);
    }
  }

  const byApi = Object.fromEntries(APIS.map((api) => [api, 0])) as Record<Api, number>;
  const byOperation: Record<string, number> = {};
  for (const line of lines) {
    byApi[line.api] += line.calls;
    for (const [op, n] of Object.entries(line.operations)) {
      if (n === 0) continue;
      byOperation[`${line.api}:${op}`] = (byOperation[`${line.api}:${op}`] ?? 0) + n;
    }
  }
  return { connect: byApi.connect, byApi, byOperation, lines, inventory };
}

/** Calls to Amazon Connect of one `terraform plan` of this stack (see {@link planCost}). */
export function connectCallsPerPlan(stackJson: unknown, options: PlanCostOptions = {}): number {
  return planCost(stackJson, options).connect;
}

/** Least wall time for `calls` Connect calls at the rate (the burst goes at once), in seconds. */
export function planSeconds(calls: number, rate: ApiRate = CONNECT_RATE): number {
  return Math.max(0, calls - rate.burst) / rate.perSecond;
}

/** Least wall time for `calls` Connect calls at the rate, in minutes. */
export function planMinutes(calls: number, rate: ApiRate = CONNECT_RATE): number {
  return planSeconds(calls, rate) / 60;
}

// ---------------------------------------------------------------------------------------------
// Every stack of an environment: with and without users stacks
// ---------------------------------------------------------------------------------------------

export interface StackPlanCost {
  readonly name: string;
  /** Users the stack manages. */
  readonly users: number;
  readonly cost: PlanCost;
  /** Least minutes of this stack's plan at Connect's rate. */
  readonly minutes: number;
}

export interface EnvironmentPlanCost {
  readonly stacks: ReadonlyArray<StackPlanCost>;
  /** Connect calls of planning every stack (they share the rate: running them side by side does not help). */
  readonly connect: number;
  /** Least minutes of planning every stack. */
  readonly minutes: number;
  /** Calls to the other APIs, all stacks. */
  readonly otherApis: Readonly<Record<Exclude<Api, "connect">, number>>;
  /** The stack with the most Connect calls. */
  readonly largest: StackPlanCost;
}

/**
 * Plan cost of each of an environment's stacks (name → Terraform JSON), one inventory for all
 * (by default: users = every user the stacks manage, since they share the instance).
 */
export function environmentPlanCost(
  stacks: Readonly<Record<string, unknown>>,
  options: PlanCostOptions & { readonly rate?: ApiRate } = {},
): EnvironmentPlanCost {
  const names = Object.keys(stacks);
  if (names.length === 0) throw new Error("plan-cost: no stacks");
  const inventory = resolveInventory(Object.values(stacks), options.inventory);
  const each = names.map((name) => {
    const cost = planCost(stacks[name], { ...options, inventory });
    return { name, users: managedConnectUsers(stacks[name]), cost, minutes: planMinutes(cost.connect, options.rate) };
  });
  const connect = each.reduce((sum, s) => sum + s.cost.connect, 0);
  const otherApis = { "sso-admin": 0, identitystore: 0, iam: 0, sts: 0 };
  for (const s of each) for (const api of Object.keys(otherApis) as Array<keyof typeof otherApis>) otherApis[api] += s.cost.byApi[api];
  const largest = each.reduce((a, b) => (b.cost.connect > a.cost.connect ? b : a));
  return { stacks: each, connect, minutes: planMinutes(connect, options.rate), otherApis, largest };
}

// ---------------------------------------------------------------------------------------------
// Choosing the size of users stacks
// ---------------------------------------------------------------------------------------------

/** Connect calls a stack makes besides refreshing its users: instance check, profile look-ups, by-name user look-ups. */
export function fixedConnectCalls(stackJson: unknown, options: PlanCostOptions = {}): number {
  const cost = planCost(stackJson, options);
  const userReads = cost.lines.filter((l) => l.address.startsWith("aws_connect_user.")).reduce((sum, l) => sum + l.calls, 0);
  return cost.connect - userReads;
}

/** Connect calls that fit in `minutes` at the rate. */
export function callBudget(minutes: number, rate: ApiRate = CONNECT_RATE): number {
  return Math.floor(minutes * 60 * rate.perSecond + rate.burst);
}

export interface UsersPerStackAdvice {
  /** Recommended users per users stack (a multiple of `step`). */
  readonly usersPerStack: number;
  /** Connect calls one plan may make within the target. */
  readonly budget: number;
  /** Users a perfectly even stack could hold within the target. */
  readonly evenMaximum: number;
}

/**
 * The largest multiple of `step` users per stack whose plan stays within `targetMinutes`, with
 * room for the uneven split of the hash placement: a stack meant for n users holds about
 * n ± sqrt(n) (binomial), so n + 3 sqrt(n) + fixed calls must fit in the budget.
 */
export function recommendedUsersPerStack(options: {
  readonly fixedCalls: number;
  readonly targetMinutes?: number;
  readonly rate?: ApiRate;
  readonly step?: number;
}): UsersPerStackAdvice {
  const budget = callBudget(options.targetMinutes ?? 5, options.rate);
  const step = options.step ?? 100;
  const evenMaximum = Math.max(0, budget - options.fixedCalls);
  let n = Math.floor(evenMaximum / step) * step;
  while (n > step && n + 3 * Math.sqrt(n) + options.fixedCalls > budget) n -= step;
  return { usersPerStack: Math.max(step, n), budget, evenMaximum };
}

/**
 * Connect calls of one by-name user look-up (`data aws_connect_user`: adoption, or a user moving
 * in from another stack) on an instance holding `usersOnInstance` users. Every plan pays it for
 * every such user until `adopt.users` / `sharding.previousStacks` no longer names them.
 */
export function userLookupCalls(usersOnInstance: number): number {
  const calls = callsPerInstance(rowFor("data", "aws_connect_user", {}), { ...DEFAULT_INVENTORY, users: usersOnInstance }, (type) => {
    throw new Error(`plan-cost: a user look-up alone has no stack to count ${type} in`);
  });
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

/** Users stacks for `users` at `usersPerStack` each (0 = no users stacks needed). */
export function usersStacksFor(users: number, usersPerStack: number): number {
  if (!Number.isInteger(usersPerStack) || usersPerStack < 1) throw new Error(`usersPerStack ${usersPerStack}: allowed: a whole number >= 1`);
  return users <= usersPerStack ? 0 : Math.ceil(users / usersPerStack);
}
