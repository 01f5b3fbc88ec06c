/** What the bench prints: medians and targets of the timed runs, and what a plan costs per layout. */
import { stackName } from "../../rules/naming";
import { FAST_PATH_TARGET_CALLS, fastDriftCost, fastRefreshCost } from "../plan-cost/bulk";
import { costTableMarkdown } from "../plan-cost/markdown";
import {
  CONNECT_RATE,
  environmentPlanCost,
  planCost,
  planMinutes,
  planSeconds,
  userLookupCalls,
  usersStacksFor,
  type UsersPerStackAdvice,
} from "../plan-cost/model";
import { CONNECT_PAGE_SIZE, COST_TABLE_FILE, COST_TABLE_PROVIDER } from "../plan-cost/table";
import { BENCH_ENV } from "./environments";
import type { Measurement } from "./measure";

/** Users count the targets apply to. */
export const TARGET_USERS = 5000;
/** Synth of TARGET_USERS users: at most this many times the baseline's wall time. */
const TARGET_RATIO = 10;
/** Synth of TARGET_USERS users: at most this peak RSS. */
const TARGET_RSS_MIB = 300;
/** A plan of one users stack should take at most this long at Connect's rate. */
export const PLAN_TARGET_MINUTES = 5;

const count = (n: number) => n.toLocaleString("en-US");
/** `n` and the word, plural unless n is 1. */
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function median(values: ReadonlyArray<number>): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * A table with Markdown's pipes, each column as wide as its widest cell, so it reads in a terminal
 * too; the `rightAligned` columns (numbers) are padded on the left.
 */
function formatColumns(header: ReadonlyArray<string>, body: ReadonlyArray<ReadonlyArray<string>>, rightAligned: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: ReadonlyArray<string>) =>
    "| " + cells.map((c, i) => (rightAligned.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

// ---------------------------------------------------------------------------------------------
// Timed runs

/** The runs of one command: the baseline, or the synth of one size. */
export interface Runs {
  readonly seconds: number[];
  readonly cpuSeconds: number[];
  readonly rssKiB: number[];
}

export function emptyRuns(): Runs {
  return { seconds: [], cpuSeconds: [], rssKiB: [] };
}

export function addRun(runs: Runs, m: Pick<Measurement, "seconds" | "cpuSeconds" | "maxRssKiB">): void {
  runs.seconds.push(m.seconds);
  runs.cpuSeconds.push(m.cpuSeconds);
  runs.rssKiB.push(m.maxRssKiB);
}

/** Every run of one command, one list per measure. */
export function describeRuns(runs: Runs): string {
  const list = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(", ");
  return `wall ${list(runs.seconds, 2)} s; CPU ${list(runs.cpuSeconds, 2)} s; peak RSS ${list(
    runs.rssKiB.map((k) => k / 1024),
    0,
  )} MiB`;
}

export interface Row {
  readonly users: number;
  /** Median wall seconds. */
  readonly seconds: number;
  /** Median wall seconds over the median baseline's. */
  readonly ratio: number;
  /** Median CPU seconds (user + system). */
  readonly cpuSeconds: number;
  /** Median CPU seconds over the median baseline's. */
  readonly cpuRatio: number;
  /** Fastest wall time over the fastest baseline's: the least disturbed runs. */
  readonly bestRatio: number;
  /** Median peak RSS, MiB. */
  readonly rssMiB: number;
  readonly ratioMet: boolean;
  readonly rssMet: boolean;
  /** Size of the synthesized main stack's cdk.tf.json. */
  readonly jsonBytes: number;
}

export function toRow(users: number, runs: Runs, baseline: Runs, jsonBytes: number): Row {
  const seconds = median(runs.seconds);
  const cpuSeconds = median(runs.cpuSeconds);
  const rssMiB = median(runs.rssKiB) / 1024;
  const ratio = seconds / median(baseline.seconds);
  const cpuRatio = cpuSeconds / median(baseline.cpuSeconds);
  const bestRatio = Math.min(...runs.seconds) / Math.min(...baseline.seconds);
  return { users, seconds, ratio, cpuSeconds, cpuRatio, bestRatio, rssMiB, ratioMet: ratio <= TARGET_RATIO, rssMet: rssMiB <= TARGET_RSS_MIB, jsonBytes };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The timing table; target columns say yes/no for every size, but only the TARGET_USERS row is a target. */
export function formatTable(rows: ReadonlyArray<Row>): string {
  const header = [
    "users",
    "synth s (median)",
    "x baseline",
    "peak RSS MiB",
    `<= ${TARGET_RATIO}x`,
    `<= ${TARGET_RSS_MIB} MiB`,
    "cdk.tf.json",
    "CPU s",
    "CPU x baseline",
  ];
  const yes = (met: boolean, users: number) => (met ? "yes" : "no") + (users === TARGET_USERS ? "" : " (no target)");
  const body = rows.map((r) => [
    count(r.users),
    r.seconds.toFixed(2),
    `${r.ratio.toFixed(1)}x`,
    r.rssMiB.toFixed(0),
    yes(r.ratioMet, r.users),
    yes(r.rssMet, r.users),
    formatBytes(r.jsonBytes),
    r.cpuSeconds.toFixed(2),
    `${r.cpuRatio.toFixed(1)}x`,
  ]);
  return formatColumns(header, body, new Set([0, 1, 2, 3, 6, 7, 8]));
}

/** The verdict on the TARGET_USERS row, and whether the run fails on it (only with --check). */
export function targetVerdict(rows: ReadonlyArray<Row>, runs: number, check: boolean): { readonly line: string; readonly failed: boolean } {
  const target = rows.find((r) => r.users === TARGET_USERS);
  if (!target) return { line: `(no ${TARGET_USERS}-user run: targets not evaluated)`, failed: false };
  const met = target.ratioMet && target.rssMet;
  return {
    line:
      `targets for ${count(TARGET_USERS)} users: synth ${target.ratio.toFixed(1)}x baseline wall time, median (<= ${TARGET_RATIO}x: ${target.ratioMet ? "met" : "MISSED"}; ` +
      `best-of-${runs} ${target.bestRatio.toFixed(1)}x, CPU ${target.cpuRatio.toFixed(1)}x), ` +
      `peak RSS ${target.rssMiB.toFixed(0)} MiB (<= ${TARGET_RSS_MIB} MiB: ${target.rssMet ? "met" : "MISSED"})` +
      (met ? "" : check ? "; --check: failing" : "; report only (pass --check to fail on a miss)"),
    failed: !met && check,
  };
}

/** Target of `npm run users -- import`: importing N CSV rows takes no longer than synthesizing N users (median wall times). */
export function importVerdict(users: number, imports: Runs, synth: Runs, check: boolean): { readonly line: string; readonly failed: boolean } {
  const took = median(imports.seconds);
  const limit = median(synth.seconds);
  const met = took <= limit;
  return {
    line:
      `target for importing ${count(users)} CSV rows: ${took.toFixed(2)} s wall, median (<= synth of ${count(users)} users, ${limit.toFixed(2)} s: ${met ? "met" : "MISSED"})` +
      (met ? "" : check ? "; --check: failing" : "; report only (pass --check to fail on a miss)"),
    failed: !met && check,
  };
}

// ---------------------------------------------------------------------------------------------
// Plan cost

/** One layout of one users count in the plan-cost table. */
export interface PlanCostRow {
  readonly users: number;
  /** Users stacks; 0 = every user in the main stack. */
  readonly usersStacks: number;
  /** Connect calls of planning every stack of the environment. */
  readonly connect: number;
  /** Least minutes of planning every stack (they share the rate, so side by side is no faster). */
  readonly minutes: number;
  /** The stack with the most Connect calls: `main` or `users-<n>`. */
  readonly largestStack: string;
  readonly largestUsers: number;
  readonly largestCalls: number;
  readonly largestMinutes: number;
  /** A pull request that changes some users plans the one stack holding them: at worst the largest users stack (or the main stack). */
  readonly prMinutes: number;
  /** That plan with `-refresh=false` (data sources only), seconds. */
  readonly prSecondsNoRefresh: number;
  /** Calls to the other APIs (sso-admin, identitystore, IAM, STS) of planning every stack. */
  readonly otherCalls: number;
}

function shortStackName(name: string): string {
  const main = stackName(BENCH_ENV);
  return name === main ? "main" : name.startsWith(`${main}-`) ? name.slice(main.length + 1) : name;
}

/**
 * The row of one layout from its synthesized stacks (name → Terraform JSON), priced by the
 * plan-cost model; the instance holds every user of the environment. Throws when the stacks do
 * not hold exactly `users` users.
 */
export function planCostRow(users: number, usersStacks: number, stacks: Readonly<Record<string, unknown>>): PlanCostRow {
  const env = environmentPlanCost(stacks);
  const held = env.stacks.reduce((sum, s) => sum + s.users, 0);
  if (held !== users) throw new Error(`the stacks hold ${held} users, expected ${users}`);
  const main = stackName(BENCH_ENV);
  const candidates = usersStacks === 0 ? env.stacks.filter((s) => s.name === main) : env.stacks.filter((s) => s.name !== main);
  if (candidates.length === 0) throw new Error(`no ${usersStacks === 0 ? "main" : "users"} stack among ${Object.keys(stacks).join(", ")}`);
  const pr = candidates.reduce((a, b) => (b.cost.connect > a.cost.connect ? b : a));
  const prNoRefresh = planCost(stacks[pr.name], { refresh: false, inventory: pr.cost.inventory });
  return {
    users,
    usersStacks,
    connect: env.connect,
    minutes: env.minutes,
    largestStack: shortStackName(env.largest.name),
    largestUsers: env.largest.users,
    largestCalls: env.largest.cost.connect,
    largestMinutes: env.largest.minutes,
    prMinutes: pr.minutes,
    prSecondsNoRefresh: planSeconds(prNoRefresh.connect),
    otherCalls: Object.values(env.otherApis).reduce((a, b) => a + b, 0),
  };
}

/** The plan-cost table. */
function formatPlanCostTable(rows: ReadonlyArray<PlanCostRow>): string {
  const header = [
    "users",
    "layout",
    "Connect calls, plan of all stacks",
    "minutes",
    "largest stack",
    "its calls",
    "its minutes",
    "PR plan of one users stack, min",
    "same, -refresh=false",
    "IAM/STS calls, all stacks",
  ];
  const body = rows.map((r) => [
    count(r.users),
    r.usersStacks === 0 ? "1 stack" : `main + ${plural(r.usersStacks, "users stack")}`,
    count(r.connect),
    r.minutes.toFixed(1),
    `${r.largestStack} (${count(r.largestUsers)} users)`,
    count(r.largestCalls),
    r.largestMinutes.toFixed(1),
    r.prMinutes.toFixed(1),
    `${r.prSecondsNoRefresh.toFixed(0)} s`,
    count(r.otherCalls),
  ]);
  return formatColumns(header, body, new Set([0, 2, 3, 5, 6, 7, 8, 9]));
}

/** How the size of a users stack was chosen. */
export interface StackSizing {
  /** Users per users stack in the table. */
  readonly size: number;
  /** Whether --users-per-stack gave it (else the model's advice did). */
  readonly given: boolean;
  readonly advice: UsersPerStackAdvice;
  /** Connect calls of a users stack besides its users (instance check, profile look-ups). */
  readonly fixedCalls: number;
}

/** The plan-cost section: what it models, how the stack size was chosen, the table, the cost of moving users, the cost per block. */
export function formatPlanCostSection(rows: ReadonlyArray<PlanCostRow>, sizing: StackSizing): string[] {
  const { size, advice, fixedCalls } = sizing;
  const { perSecond, burst } = CONNECT_RATE;
  const most = Math.max(...rows.map((r) => r.users));
  const stacks = Math.max(1, usersStacksFor(most, size));
  const arrivals = Math.ceil(most / stacks);
  const lookup = userLookupCalls(most);
  return [
    `plan cost: Connect API calls of one \`terraform plan\` (refreshing), modelled by lib/devtools/plan-cost for ${COST_TABLE_PROVIDER} and proven on the loopback fake by __tests__/integration/plan-cost.test.ts;`,
    `minutes at Connect's default ${perSecond} requests/s (burst ${burst}) per account and Region, shared by every caller: the least a plan can take (throttled retries add calls)`,
    sizing.given
      ? `users stack size: ${size} (--users-per-stack; the model recommends ${advice.usersPerStack})`
      : `users stack size: ${size}, from the model: a users stack here makes ${fixedCalls} Connect calls besides its users (instance check, profile look-ups); ` +
        `${PLAN_TARGET_MINUTES} min buys ${advice.budget} calls, so an even stack could hold ${advice.evenMaximum}; ` +
        `the hash split puts about n +- sqrt(n) users in a stack meant for n, and ${size} + 3 sqrt(${size}) + ${fixedCalls} = ${Math.ceil(size + 3 * Math.sqrt(size) + fixedCalls)} <= ${advice.budget}`,
    "",
    formatPlanCostTable(rows),
    "",
    `changing sharding.stacks: each user moving into a stack is found by name (data aws_connect_user: ListUsers over every user of the instance, ${CONNECT_PAGE_SIZE} a page, then DescribeUser): ` +
      `${lookup} Connect calls per moving user per plan with ${count(most)} users, every plan until previousStacks is removed; ` +
      `${count(most)} users from 1 stack to ${stacks}: about ${arrivals} arrivals per users stack = ${count(arrivals * lookup)} extra calls = ${(planMinutes(arrivals * lookup) / 60).toFixed(1)} h per users stack plan`,
    "",
    `calls per block instance (${COST_TABLE_FILE}):`,
    costTableMarkdown(),
  ];
}

// ---------------------------------------------------------------------------------------------
// The bulk path: fast drift and fast-refresh plans next to a full refresh

/** One users count in one stack: a full refresh next to the bulk path, in Connect calls. */
export interface FastPathRow {
  readonly users: number;
  /** A refreshing plan (or today's drift: plan -refresh-only): one DescribeUser per user. */
  readonly fullCalls: number;
  /** `npm run drift -- <env> --fast`. */
  readonly driftCalls: number;
  /** The pipeline's fast-refresh plan when no user changed outside Terraform. */
  readonly refreshCalls: number;
  /** DescribeUser calls for users with a secondary email, included in both fast figures: the unavoidable ones. */
  readonly unavoidable: number;
  /** Most users changed outside Terraform a fast-refresh plan can refresh within the target (FAST_PATH_TARGET_CALLS + unavoidable). */
  readonly maxChangedUsers: number;
}

/** The row of `users` users from the stacks of the one-stack layout (name → Terraform JSON), priced by lib/devtools/plan-cost. */
export function fastPathRow(users: number, stacks: Readonly<Record<string, unknown>>): FastPathRow {
  const env = environmentPlanCost(stacks);
  const held = env.stacks.reduce((sum, s) => sum + s.users, 0);
  if (held !== users) throw new Error(`the stacks hold ${held} users, expected ${users}`);
  const main = stackName(BENCH_ENV);
  if (env.stacks.some((s) => s.name !== main && s.users > 0)) throw new Error(`the fast-path row prices one stack; users are outside ${main}`);
  const drift = fastDriftCost(stacks);
  const refresh = (changedUsers: number) => fastRefreshCost(main, stacks[main], { changedUsers });
  const unavoidable = drift.unavoidableDescribeUser;
  const within = (changedUsers: number) => refresh(changedUsers).connect - unavoidable <= FAST_PATH_TARGET_CALLS;
  // Past the first changed user (which also pulls in the look-ups), each costs one DescribeUser: start from that line, then confirm.
  let most = within(1) ? Math.min(users, 1 + FAST_PATH_TARGET_CALLS + unavoidable - refresh(1).connect) : 0;
  while (most > 0 && !within(most)) most -= 1;
  return { users, fullCalls: env.connect, driftCalls: drift.connect, refreshCalls: refresh(0).connect, unavoidable, maxChangedUsers: most };
}

/** The fast-path table, what it assumes, and the target's verdict for the largest users count. */
export function formatFastPathSection(rows: ReadonlyArray<FastPathRow>): string[] {
  if (rows.length === 0) return [];
  const minutes = (calls: number) => planMinutes(calls).toFixed(1);
  const header = [
    "users (1 stack)",
    "full refresh: Connect calls",
    "minutes",
    "fast drift: calls",
    "minutes",
    "fast-refresh plan: calls",
    "minutes",
    "of which DescribeUser (secondary email)",
    `changed users within ${FAST_PATH_TARGET_CALLS} + those`,
  ];
  const body = rows.map((r) => [
    count(r.users),
    count(r.fullCalls),
    minutes(r.fullCalls),
    count(r.driftCalls),
    minutes(r.driftCalls),
    count(r.refreshCalls),
    minutes(r.refreshCalls),
    count(r.unavoidable),
    count(r.maxChangedUsers),
  ]);
  const largest = rows.reduce((a, b) => (b.users > a.users ? b : a));
  const verdict = (calls: number) =>
    `${count(calls)} = ${count(calls - largest.unavoidable)} + ${count(largest.unavoidable)} DescribeUser (${calls - largest.unavoidable <= FAST_PATH_TARGET_CALLS ? "met" : "MISSED"})`;
  return [
    "",
    "the bulk path, modelled by lib/devtools/plan-cost/bulk.ts and proven on the loopback fake by __tests__/integration/plan-cost.test.ts:",
    "fast drift = SearchUsers pages of 100 over the instance + DescribeUser per user with a secondary email + a refresh-only plan targeted to the non-user resources;",
    "fast-refresh plan = the same bulk read + apply -refresh-only targeted to the changed users and the non-user resources + plan -refresh=false (no user changed outside Terraform here;",
    "the first changed user adds the instance check and the profile and hierarchy group look-ups it references, each further one a DescribeUser); full refresh = a refreshing plan of the stack",
    "",
    formatColumns(header, body, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8])),
    "",
    `target for ${count(largest.users)} users: at most ${FAST_PATH_TARGET_CALLS} Connect calls plus the unavoidable DescribeUser calls: ` +
      `fast drift ${verdict(largest.driftCalls)}; fast-refresh plan ${verdict(largest.refreshCalls)}, and still within it with up to ${count(largest.maxChangedUsers)} users changed outside Terraform`,
  ];
}
