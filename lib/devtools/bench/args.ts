/** The bench's command line (see USAGE), read with node:util parseArgs. */
import { parseArgs } from "node:util";
import { TARGET_USERS } from "./report";

export type Method = "time" | "preload";

export interface BenchArgs {
  /** Timed runs of the baseline and of each size. */
  readonly runs: number;
  /** Users counts to synthesize and time. */
  readonly sizes: ReadonlyArray<number>;
  /** Exit 1 when a target for TARGET_USERS users is missed. */
  readonly check: boolean;
  /** Keep the temporary folder (environments, synth output). */
  readonly keep: boolean;
  /** Forced measuring method; undefined = /usr/bin/time when it works, else preload. */
  readonly method?: Method;
  /** Users counts of the plan-cost table; empty = no plan-cost section (--no-plan-cost). */
  readonly planSizes: ReadonlyArray<number>;
  /** Users per users stack in the plan-cost table; undefined = the model's recommendation. */
  readonly usersPerStack?: number;
}

export const USAGE =
  "usage: npm run bench -- [--runs N] [--sizes 5,500,5000,20000] [--method time|preload] [--check] [--keep] [--plan-sizes 500,5000,20000] [--users-per-stack N] [--no-plan-cost]";

/** Bad input on the command line: the message names the argument and what is allowed. */
export class BenchArgsError extends Error {}

const DEFAULTS: BenchArgs = { runs: 3, sizes: [5, 500, 5000, 20000], check: false, keep: false, planSizes: [500, 5000, 20000] };

const OPTIONS = {
  runs: { type: "string" },
  sizes: { type: "string" },
  method: { type: "string" },
  check: { type: "boolean" },
  keep: { type: "boolean" },
  "plan-sizes": { type: "string" },
  "users-per-stack": { type: "string" },
  "no-plan-cost": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

function wholeNumber(flag: string, value: string, max?: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || (max !== undefined && n > max))
    throw new BenchArgsError(`${flag} ${JSON.stringify(value)}: allowed: a whole number ${max === undefined ? ">= 1" : `1..${max}`}`);
  return n;
}

function sizeList(flag: string, value: string): number[] {
  const sizes = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 99999)) {
    throw new BenchArgsError(`${flag} ${JSON.stringify(value)}: allowed: comma-separated whole numbers 1..99999`);
  }
  return sizes;
}

/**
 * The bench's arguments, or "help" for --help/-h; throws a BenchArgsError on anything else it does
 * not know. Flags apply in order (a later --sizes or --no-plan-cost overrides an earlier one).
 */
export function parseBenchArgs(argv: ReadonlyArray<string>): BenchArgs | "help" {
  // Not strict: every argument comes back as a token, so each refusal below names it in this tool's words.
  const { tokens } = parseArgs({ args: [...argv], options: OPTIONS, strict: false, tokens: true });
  let args: BenchArgs = DEFAULTS;
  for (const token of tokens) {
    if (token.kind !== "option" || !Object.hasOwn(OPTIONS, token.name)) throw new BenchArgsError(`unknown argument ${JSON.stringify(argv[token.index])}`);
    const flag = `--${token.name}`;
    const name = token.name as keyof typeof OPTIONS;
    if (OPTIONS[name].type === "boolean" && token.value !== undefined) throw new BenchArgsError(`${flag} takes no value`);
    const value = () => {
      if (token.value === undefined) throw new BenchArgsError(`${flag} needs a value`);
      return token.value;
    };
    switch (name) {
      case "help":
        return "help";
      case "runs":
        args = { ...args, runs: wholeNumber(flag, value()) };
        break;
      case "sizes":
        args = { ...args, sizes: sizeList(flag, value()) };
        break;
      case "plan-sizes":
        args = { ...args, planSizes: sizeList(flag, value()) };
        break;
      case "no-plan-cost":
        args = { ...args, planSizes: [] };
        break;
      case "users-per-stack":
        args = { ...args, usersPerStack: wholeNumber(flag, value(), 99999) };
        break;
      case "method": {
        const method = value();
        if (method !== "time" && method !== "preload") throw new BenchArgsError(`--method ${JSON.stringify(method)}: allowed: time | preload`);
        args = { ...args, method };
        break;
      }
      case "check":
        args = { ...args, check: true };
        break;
      case "keep":
        args = { ...args, keep: true };
        break;
    }
  }
  if (args.check && !args.sizes.includes(TARGET_USERS)) throw new BenchArgsError(`--check needs ${TARGET_USERS} among --sizes`);
  return args;
}
