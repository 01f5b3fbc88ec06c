/**
 * `npm run bench`: how long the real cdktf `app` takes, and how much memory it peaks at, for one
 * environment of 5, 500, 5,000 and 20,000 users, against a baseline of only loading cdktf; then
 * what one plan of such environments costs in Connect API calls. Arguments: USAGE in ./args.ts.
 *
 * Targets (for 5,000 users): synth at most 10x the baseline `node -e "require('cdktf');require('constructs')"`,
 * and at most 300 MiB peak RSS. 20,000 users is reported without a target.
 *
 * Each size gets its own folder in a temporary directory (./environments.ts). The app command is
 * read from cdktf.json and run the way `cdktf synth` runs it (./measure.ts). Runs interleave
 * (baseline, then every size, repeated) so a change in machine load hits all alike; the table
 * shows medians. A run only counts if the app exits 0 and the stack's
 * aws_connect_user.connect_users.for_each holds exactly the generated users.
 *
 * Then `npm run users -- import-live` and `sync` of the largest size into an environment file
 * without users, AWS answered from memory (./users-workload.ts): the project's own time and memory,
 * and the calls the command would make, priced at AWS's rate.
 *
 * Plan cost (after the timing runs, untimed): the Connect API calls one `terraform plan` makes,
 * from lib/devtools/plan-cost's model, for 500, 5,000 and 20,000 users (`--plan-sizes`), each in one
 * stack and split over users stacks of the recommended size (`--users-per-stack` overrides it):
 * the largest multiple of 100 whose plan stays within 5 minutes at Connect's 2 requests/s, with
 * room for the uneven hash split. Each layout is synthesized by the same app command into its own
 * folder and every stack's cdk.tf.json is priced; the instance is taken to hold exactly the
 * environment's users and the profiles they name. Then, for the one-stack layouts, the bulk path
 * (lib/devtools/plan-cost/bulk.ts): fast drift and fast-refresh plans next to a full refresh, and
 * the target for the largest size (at most 600 Connect calls plus the unavoidable DescribeUser calls).
 *
 * Exit code: 0 (this is a report) unless a synth fails, or `--check` is given and a 5,000-user
 * target is missed (then 1). Bad arguments: 2, with the usage.
 */
import { MAX_USERS_STACKS } from "../../rules/sharding";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stackName } from "../../rules/naming";
import { usersStackName } from "../../rules/sharding";
import { fixedConnectCalls, recommendedUsersPerStack, usersStacksFor } from "../plan-cost/model";
import { runUsers } from "../../tools/users-csv/cli";
import { lines, type ToolMain } from "../../tools/io";
import { BenchArgsError, parseBenchArgs, USAGE, type BenchArgs } from "./args";
import { BENCH_ENV, REPO, writeEnvironmentDir, type Sharding } from "./environments";
import { liveCallLines, readCalls, USERS_WORKLOAD } from "./users-workload";
import { appCommand, appTypeChecks, BASELINE_COMMAND, countSynthesizedUsers, Meter, readSynthesizedStacks, unsuccessful } from "./measure";
import {
  addRun,
  describeRuns,
  emptyRuns,
  fastPathRow,
  formatFastPathSection,
  formatPlanCostSection,
  formatTable,
  importVerdict,
  median,
  PLAN_TARGET_MINUTES,
  planCostRow,
  plural,
  targetVerdict,
  toRow,
  type FastPathRow,
  type PlanCostRow,
} from "./report";

/** Most users stacks an environment file may ask for (`sharding.stacks` in lib/config/schema.ts). */

/** Where a run writes: the report on `out`, progress and problems on `err`. */
interface Output {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Runs the bench; returns the exit code. */
export function runBench(argv: ReadonlyArray<string>, io: Output): number {
  let args: BenchArgs | "help";
  try {
    args = parseBenchArgs(argv);
  } catch (e) {
    if (!(e instanceof BenchArgsError)) throw e;
    io.err(`bench: ${e.message}\n${USAGE}`);
    return 2;
  }
  if (args === "help") {
    io.out(USAGE);
    return 0;
  }
  const keep = args.keep;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-bench-"));
  const cleanup = () => {
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const meter = Meter.create(args.method, tmp);
    const app = appCommand();
    const code = timingSection(args, meter, app, tmp, io);
    // After the timing runs, so its synths and its memory do not disturb them.
    if (args.planSizes.length > 0) planCostSection(args, meter, app, tmp, io);
    return code;
  } catch (e) {
    io.err(`bench: ${(e as Error).message}`);
    return 1;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    cleanup();
  }
}

/** The timed runs and their report; returns 1 when --check fails on a missed target, else 0. */
function timingSection(args: BenchArgs, meter: Meter, app: string, tmp: string, { out, err }: Output): number {
  const cpus = os.cpus();
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  out(
    `connect-sso synth bench: node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${load}`,
  );
  out(
    `app (cdktf.json): ${app}   (run via /bin/sh -c in ${REPO}, with cdktf's synth environment; type-checks on each run: ${appTypeChecks(app) ? "YES" : "no"})`,
  );
  out(`baseline: ${BASELINE_COMMAND}   (same way, same environment)`);
  out(`wall time: process.hrtime around the child; ${meter.describe()}`);
  out(
    `median of ${args.runs} run(s) each; runs interleave (baseline, then each size, repeated); one untimed warm-up first; temp dir ${tmp}${args.keep ? " (kept)" : ""}`,
  );
  out("");

  const baselineOnce = () => {
    const m = meter.run(BASELINE_COMMAND);
    if (m.status !== 0 || !Number.isFinite(m.maxRssKiB) || !Number.isFinite(m.cpuSeconds)) throw unsuccessful("baseline", m, "baseline command failed");
    return m;
  };
  const synthOnce = (users: number, envDir: string, run: string) => {
    const outdir = path.join(tmp, `out-${users}-${run}`);
    const m = meter.synth(app, envDir, outdir);
    const stackFile = path.join(outdir, "stacks", stackName(BENCH_ENV), "cdk.tf.json");
    const what = `synth of ${users} users`;
    if (m.status !== 0) throw unsuccessful(what, m, "non-zero exit");
    if (!Number.isFinite(m.maxRssKiB) || !Number.isFinite(m.cpuSeconds)) throw unsuccessful(what, m, "no resource usage recorded");
    if (!fs.existsSync(stackFile)) throw unsuccessful(what, m, `${stackFile} was not written`);
    const found = countSynthesizedUsers(JSON.parse(fs.readFileSync(stackFile, "utf8")));
    if (found !== users) throw unsuccessful(what, m, `aws_connect_user.connect_users.for_each has ${found ?? "no"} users, expected ${users}`);
    const jsonBytes = fs.statSync(stackFile).size;
    if (!args.keep) fs.rmSync(outdir, { recursive: true, force: true });
    return { m, jsonBytes };
  };

  // Environment folders first, so generating them is not timed with anything.
  const sizes = [...new Set(args.sizes)].sort((a, b) => a - b);
  const envDirs = new Map(
    sizes.map((users) => {
      const dir = path.join(tmp, `env-${users}`);
      writeEnvironmentDir(dir, users);
      return [users, dir] as const;
    }),
  );

  // Import of the largest size's users, as CSV, into an environment file without users (`npm run users -- import`).
  const importUsers = sizes[sizes.length - 1];
  const importDir = path.join(tmp, "import-env");
  const importCsv = path.join(tmp, `users-${importUsers}.csv`);
  writeEnvironmentDir(importDir, 0);
  const emptyFile = fs.readFileSync(path.join(importDir, `${BENCH_ENV}.yaml`));
  const exportErrors: string[] = [];
  const exported = runUsers(
    ["export", BENCH_ENV, importCsv],
    { CONNECT_SSO_ENVIRONMENTS: envDirs.get(importUsers)! },
    { out: () => {}, err: (l) => exportErrors.push(l) },
  );
  if (exported !== 0) throw new Error(`export of ${importUsers} users to CSV failed: ${exportErrors.join(" | ")}`);
  const importOnce = () => {
    fs.writeFileSync(path.join(importDir, `${BENCH_ENV}.yaml`), emptyFile);
    const m = meter.run(`node --import tsx scripts/users.ts import ${JSON.stringify(importCsv)} ${BENCH_ENV}`, { CONNECT_SSO_ENVIRONMENTS: importDir });
    const what = `import of ${importUsers} CSV rows`;
    if (m.status !== 0) throw unsuccessful(what, m, "non-zero exit");
    const imported = fs.readFileSync(path.join(importDir, `${BENCH_ENV}.yaml`), "utf8").match(/^ {2}- username: /gm)?.length ?? 0;
    if (imported !== importUsers) throw unsuccessful(what, m, `the file holds ${imported} users, expected ${importUsers}`);
    return m;
  };

  // import-live and sync of the largest size, AWS answered from memory (./users-workload.ts), into an environment file without users.
  const liveDir = path.join(tmp, "live-env");
  const syncDir = path.join(tmp, "sync-env");
  const liveOnce = (mode: "import-live" | "sync") => {
    const dir = mode === "sync" ? syncDir : liveDir;
    writeEnvironmentDir(dir, 0, undefined, mode === "sync");
    const m = meter.run(`${USERS_WORKLOAD} ${mode} ${JSON.stringify(dir)} ${importUsers}`);
    const what = `${mode} of ${importUsers} users`;
    if (m.status !== 0) throw unsuccessful(what, m, "non-zero exit");
    const imported = fs.readFileSync(path.join(dir, `${BENCH_ENV}.yaml`), "utf8").match(/^ {2}- username: /gm)?.length ?? 0;
    if (imported !== importUsers) throw unsuccessful(what, m, `the file holds ${imported} users, expected ${importUsers}`);
    return m;
  };

  // Warm-up: file cache, tsx's transform cache.
  baselineOnce();
  synthOnce(sizes[0], envDirs.get(sizes[0])!, "warmup");

  // Interleaved, so a change in the machine's load hits the baseline and every size alike.
  const baseline = emptyRuns();
  const bySize = new Map(sizes.map((users) => [users, { runs: emptyRuns(), jsonBytes: 0 }]));
  const imports = emptyRuns();
  const lives = emptyRuns();
  const syncs = emptyRuns();
  let calls = { live: "", sync: "" };
  for (let i = 0; i < args.runs; i++) {
    addRun(baseline, baselineOnce());
    addRun(imports, importOnce());
    const live = liveOnce("import-live");
    const sync = liveOnce("sync");
    addRun(lives, live);
    addRun(syncs, sync);
    calls = { live: readCalls(live.stderr), sync: readCalls(sync.stderr) };
    for (const users of sizes) {
      const { m, jsonBytes } = synthOnce(users, envDirs.get(users)!, String(i));
      const entry = bySize.get(users)!;
      addRun(entry.runs, m);
      entry.jsonBytes = jsonBytes;
    }
    err(`  run ${i + 1}/${args.runs} done`);
  }

  out(`baseline            : ${describeRuns(baseline)}`);
  for (const users of sizes) out(`synth ${String(users).padStart(6)} users: ${describeRuns(bySize.get(users)!.runs)}`);
  out(`import ${String(importUsers).padStart(5)} rows : ${describeRuns(imports)}`);
  out(`import-live ${String(importUsers).padStart(5)} : ${describeRuns(lives)}`);
  out(`sync ${String(importUsers).padStart(5)} members: ${describeRuns(syncs)}`);
  out(
    `baseline medians: ${median(baseline.seconds).toFixed(3)} s wall, ${median(baseline.cpuSeconds).toFixed(3)} s CPU, ${(median(baseline.rssKiB) / 1024).toFixed(0)} MiB peak RSS`,
  );

  const rows = sizes.map((users) => toRow(users, bySize.get(users)!.runs, baseline, bySize.get(users)!.jsonBytes));
  out("");
  out(formatTable(rows));
  out("");
  const busy = os.loadavg()[0];
  if (busy > cpus.length) {
    out(
      `note: the machine was busy (load average ${busy.toFixed(1)} on ${cpus.length} CPUs): wall times are noisy; CPU seconds and best-of-${args.runs} ratios are steadier`,
    );
  }
  const verdict = targetVerdict(rows, args.runs, args.check);
  out(verdict.line);
  const importCheck = importVerdict(importUsers, imports, bySize.get(importUsers)!.runs, args.check);
  out(importCheck.line);
  for (const line of liveCallLines(importUsers, calls)) out(line);
  return verdict.failed || importCheck.failed ? 1 : 0;
}

/** Synthesizes each users count in one stack and over users stacks, and prints what a plan of each costs. */
function planCostSection(args: BenchArgs, meter: Meter, app: string, tmp: string, { out, err }: Output): void {
  const synth = (label: string, users: number, sharding?: Sharding) => {
    const envDir = path.join(tmp, `plan-env-${label}`);
    const outdir = path.join(tmp, `plan-out-${label}`);
    writeEnvironmentDir(envDir, users, sharding);
    err(`  plan cost: synth of ${users} users, ${sharding ? plural(sharding.stacks, "users stack") : "1 stack"}`);
    const m = meter.synth(app, envDir, outdir);
    if (m.status !== 0) throw unsuccessful(`plan-cost synth of ${users} users (${label})`, m, "non-zero exit");
    const stacks = readSynthesizedStacks(outdir);
    if (!args.keep) fs.rmSync(outdir, { recursive: true, force: true });
    return stacks;
  };

  // The fixed calls of a users stack of this environment (instance check, profile look-ups) set the size.
  const probe = synth("probe", 100, { stacks: 1 });
  const fixedCalls = fixedConnectCalls(probe[usersStackName(BENCH_ENV, 1)]);
  const advice = recommendedUsersPerStack({ fixedCalls, targetMinutes: PLAN_TARGET_MINUTES });
  const size = args.usersPerStack ?? advice.usersPerStack;

  const rows: PlanCostRow[] = [];
  const fastRows: FastPathRow[] = [];
  for (const users of [...new Set(args.planSizes)].sort((a, b) => a - b)) {
    const oneStack = synth(`${users}-1`, users);
    rows.push(planCostRow(users, 0, oneStack));
    fastRows.push(fastPathRow(users, oneStack));
    // The split layout has at least one users stack, even when every user would fit in one.
    const usersStacks = Math.max(1, usersStacksFor(users, size));
    if (usersStacks > MAX_USERS_STACKS)
      throw new Error(
        `${users} users at ${size} per users stack need ${usersStacks} users stacks; an environment allows at most ${MAX_USERS_STACKS} (raise --users-per-stack)`,
      );
    rows.push(planCostRow(users, usersStacks, synth(`${users}-${usersStacks}`, users, { stacks: usersStacks, usersPerStack: size })));
  }
  out("");
  for (const line of formatPlanCostSection(rows, { size, given: args.usersPerStack !== undefined, advice, fixedCalls })) out(line);
  for (const line of formatFastPathSection(fastRows)) out(line);
}

/** `npm run bench`'s entry (ToolMain): the report line by line on stdout. */
export const benchMain: ToolMain = (argv, _variables, io) => runBench(argv, { out: lines(io), err: io.err });
