/**
 * `npm run users -- <command> …`: the CSV commands (import, export: ../users-csv/cli.ts) and the
 * commands that read AWS (import-live: ./live.ts; sync: ./sync.ts). Usage and exit codes:
 * ./environment-file.ts.
 */
import { asksForHelp, readCommandLine, type ToolIo, type ToolMain, type ToolOptions } from "../io";
import { runUsers } from "../users-csv/cli";
import { failure, placeOf, USAGE, UsageError } from "./environment-file";
import type { StoreAwsOptions } from "./identity-store";
import { importLive, type LiveClients } from "./live";
import { listSyncEnvironments, summaryPath, syncUsers } from "./sync";

export interface UsersCliOptions extends ToolOptions {
  /** AWS clients for import-live (tests, the bench); default: the SDK's, from its usual chain. */
  readonly clients?: LiveClients;
  /** Identity store endpoints, credentials or client for sync (tests, the bench); default: the SDK's. */
  readonly identityStore?: StoreAwsOptions;
}

const SYNC_OPTIONS = {
  group: { type: "string", multiple: true },
  "remove-departed": { type: "boolean" },
  summary: { type: "string" },
  list: { type: "boolean" },
} as const;

/** Runs one command; returns the exit code. Never throws for bad input or a source that cannot be read. */
export async function runUsersCli(argv: ReadonlyArray<string>, variables: NodeJS.ProcessEnv, io: ToolIo, options: UsersCliOptions = {}): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== "import-live" && command !== "sync") return runUsers(argv, variables, io, options);
  if (asksForHelp(rest)) {
    io.out(USAGE + "\n");
    return 0;
  }
  const cwd = options.cwd ?? process.cwd();
  const place = placeOf(variables, cwd, options.now ?? new Date());
  const refuse = (message: string) => new UsageError(`${command}: ${message}`);
  try {
    if (command === "import-live") {
      const { positionals } = readCommandLine([...rest], {}, refuse);
      if (positionals.length !== 1) throw new UsageError(`import-live takes <env>; given ${positionals.length} argument(s)`);
      return await importLive(positionals[0], place, io, options.clients);
    }
    const { values, positionals } = readCommandLine([...rest], SYNC_OPTIONS, refuse);
    if (values.list) {
      if (positionals.length > 0 || values.group || values["remove-departed"] || values.summary) throw new UsageError("sync --list takes nothing else");
      return listSyncEnvironments(place, io, cwd);
    }
    if (positionals.length !== 1) throw new UsageError(`sync takes <env>; given ${positionals.length} argument(s)`);
    const groups = values.group ?? [];
    const repeated = groups.find((g, i) => groups.indexOf(g) !== i);
    if (repeated !== undefined) throw new UsageError(`--group ${JSON.stringify(repeated)} is given twice`);
    return await syncUsers(
      positionals[0],
      place,
      io,
      { groups, removeDeparted: values["remove-departed"] ?? false, summary: summaryPath(values.summary, cwd, place) },
      options.identityStore,
    );
  } catch (error) {
    return failure(error, io);
  }
}

/** `npm run users`'s entry (ToolMain). */
export const usersMain: ToolMain = (argv, variables, io) => runUsersCli(argv, variables, io);
