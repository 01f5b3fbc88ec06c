import { parseArgs, type ParseArgsConfig } from "node:util";
/**
 * Where a command-line tool writes: `out` its result (stdout), `err` each line of progress or of a
 * problem (stderr). scripts/ pass the process streams; tests pass collectors.
 */
export interface ToolIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
}

/** What a tool reads from its surroundings, given by tests. */
export interface ToolOptions {
  /** The time certificates and responses are checked at. @default now */
  readonly now?: Date;
  /** Working directory for relative paths and messages. @default process.cwd() */
  readonly cwd?: string;
}

/**
 * A command line read with node:util's parseArgs (positionals allowed, unknown flags refused); its
 * refusal (an unknown flag, a missing value) is rethrown as `refuse(message)`, so that each command
 * reports it in its own words.
 */
export function readCommandLine<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, refuse: (message: string) => Error) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options });
  } catch (error) {
    // node:util's advice to quote a dash-led word after `--` is wrong under npm run, where that `--` is npm's.
    throw refuse((error as Error).message.replace(/\. To specify a positional argument starting with a '-'.*$/s, ""));
  }
}

/** Whether a command line asks for help (`--help` or `-h`): every command then prints its usage on stdout and exits 0. */
export const asksForHelp = (argv: ReadonlyArray<string>): boolean => argv.includes("--help") || argv.includes("-h");
