/**
 * `npm run users -- <command> …`: the CSV commands (import, export: ../users-csv/cli.ts) and the
 * commands that read AWS (import-live: ./live.ts). Usage and exit codes: ./environment-file.ts.
 */
import { asksForHelp, readCommandLine, type ToolIo, type ToolOptions } from "../io";
import { runUsers } from "../users-csv/cli";
import { failure, placeOf, USAGE, UsageError } from "./environment-file";
import { importLive, type LiveClients } from "./live";

export interface UsersCliOptions extends ToolOptions {
  /** AWS clients (tests, the bench); default: the SDK's, from its usual chain. */
  readonly clients?: LiveClients;
}

/** Runs one command; returns the exit code. Never throws for bad input or a source that cannot be read. */
export async function runUsersCli(argv: ReadonlyArray<string>, variables: NodeJS.ProcessEnv, io: ToolIo, options: UsersCliOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "import-live") return runUsers(argv, variables, io, options);
  if (asksForHelp(rest)) {
    io.out(USAGE + "\n");
    return 0;
  }
  const place = placeOf(variables, options.cwd ?? process.cwd(), options.now ?? new Date());
  try {
    const { positionals } = readCommandLine([...rest], {}, (message) => new UsageError(`${command}: ${message}`));
    if (positionals.length !== 1) throw new UsageError(`${command} takes <env>; given ${positionals.length} argument(s)`);
    return await importLive(positionals[0], place, io, options.clients);
  } catch (error) {
    return failure(error, io);
  }
}
