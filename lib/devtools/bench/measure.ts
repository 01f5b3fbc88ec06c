/**
 * Running the app the way `cdktf synth` runs it (through a shell, in the project root, with
 * cdktf's synth environment) and measuring each run: wall time (process.hrtime around the child),
 * peak RSS and CPU seconds (GNU /usr/bin/time, or without it a --require preload that records
 * process.resourceUsage() at exit).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseStackName } from "../../rules/sharding";
import { inlineForEachLocals } from "../../tools/plan/locals";
import type { Method } from "./args";
import { BENCH_ENV, REPO } from "./environments";

/** What synth is compared with: only loading cdktf. */
export const BASELINE_COMMAND = `node -e "require('cdktf');require('constructs')"`;

export interface Measurement {
  /** Wall time of the child, seconds (process.hrtime around the spawn). */
  readonly seconds: number;
  /** Peak resident set size of the child, KiB; NaN when nothing was recorded (the child died first). */
  readonly maxRssKiB: number;
  /** CPU time of the child (user + system), seconds: steadier than wall time on a busy machine; NaN when not recorded. */
  readonly cpuSeconds: number;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

type Usage = Pick<Measurement, "maxRssKiB" | "cpuSeconds">;

const TIME_FORMAT = "%e %M %U %S";

/** Output of GNU time `-f "%e %M %U %S"`: elapsed seconds, max RSS (KiB), user and system CPU seconds. */
function parseTimeOutput(text: string): Usage | undefined {
  // GNU time prints "Command exited with non-zero status N" before the format line in that case.
  const line = text.trim().split("\n").pop() ?? "";
  const m = /^(\d+(?:\.\d+)?) (\d+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/.exec(line.trim());
  return m ? { maxRssKiB: Number(m[2]), cpuSeconds: Number(m[3]) + Number(m[4]) } : undefined;
}

const PRELOAD_SOURCE = `// Written by npm run bench (lib/devtools/bench/measure.ts): records this process's peak RSS (KiB) and CPU time when it exits.
process.on("exit", () => {
  const u = process.resourceUsage();
  require("node:fs").writeFileSync(process.env.CONNECT_SSO_BENCH_RSS_FILE, JSON.stringify({ maxRssKiB: u.maxRSS, cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6 }));
});
`;

/** What the preload wrote. */
function parsePreloadOutput(text: string): Usage | undefined {
  try {
    const v = JSON.parse(text) as { maxRssKiB?: unknown; cpuSeconds?: unknown };
    return typeof v.maxRssKiB === "number" && typeof v.cpuSeconds === "number" ? { maxRssKiB: v.maxRssKiB, cpuSeconds: v.cpuSeconds } : undefined;
  } catch {
    return undefined;
  }
}

/** The environment `cdktf synth` gives the app (see @cdktf/cli-core synth-stack.js), plus `extra`. */
function cdktfEnv(base: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
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

/** The shell cdktf runs the app through, with the arguments that run `command`. */
function shell(command: string): [file: string, args: string[]] {
  return process.platform === "win32" ? [process.env.ComSpec ?? "cmd.exe", ["/d", "/s", "/c", command]] : ["/bin/sh", ["-c", command]];
}

/** Runs commands in the project root with cdktf's synth environment and measures each; its files go to `workDir`. */
export class Meter {
  private counter = 0;
  private readonly preloadFile: string;

  private constructor(
    readonly method: Method,
    private readonly workDir: string,
  ) {
    this.preloadFile = path.join(workDir, "bench-preload.cjs");
    if (method === "preload") fs.writeFileSync(this.preloadFile, PRELOAD_SOURCE);
  }

  /** A meter with `method`, or when undefined GNU time if it works here, else the preload; throws when `time` is asked for and does not work. */
  static create(method: Method | undefined, workDir: string): Meter {
    const gnuTime = Meter.gnuTimeWorks(workDir);
    if (method === "time" && !gnuTime) throw new Error("--method time: GNU /usr/bin/time with -f and -o is not available here");
    return new Meter(method ?? (gnuTime ? "time" : "preload"), workDir);
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

  /** Runs a shell command (as cdktf runs the app) in the project root, with cdktf's synth environment plus `extra`, and measures it. */
  run(command: string, extra: Readonly<Record<string, string>> = {}): Measurement {
    const env = cdktfEnv(process.env, extra);
    const resultFile = path.join(this.workDir, `run-${++this.counter}.rss`);
    const [file, args, childEnv]: [string, string[], NodeJS.ProcessEnv] =
      this.method === "time"
        ? ["/usr/bin/time", ["-f", TIME_FORMAT, "-o", resultFile, "/bin/sh", "-c", command], env]
        : [
            ...shell(command),
            { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(this.preloadFile)}`.trim(), CONNECT_SSO_BENCH_RSS_FILE: resultFile },
          ];
    const start = process.hrtime.bigint();
    const r = spawnSync(file, args, { cwd: REPO, env: childEnv, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.error) throw r.error;
    let usage: Usage | undefined;
    try {
      const text = fs.readFileSync(resultFile, "utf8");
      usage = this.method === "time" ? parseTimeOutput(text) : parsePreloadOutput(text);
    } catch {
      // no result file: the child died before writing it; status says why
    } finally {
      fs.rmSync(resultFile, { force: true });
    }
    return {
      seconds,
      maxRssKiB: usage?.maxRssKiB ?? NaN,
      cpuSeconds: usage?.cpuSeconds ?? NaN,
      status: r.status,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
    };
  }

  /** Runs the app on the environments in `envDir`, writing into `outdir`. */
  synth(app: string, envDir: string, outdir: string): Measurement {
    return this.run(app, { CONNECT_SSO_ENVIRONMENTS: envDir, CDKTF_OUTDIR: outdir });
  }
}

/** The app command of cdktf.json. */
export function appCommand(): string {
  const config = JSON.parse(fs.readFileSync(path.join(REPO, "cdktf.json"), "utf8")) as { app?: unknown };
  if (typeof config.app !== "string" || !config.app.trim()) throw new Error("cdktf.json has no app command");
  return config.app;
}

/** Whether an app command type-checks on each run (tsc, or ts-node without transpile-only/swc); a heuristic on the command text. */
export function appTypeChecks(command: string): boolean {
  if (/(^|[\s/])(tsc|vue-tsc)(\s|$)/.test(command)) return true;
  return /(^|[\s/])ts-node(\s|$)/.test(command) && !/(--transpile-only|--transpileOnly|\s-T(\s|$)|--swc)/.test(command);
}

/** Why a run yields nothing to measure, with the last lines it printed. */
export function unsuccessful(what: string, m: Measurement, detail: string): Error {
  const tail = (s: string) => s.trim().split("\n").slice(-20).join("\n");
  return new Error(
    `${what} did not succeed (${detail}; exit ${m.status ?? `signal ${m.signal}`}), so there is nothing to measure` +
      (m.stderr.trim() ? `\n--- stderr (last lines) ---\n${tail(m.stderr)}` : "") +
      (m.stdout.trim() ? `\n--- stdout (last lines) ---\n${tail(m.stdout)}` : ""),
  );
}

/** Number of users the synthesized stack creates (keys of aws_connect_user.connect_users.for_each). */
export function countSynthesizedUsers(stackJson: unknown): number | undefined {
  if (!stackJson || typeof stackJson !== "object") return undefined;
  const stack = inlineForEachLocals(stackJson as Record<string, unknown>);
  const forEach = (stack as { resource?: { aws_connect_user?: { connect_users?: { for_each?: unknown } } } })?.resource?.aws_connect_user?.connect_users
    ?.for_each;
  return forEach && typeof forEach === "object" && !Array.isArray(forEach) ? Object.keys(forEach).length : undefined;
}

/** Every stack the app wrote into `outdir` for the bench environment (main stack, then users stacks by number), by name. */
export function readSynthesizedStacks(outdir: string): Record<string, unknown> {
  const dir = path.join(outdir, "stacks");
  const stacks = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .map((name) => ({ name, parsed: parseStackName(name) }))
    .filter(({ parsed }) => parsed?.environment === BENCH_ENV)
    .sort((a, b) => a.parsed!.stack - b.parsed!.stack);
  return Object.fromEntries(stacks.map(({ name }) => [name, JSON.parse(fs.readFileSync(path.join(dir, name, "cdk.tf.json"), "utf8")) as unknown]));
}
