import { parseArgs, type ParseArgsConfig } from "node:util";
/**
 * Where a command-line tool writes: `out` its result (stdout), `err` each line of progress or of a
 * problem (stderr). scripts/ pass the process streams; tests pass collectors.
 */
export interface ToolIo {
  readonly out: (text: string) => void;
  readonly err: (line: string) => void;
}

/**
 * Every command's entry, the one shape scripts/ call: its command line, the environment variables,
 * and where it writes (`out`: text as is; `err`: one line). Returns the exit code (docs/reference/commands.md).
 */
export type ToolMain = (argv: string[], variables: NodeJS.ProcessEnv, io: ToolIo) => number | Promise<number>;

/**
 * Runs a command as its npm script: on the process's streams, with its exit code. A user's mistake
 * is the command's own to report; anything it throws is a defect, said in one line (no stack
 * trace) with exit 1.
 */
export function runScript(name: string, main: ToolMain): void {
  const io: ToolIo = { out: (text) => process.stdout.write(text), err: (line) => process.stderr.write(`${line}\n`) };
  Promise.resolve()
    .then(() => main(process.argv.slice(2), process.env, io))
    .then(
      (code) => (process.exitCode = code),
      (error: unknown) => {
        process.stderr.write(`${name}: unexpected failure: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
}

/** A line-writing function over `io.out` (for commands that print their result line by line). */
export const lines = (io: ToolIo) => (line: string) => io.out(`${line}\n`);

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
