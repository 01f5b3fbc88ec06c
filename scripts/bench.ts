/**
 * Synth benchmark: how long the real cdktf `app` takes, and how much memory it peaks at, for one
 * environment of 5, 500, 5,000 and 20,000 users, against a baseline of only loading cdktf.
 *
 *   npm run bench -- [--runs N] [--sizes 5,500,5000,20000] [--method time|preload] [--check] [--keep]
 *                    [--plan-sizes 500,5000,20000] [--users-per-stack N] [--no-plan-cost]
 *
 * Targets (for 5,000 users): synth at most 10x the baseline `node -e "require('cdktf');require('constructs')"`,
 * and at most 300 MiB peak RSS. 20,000 users is reported without a target.
 *
 * Each size gets its own folder in a temporary directory: `bench.yaml` (modelled on
 * environments/dev.yaml) and a copy of environments/metadata/dev.xml. The app command is read
 * from cdktf.json and run the way `cdktf synth` runs it: through a shell, in the project root,
 * with CDKTF_OUTDIR, CDKTF_CONTEXT_JSON and NODE_OPTIONS=--max-old-space-size=4096 set.
 *
 * Measured per run: wall time (process.hrtime around the child), peak RSS and CPU seconds (GNU
 * /usr/bin/time, or without it a --require preload that records process.resourceUsage() at exit).
 * Runs interleave (baseline, then every size, repeated) so a change in machine load hits all alike;
 * the table shows medians. A run only counts if the app exits 0 and the stack's
 * aws_connect_user.connect_users.for_each holds exactly the generated users.
 *
 * Plan cost (after the timing runs, untimed): the Connect API calls one `terraform plan` makes,
 * from lib/tools/plan-cost.ts's model of hashicorp/aws 5.100.0 (proven against the loopback fake by
 * __tests__/plan-cost.test.ts), for 500, 5,000 and 20,000 users (`--plan-sizes`), each in one
 * stack and split over users stacks of the recommended size (`--users-per-stack` overrides it):
 * the largest multiple of 100 whose plan stays within 5 minutes at Connect's 2 requests/s, with
 * room for the uneven hash split. Each layout is synthesized by the same app command into its
 * own folder and every stack's cdk.tf.json is priced; the instance is taken to hold exactly the
 * environment's users and the profiles they name.
 *
 * Exit code: 0 (this is a report) unless a synth fails, or `--check` is given and a 5,000-user
 * target is missed (then 1). Bad arguments: 2.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CONNECT_RATE,
  environmentPlanCost,
  fixedConnectCalls,
  planCost,
  planMinutes,
  planSeconds,
  recommendedUsersPerStack,
  userLookupCalls,
  type EnvironmentPlanCost,
} from "../lib/tools/plan-cost";

export const REPO = path.resolve(__dirname, "..");
export const DEFAULT_SIZES = [5, 500, 5000, 20000] as const;
/** Users count the targets apply to. */
export const TARGET_USERS = 5000;
export const TARGET_RATIO = 10;
export const TARGET_RSS_MIB = 300;
export const BASELINE_COMMAND = `node -e "require('cdktf');require('constructs')"`;
/** Environment name of the generated file: the stack is connect-sso-bench. */
export const BENCH_ENV = "bench";
/** Users counts of the plan-cost table. */
export const DEFAULT_PLAN_SIZES = [500, 5000, 20000] as const;
/** A plan of one users stack should take at most this long at Connect's rate. */
export const PLAN_TARGET_MINUTES = 5;

// ---------------------------------------------------------------------------------------------
// Arguments

export type Method = "time" | "preload";

export interface BenchArgs {
  readonly runs: number;
  readonly sizes: number[];
  readonly check: boolean;
  readonly keep: boolean;
  /** Forced measuring method; undefined = /usr/bin/time when it works, else preload. */
  readonly method?: Method;
  /** Users counts of the plan-cost table; empty = no plan-cost section (--no-plan-cost). */
  readonly planSizes: number[];
  /** Users per users stack in the plan-cost table; undefined = the model's recommendation. */
  readonly usersPerStack?: number;
}

export const USAGE =
  "usage: npm run bench -- [--runs N] [--sizes 5,500,5000,20000] [--method time|preload] [--check] [--keep] [--plan-sizes 500,5000,20000] [--users-per-stack N] [--no-plan-cost]";

function parseSizes(flag: string, v: string): number[] {
  const sizes = v
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 99999)) {
    throw new Error(`${flag} ${JSON.stringify(v)}: allowed: comma-separated whole numbers 1..99999`);
  }
  return sizes;
}

/** Parses the command line; throws an Error with a message on bad input. */
export function parseArgs(argv: ReadonlyArray<string>): BenchArgs {
  let runs = 3;
  let sizes: number[] = [...DEFAULT_SIZES];
  let check = false;
  let keep = false;
  let method: Method | undefined;
  let planSizes: number[] = [...DEFAULT_PLAN_SIZES];
  let usersPerStack: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] =
      argv[i].startsWith("--") && argv[i].includes("=")
        ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)]
        : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--runs": {
        const v = value();
        runs = Number(v);
        if (!/^\d+$/.test(v) || runs < 1) throw new Error(`--runs ${JSON.stringify(v)}: allowed: a whole number >= 1`);
        break;
      }
      case "--sizes":
        sizes = parseSizes(flag, value());
        break;
      case "--plan-sizes":
        planSizes = parseSizes(flag, value());
        break;
      case "--no-plan-cost":
        planSizes = [];
        break;
      case "--users-per-stack": {
        const v = value();
        usersPerStack = Number(v);
        if (!/^\d+$/.test(v) || usersPerStack < 1 || usersPerStack > 99999)
          throw new Error(`--users-per-stack ${JSON.stringify(v)}: allowed: a whole number 1..99999`);
        break;
      }
      case "--method": {
        const v = value();
        if (v !== "time" && v !== "preload") throw new Error(`--method ${JSON.stringify(v)}: allowed: time | preload`);
        method = v;
        break;
      }
      case "--check":
        check = true;
        break;
      case "--keep":
        keep = true;
        break;
      case "--help":
      case "-h":
        throw new Error(USAGE);
      default:
        throw new Error(`unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  return { runs, sizes, check, keep, method, planSizes, usersPerStack };
}

// ---------------------------------------------------------------------------------------------
// The generated environment

const FIRST_NAMES = ["Alice", "José", "Zoë", "Min-jun", "Björn", "Łucja", "Chloé", "Dana", "Søren", "Nguyễn", "Ana", "François"];
const LAST_NAMES = ["Nguyen", "Peña", "Ångström", "Kim", "Müller", "Żak", "Dubois", "Okafor", "Kierkegaard", "Thị Hà", "García", "O'Brien"];
const SECURITY_PROFILES: ReadonlyArray<ReadonlyArray<string>> = [
  ["Agent"],
  ["Agent"],
  ["Agent", "CallCenterManager"],
  ["Agent", "QualityAnalyst"],
  ["CallCenterManager"],
  ["Admin"],
];
const ROUTING_PROFILES = ["Basic Routing Profile", "Sales Routing Profile", "Support Routing Profile", "Billing Routing Profile", "VIP Routing Profile"];

/** User name of the i-th generated user (1-based): agent00001@example.com ... */
export function benchUsername(i: number): string {
  return `agent${String(i).padStart(5, "0")}@example.com`;
}

/**
 * An environment file like environments/dev.yaml (existing instance, no application ARN) with
 * `users` generated users: a handful of profiles, every 10th a DESK_PHONE with an E.164 number,
 * some non-ASCII (NFC) names, some secondary emails, auto-accept and after-contact work.
 * With `sharding`, the users are split over that many users stacks.
 */
export function environmentYaml(users: number, metadataFile = "metadata/dev.xml", sharding?: Sharding): string {
  const q = (s: string) => JSON.stringify(s); // a JSON string is a YAML double-quoted scalar
  const lines = [
    `# Generated by scripts/bench.ts: ${users} user(s), modelled on environments/dev.yaml.`,
    `account: "111122223333"`,
    `region: us-west-2`,
    `tags:`,
    `  Project: contact-center`,
    `  Environment: bench`,
    `connect:`,
    `  instanceId: 0f3c8a52-7d1e-4b6a-9c2f-5e8d1a4b7c90`,
    `ssoApplication:`,
    `  displayName: Amazon Connect (bench)`,
    `  metadataFile: ${q(metadataFile)}`,
    `  destination: agent-app-v2`,
    ...(sharding ? [`sharding:`, `  stacks: ${sharding.stacks}`, ...(sharding.usersPerStack ? [`  usersPerStack: ${sharding.usersPerStack}`] : [])] : []),
    `users:`,
  ];
  for (let i = 1; i <= users; i++) {
    lines.push(
      `  - username: ${benchUsername(i)}`,
      `    firstName: ${q(FIRST_NAMES[i % FIRST_NAMES.length].normalize("NFC"))}`,
      `    lastName: ${q(LAST_NAMES[(i * 7) % LAST_NAMES.length].normalize("NFC"))}`,
      `    securityProfiles: [${SECURITY_PROFILES[i % SECURITY_PROFILES.length].map(q).join(", ")}]`,
      `    routingProfile: ${q(ROUTING_PROFILES[i % ROUTING_PROFILES.length])}`,
    );
    if (i % 10 === 0) lines.push(`    phoneType: DESK_PHONE`, `    deskPhoneNumber: "+1206555${String(i % 10000).padStart(4, "0")}"`);
    if (i % 4 === 0) lines.push(`    autoAccept: true`);
    if (i % 6 === 0) lines.push(`    afterContactWorkTimeLimit: ${30 * (i % 5)}`);
    if (i % 25 === 0) lines.push(`    secondaryEmail: ${q(`home${i}@home.example`)}`);
  }
  return lines.join("\n") + "\n";
}

/** The `sharding` key of a generated environment. */
export interface Sharding {
  readonly stacks: number;
  /** The size above which synth warns. @default the loader's default */
  readonly usersPerStack?: number;
}

/** Writes `<dir>/bench.yaml` and `<dir>/metadata/dev.xml`. */
export function writeEnvironmentDir(
  dir: string,
  users: number,
  metadataSource = path.join(REPO, "environments", "metadata", "dev.xml"),
  sharding?: Sharding,
): void {
  fs.mkdirSync(path.join(dir, "metadata"), { recursive: true });
  fs.copyFileSync(metadataSource, path.join(dir, "metadata", "dev.xml"));
  fs.writeFileSync(path.join(dir, `${BENCH_ENV}.yaml`), environmentYaml(users, undefined, sharding));
}

/** Number of users the synthesized stack creates (keys of aws_connect_user.connect_users.for_each). */
export function countSynthesizedUsers(stackJson: unknown): number | undefined {
  const forEach = (stackJson as { resource?: { aws_connect_user?: { connect_users?: { for_each?: unknown } } } })?.resource?.aws_connect_user?.connect_users
    ?.for_each;
  return forEach && typeof forEach === "object" && !Array.isArray(forEach) ? Object.keys(forEach).length : undefined;
}

// ---------------------------------------------------------------------------------------------
// Measuring

export interface Measurement {
  /** Wall time of the child, seconds (process.hrtime around the spawn). */
  readonly seconds: number;
  /** Peak resident set size of the child, KiB. */
  readonly maxRssKiB: number;
  /** CPU time of the child (user + system), seconds: steadier than wall time on a busy machine. */
  readonly cpuSeconds: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const TIME_FORMAT = "%e %M %U %S";

/** Output of GNU time `-f "%e %M %U %S"`: elapsed seconds, max RSS (KiB), user and system CPU seconds. */
export function parseTimeOutput(text: string): { seconds: number; maxRssKiB: number; cpuSeconds: number } | undefined {
  // GNU time prints "Command exited with non-zero status N" before the format line in that case.
  const line = text.trim().split("\n").pop() ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
  return m ? { seconds: Number(m[1]), maxRssKiB: Number(m[2]), cpuSeconds: Number(m[3]) + Number(m[4]) } : undefined;
}

export function median(values: ReadonlyArray<number>): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The environment `cdktf synth` gives the app (see @cdktf/cli-core synth-stack.js). */
export function cdktfEnv(base: NodeJS.ProcessEnv, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(base).filter(([key]) => !key.startsWith("TF_VAR_")));
  if (!env.NODE_OPTIONS) env.NODE_OPTIONS = "--max-old-space-size=4096";
  return {
    ...env,
    // Generated environments are no git checkout: synth as a person would, not as a pipeline.
    CI: "",
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: "true",
    CDKTF_CONTEXT_JSON: JSON.stringify({ cdktfRelativeModules: [] }),
    SYNTH_HCL_OUTPUT: "false",
    ...extra,
  };
}

const PRELOAD_SOURCE = `// Written by scripts/bench.ts: records this process's peak RSS (KiB) and CPU time when it exits.
process.on("exit", () => {
  const u = process.resourceUsage();
  require("node:fs").writeFileSync(process.env.CONNECT_SSO_BENCH_RSS_FILE, JSON.stringify({ maxRssKiB: u.maxRSS, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
});
`;

/** What the preload wrote. */
export function parsePreloadOutput(text: string): { maxRssKiB: number; cpuSeconds: number } | undefined {
  try {
    const v = JSON.parse(text) as { maxRssKiB?: unknown; cpuSeconds?: unknown };
    return typeof v.maxRssKiB === "number" && typeof v.cpuSeconds === "number" ? { maxRssKiB: v.maxRssKiB, cpuSeconds: v.cpuSeconds } : undefined;
  } catch {
    return undefined;
  }
}

export class Meter {
  private counter = 0;
  private readonly preloadFile: string;

  constructor(
    readonly method: Method,
    private readonly workDir: string,
  ) {
    this.preloadFile = path.join(workDir, "bench-preload.cjs");
    if (method === "preload") fs.writeFileSync(this.preloadFile, PRELOAD_SOURCE);
  }

  /** Whether GNU time with -f/-o works here. */
  static gnuTimeWorks(workDir: string): boolean {
    if (process.platform !== "linux" || !fs.existsSync("/usr/bin/time")) return false;
    const out = path.join(workDir, "probe.time");
    const r = spawnSync("/usr/bin/time", ["-f", TIME_FORMAT, "-o", out, "/bin/sh", "-c", "true"], { stdio: "ignore" });
    try {
      return r.status === 0 && parseTimeOutput(fs.readFileSync(out, "utf8")) !== undefined;
    } catch {
      return false;
    } finally {
      fs.rmSync(out, { force: true });
    }
  }

  describe(): string {
    return this.method === "time"
      ? `peak RSS and CPU: GNU /usr/bin/time -f "%M %U %S" (rusage of the child, from wait4)`
      : `peak RSS and CPU: process.resourceUsage() recorded at exit by a --require preload in NODE_OPTIONS (no GNU /usr/bin/time)`;
  }

  /** Runs a shell command (as cdktf runs the app) and measures it. */
  run(command: string, cwd: string, env: NodeJS.ProcessEnv): Measurement {
    const resultFile = path.join(this.workDir, `run-${++this.counter}.rss`);
    let file: string;
    let args: string[];
    let childEnv = env;
    if (this.method === "time") {
      file = "/usr/bin/time";
      args = ["-f", TIME_FORMAT, "-o", resultFile, "/bin/sh", "-c", command];
    } else {
      file = process.platform === "win32" ? (process.env.ComSpec ?? "cmd.exe") : "/bin/sh";
      args = process.platform === "win32" ? ["/d", "/s", "/c", command] : ["-c", command];
      childEnv = {
        ...env,
        NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(this.preloadFile)}`.trim(),
        CONNECT_SSO_BENCH_RSS_FILE: resultFile,
      };
    }
    const start = process.hrtime.bigint();
    const r = spawnSync(file, args, { cwd, env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.error) throw r.error;
    let maxRssKiB = NaN;
    let cpuSeconds = NaN;
    try {
      const text = fs.readFileSync(resultFile, "utf8");
      const usage = this.method === "time" ? parseTimeOutput(text) : parsePreloadOutput(text);
      maxRssKiB = usage?.maxRssKiB ?? NaN;
      cpuSeconds = usage?.cpuSeconds ?? NaN;
    } catch {
      // no result file: the child died before writing it; status says why
    } finally {
      fs.rmSync(resultFile, { force: true });
    }
    return { seconds, maxRssKiB, cpuSeconds, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  }
}

// ---------------------------------------------------------------------------------------------
// Report

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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** The table; target columns say yes/no for every size, but only the 5,000-user row is a target. */
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
    r.users.toLocaleString("en-US"),
    r.seconds.toFixed(2),
    `${r.ratio.toFixed(1)}x`,
    r.rssMiB.toFixed(0),
    yes(r.ratioMet, r.users),
    yes(r.rssMet, r.users),
    formatBytes(r.jsonBytes),
    r.cpuSeconds.toFixed(2),
    `${r.cpuRatio.toFixed(1)}x`,
  ]);
  const numeric = new Set([0, 1, 2, 3, 6, 7, 8]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

function describeRuns(runs: Runs): string {
  const list = (xs: number[], digits: number) => xs.map((x) => x.toFixed(digits)).join(", ");
  return `wall ${list(runs.seconds, 2)} s; CPU ${list(runs.cpuSeconds, 2)} s; peak RSS ${list(
    runs.rssKiB.map((k) => k / 1024),
    0,
  )} MiB`;
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
  const main = `connect-sso-${BENCH_ENV}`;
  return name === main ? "main" : name.startsWith(`${main}-`) ? name.slice(main.length + 1) : name;
}

/**
 * The row of one layout from its synthesized stacks (name → Terraform JSON), priced by
 * lib/tools/plan-cost.ts; the instance holds every user of the environment. Throws when the stacks do
 * not hold exactly `users` users.
 */
export function planCostRow(users: number, usersStacks: number, stacks: Readonly<Record<string, unknown>>): PlanCostRow {
  const env: EnvironmentPlanCost = environmentPlanCost(stacks);
  const held = env.stacks.reduce((sum, s) => sum + s.users, 0);
  if (held !== users) throw new Error(`the stacks hold ${held} users, expected ${users}`);
  const main = `connect-sso-${BENCH_ENV}`;
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
export function formatPlanCostTable(rows: ReadonlyArray<PlanCostRow>): string {
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
  const n = (x: number) => x.toLocaleString("en-US");
  const body = rows.map((r) => [
    n(r.users),
    r.usersStacks === 0 ? "1 stack" : `main + ${r.usersStacks} users stack${r.usersStacks === 1 ? "" : "s"}`,
    n(r.connect),
    r.minutes.toFixed(1),
    `${r.largestStack} (${n(r.largestUsers)} users)`,
    n(r.largestCalls),
    r.largestMinutes.toFixed(1),
    r.prMinutes.toFixed(1),
    `${r.prSecondsNoRefresh.toFixed(0)} s`,
    n(r.otherCalls),
  ]);
  const numeric = new Set([0, 2, 3, 5, 6, 7, 8, 9]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
  return [line(header), "|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|", ...body.map(line)].join("\n");
}

/** Every stack the app wrote into `outdir` for the bench environment, by name. */
export function readSynthesizedStacks(outdir: string): Record<string, unknown> {
  const dir = path.join(outdir, "stacks");
  const names = fs.existsSync(dir)
    ? fs.readdirSync(dir).filter((n) => n === `connect-sso-${BENCH_ENV}` || n.startsWith(`connect-sso-${BENCH_ENV}-users-`))
    : [];
  const byNumber = (n: string) => (n.includes("-users-") ? Number(n.split("-").pop()) : 0);
  names.sort((a, b) => byNumber(a) - byNumber(b));
  return Object.fromEntries(names.map((n) => [n, JSON.parse(fs.readFileSync(path.join(dir, n, "cdk.tf.json"), "utf8")) as unknown]));
}

/** Most users stacks an environment file may ask for (lib/config/schema.ts). */
export const MAX_USERS_STACKS = 64;

function planCostSection(args: BenchArgs, tmp: string, app: string, log: (s: string) => void): void {
  const synth = (label: string, users: number, sharding?: Sharding) => {
    const envDir = path.join(tmp, `plan-env-${label}`);
    const outdir = path.join(tmp, `plan-out-${label}`);
    writeEnvironmentDir(envDir, users, undefined, sharding);
    process.stderr.write(
      `  plan cost: synth of ${users} users, ${sharding ? `${sharding.stacks} users stack${sharding.stacks === 1 ? "" : "s"}` : "1 stack"}\n`,
    );
    const r = spawnSync("/bin/sh", ["-c", app], {
      cwd: REPO,
      env: cdktfEnv(process.env, { CONNECT_SSO_ENVIRONMENTS: envDir, CDKTF_OUTDIR: outdir }),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (r.error) throw r.error;
    if (r.status !== 0)
      throw failure(
        `plan-cost synth of ${users} users (${label})`,
        { seconds: 0, maxRssKiB: NaN, cpuSeconds: NaN, status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr },
        "non-zero exit",
      );
    const stacks = readSynthesizedStacks(outdir);
    if (!args.keep) fs.rmSync(outdir, { recursive: true, force: true });
    return stacks;
  };

  // The fixed calls of a users stack of this environment (instance check, profile look-ups) set the size.
  const probe = synth("probe", 100, { stacks: 1 });
  const fixedCalls = fixedConnectCalls(probe[`connect-sso-${BENCH_ENV}-users-1`]);
  const advice = recommendedUsersPerStack({ fixedCalls, targetMinutes: PLAN_TARGET_MINUTES });
  const size = args.usersPerStack ?? advice.usersPerStack;

  const rows: PlanCostRow[] = [];
  for (const users of [...new Set(args.planSizes)].sort((a, b) => a - b)) {
    rows.push(planCostRow(users, 0, synth(`${users}-1`, users)));
    const usersStacks = Math.max(1, Math.ceil(users / size));
    if (usersStacks > MAX_USERS_STACKS)
      throw new Error(
        `${users} users at ${size} per users stack need ${usersStacks} users stacks; an environment allows at most ${MAX_USERS_STACKS} (raise --users-per-stack)`,
      );
    rows.push(planCostRow(users, usersStacks, synth(`${users}-${usersStacks}`, users, { stacks: usersStacks, usersPerStack: size })));
  }

  const { perSecond, burst } = CONNECT_RATE;
  log("");
  log(
    `plan cost: Connect API calls of one \`terraform plan\` (refreshing), modelled by lib/tools/plan-cost.ts for hashicorp/aws 5.100.0 and proven on the loopback fake by __tests__/plan-cost.test.ts;`,
  );
  log(
    `minutes at Connect's default ${perSecond} requests/s (burst ${burst}) per account and Region, shared by every caller: the least a plan can take (throttled retries add calls)`,
  );
  log(
    args.usersPerStack
      ? `users stack size: ${size} (--users-per-stack; the model recommends ${advice.usersPerStack})`
      : `users stack size: ${size}, from the model: a users stack here makes ${fixedCalls} Connect calls besides its users (instance check, profile look-ups); ` +
          `${PLAN_TARGET_MINUTES} min buys ${advice.budget} calls, so an even stack could hold ${advice.evenMaximum}; ` +
          `the hash split puts about n +- sqrt(n) users in a stack meant for n, and ${size} + 3 sqrt(${size}) + ${fixedCalls} = ${Math.ceil(size + 3 * Math.sqrt(size) + fixedCalls)} <= ${advice.budget}`,
  );
  log("");
  log(formatPlanCostTable(rows));
  const most = Math.max(...args.planSizes);
  const m = Math.max(1, Math.ceil(most / size));
  const arrivals = Math.ceil(most / m);
  const lookup = userLookupCalls(most);
  log("");
  log(
    `changing sharding.stacks: each user moving into a stack is found by name (data aws_connect_user: ListUsers over every user of the instance, 60 a page, then DescribeUser): ` +
      `${lookup} Connect calls per moving user per plan with ${most.toLocaleString("en-US")} users, every plan until previousStacks is removed; ` +
      `${most.toLocaleString("en-US")} users from 1 stack to ${m}: about ${arrivals} arrivals per users stack = ${(arrivals * lookup).toLocaleString("en-US")} extra calls = ${(planMinutes(arrivals * lookup) / 60).toFixed(1)} h per users stack plan`,
  );
}

// ---------------------------------------------------------------------------------------------
// Main

/** Whether an app command type-checks on each run (tsc, or ts-node without transpile-only/swc); a heuristic on the command text. */
export function appTypeChecks(command: string): boolean {
  if (/(^|[\s/])(tsc|vue-tsc)(\s|$)/.test(command)) return true;
  return /(^|[\s/])ts-node(\s|$)/.test(command) && !/(--transpile-only|--transpileOnly|\s-T(\s|$)|--swc)/.test(command);
}

function appCommand(): string {
  const config = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8")) as { app?: unknown };
  if (typeof config.app !== "string" || !config.app.trim()) throw new Error("cdktf.json has no app command");
  return config.app;
}

function failure(what: string, m: Measurement, detail: string): Error {
  const tail = (s: string) => s.trim().split("\n").slice(-20).join("\n");
  return new Error(
    `${what} did not succeed (${detail}; exit ${m.status ?? `signal ${m.signal}`}), so there is nothing to measure` +
      (m.stderr.trim() ? `\n--- stderr (last lines) ---\n${tail(m.stderr)}` : "") +
      (m.stdout.trim() ? `\n--- stdout (last lines) ---\n${tail(m.stdout)}` : ""),
  );
}

function main(): number {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    return 2;
  }
  if (args.check && !args.sizes.includes(TARGET_USERS)) {
    console.error(`--check needs ${TARGET_USERS} among --sizes`);
    return 2;
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-bench-"));
  const cleanup = () => {
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    const method: Method = args.method ?? (Meter.gnuTimeWorks(tmp) ? "time" : "preload");
    if (method === "time" && !Meter.gnuTimeWorks(tmp)) throw new Error("--method time: GNU /usr/bin/time with -f and -o is not available here");
    const meter = new Meter(method, tmp);
    const app = appCommand();
    const log = (s: string) => console.log(s);

    const cpus = os.cpus();
    log(
      `connect-sso synth bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    log(
      `app (cdktf.json): ${app}   (run via /bin/sh -c in ${REPO}, with cdktf's synth environment; type-checks on each run: ${appTypeChecks(app) ? "YES" : "no"})`,
    );
    log(`baseline: ${BASELINE_COMMAND}   (same way, same environment)`);
    log(`wall time: process.hrtime around the child; ${meter.describe()}`);
    log(
      `median of ${args.runs} run(s) each; runs interleave (baseline, then each size, repeated); one untimed warm-up first; temp dir ${tmp}${args.keep ? " (kept)" : ""}`,
    );
    log("");

    const baselineEnv = cdktfEnv(process.env, {});
    const baselineOnce = () => {
      const m = meter.run(BASELINE_COMMAND, REPO, baselineEnv);
      if (m.status !== 0 || !Number.isFinite(m.maxRssKiB) || !Number.isFinite(m.cpuSeconds)) throw failure("baseline", m, "baseline command failed");
      return m;
    };

    const sizes = [...new Set(args.sizes)].sort((a, b) => a - b);
    const synthOnce = (users: number, envDir: string, run: string) => {
      const outdir = path.join(tmp, `out-${users}-${run}`);
      const m = meter.run(app, REPO, cdktfEnv(process.env, { CONNECT_SSO_ENVIRONMENTS: envDir, CDKTF_OUTDIR: outdir }));
      const stackFile = path.join(outdir, "stacks", `connect-sso-${BENCH_ENV}`, "cdk.tf.json");
      const what = `synth of ${users} users`;
      if (m.status !== 0) throw failure(what, m, "non-zero exit");
      if (!Number.isFinite(m.maxRssKiB) || !Number.isFinite(m.cpuSeconds)) throw failure(what, m, "no resource usage recorded");
      if (!fs.existsSync(stackFile)) throw failure(what, m, `${stackFile} was not written`);
      const count = countSynthesizedUsers(JSON.parse(fs.readFileSync(stackFile, "utf8")));
      if (count !== users) throw failure(what, m, `aws_connect_user.connect_users.for_each has ${count ?? "no"} users, expected ${users}`);
      const jsonBytes = fs.statSync(stackFile).size;
      if (!args.keep) fs.rmSync(outdir, { recursive: true, force: true });
      return { m, jsonBytes };
    };

    // Environment folders first, so generating them is not timed with anything.
    const envDirs = new Map(
      sizes.map((users) => {
        const dir = path.join(tmp, `env-${users}`);
        writeEnvironmentDir(dir, users);
        return [users, dir] as const;
      }),
    );

    // Warm-up: file cache, tsx's transform cache.
    baselineOnce();
    synthOnce(sizes[0], envDirs.get(sizes[0])!, "warmup");

    // Interleaved, so a change in the machine's load hits the baseline and every size alike.
    const baseline = emptyRuns();
    const bySize = new Map(sizes.map((users) => [users, { runs: emptyRuns(), jsonBytes: 0 }]));
    for (let i = 0; i < args.runs; i++) {
      addRun(baseline, baselineOnce());
      for (const users of sizes) {
        const { m, jsonBytes } = synthOnce(users, envDirs.get(users)!, String(i));
        const entry = bySize.get(users)!;
        addRun(entry.runs, m);
        entry.jsonBytes = jsonBytes;
      }
      process.stderr.write(`  run ${i + 1}/${args.runs} done\n`);
    }

    log(`baseline            : ${describeRuns(baseline)}`);
    for (const users of sizes) log(`synth ${String(users).padStart(6)} users: ${describeRuns(bySize.get(users)!.runs)}`);
    log(
      `baseline medians: ${median(baseline.seconds).toFixed(3)} s wall, ${median(baseline.cpuSeconds).toFixed(3)} s CPU, ${(median(baseline.rssKiB) / 1024).toFixed(0)} MiB peak RSS`,
    );

    const rows = sizes.map((users) => toRow(users, bySize.get(users)!.runs, baseline, bySize.get(users)!.jsonBytes));
    log("");
    log(formatTable(rows));
    log("");
    const load = os.loadavg()[0];
    if (load > cpus.length) {
      log(
        `note: the machine was busy (load average ${load.toFixed(1)} on ${cpus.length} CPUs): wall times are noisy; CPU seconds and best-of-${args.runs} ratios are steadier`,
      );
    }
    let code = 0;
    const target = rows.find((r) => r.users === TARGET_USERS);
    if (target) {
      const met = target.ratioMet && target.rssMet;
      log(
        `targets for ${TARGET_USERS.toLocaleString("en-US")} users: synth ${target.ratio.toFixed(1)}x baseline wall time, median (<= ${TARGET_RATIO}x: ${target.ratioMet ? "met" : "MISSED"}; ` +
          `best-of-${args.runs} ${target.bestRatio.toFixed(1)}x, CPU ${target.cpuRatio.toFixed(1)}x), ` +
          `peak RSS ${target.rssMiB.toFixed(0)} MiB (<= ${TARGET_RSS_MIB} MiB: ${target.rssMet ? "met" : "MISSED"})` +
          (met ? "" : args.check ? "; --check: failing" : "; report only (pass --check to fail on a miss)"),
      );
      if (!met && args.check) code = 1;
    } else {
      log(`(no ${TARGET_USERS}-user run: targets not evaluated)`);
    }
    // After the timing runs, so its synths and its memory do not disturb them.
    if (args.planSizes.length > 0) planCostSection(args, tmp, app, log);
    return code;
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    return 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}

if (require.main === module) {
  process.exitCode = main();
}
