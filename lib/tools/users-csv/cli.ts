/**
 * `npm run users -- import <file.csv> <env> [--replace]` and `npm run users -- export <env> [file]`:
 * the environment file's users to and from the Connect console's bulk user upload CSV (SAML).
 *
 * Import reads the whole CSV, checks every cell, merges (./merge.ts) and checks the new file as
 * synth would; any problem is reported (all of them, each with its row, column, value and what is
 * allowed) and nothing is written. The file is replaced through a temporary file and a rename.
 * Export writes the CSV to the file (the same way) or to stdout.
 *
 * Exit codes: ../users/environment-file.ts. `import-live` and `sync` are in ../users/.
 */
import * as path from "node:path";
import { given, type Problem } from "../../config/problems";
import {
  COMMANDS,
  failure,
  FileProblems,
  load,
  placeOf,
  problem,
  readBytes,
  USAGE,
  UsageError,
  writeAtomically,
  writeChecked,
  type Place,
} from "../users/environment-file";
import { EXTRA_COLUMNS, TEMPLATE_COLUMNS } from "./columns";
import { usersToCsv } from "./export";
import { mergeUsers, type MergeResult } from "./merge";
import { cellPath, readUsersCsv } from "./read";
import { readCommandLine, type ToolIo, type ToolOptions } from "../io";

export { USAGE } from "../users/environment-file";

/** `out`: the CSV of an export without a file. */
export type UsersIo = ToolIo;
/** `now`: the metadata file's certificates are checked against it. */
export type UsersOptions = ToolOptions;

/** Runs one command; returns the exit code. Never throws for bad input. */
export function runUsers(argv: ReadonlyArray<string>, variables: NodeJS.ProcessEnv, io: UsersIo, options: UsersOptions = {}): number {
  const cwd = options.cwd ?? process.cwd();
  const now = options.now ?? new Date();
  try {
    const { values, positionals } = readArguments(argv);
    if (values.help) {
      io.out(USAGE + "\n");
      return 0;
    }
    const [command, ...rest] = positionals;
    const place = placeOf(variables, cwd, now);
    if (command === "import") {
      if (rest.length !== 2) throw new UsageError(`import takes <file.csv> <env>; given ${rest.length} argument(s)`);
      return importUsers(path.resolve(cwd, rest[0]), rest[1], { ...place, replace: values.replace ?? false }, io);
    }
    if (values.replace) throw new UsageError("--replace belongs to import");
    if (command === "export") {
      if (rest.length < 1 || rest.length > 2) throw new UsageError(`export takes <env> [file.csv]; given ${rest.length} argument(s)`);
      return exportUsers(rest[0], rest[1] && path.resolve(cwd, rest[1]), place, io);
    }
    throw new UsageError(command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}; allowed: ${COMMANDS.join(", ")}`);
  } catch (error) {
    return failure(error, io);
  }
}

function readArguments(argv: ReadonlyArray<string>) {
  return readCommandLine([...argv], { replace: { type: "boolean" }, help: { type: "boolean", short: "h" } }, (message) => new UsageError(message));
}

const COLUMN_OF_FIELD = new Map([...TEMPLATE_COLUMNS, ...EXTRA_COLUMNS].map((c) => [c.field as string, c.header]));

/** A problem of the merged file placed on the CSV cell it came from, when it is about a CSV user's field. */
function onCell(p: Problem, merged: MergeResult, csvFile: string): Problem {
  const match = /^users\[(\d+)\]\.(\w+)/.exec(p.path);
  const row = match && merged.rowOfIndex.get(Number(match[1]));
  const header = match && COLUMN_OF_FIELD.get(match[2]);
  return row && header ? { ...p, file: csvFile, line: undefined, path: cellPath(row, header) } : p;
}

function importUsers(csvPath: string, name: string, options: Place & { readonly replace: boolean }, io: UsersIo): number {
  const csvFile = options.shown(csvPath);
  const env = load(name, options);
  const csv = readUsersCsv(readBytes(csvPath, options.shown), {
    file: csvFile,
    manageHierarchyGroups: env.environment.manageHierarchyGroups ?? false,
    environmentFile: options.shown(env.file),
  });
  if (csv.problems.length > 0) throw new FileProblems(csv.problems);
  // Identity Center matches user names ignoring case, Connect exactly: said here in the CSV's words (the merged file's check would say it in the file's).
  const inFile = new Map(env.environment.users.map((u) => [u.username.toLowerCase(), u.username]));
  const clashes = csv.users.flatMap(({ row, user }) => {
    const other = inFile.get(user.username.toLowerCase());
    if (other === undefined || other === user.username) return [];
    const message = `differs from ${JSON.stringify(other)}, a user of ${options.shown(env.file)}, only in case; user names must be unique, ignoring case: write it as ${JSON.stringify(other)}; given: ${given(user.username)}`;
    return [problem(csvFile, message, cellPath(row, COLUMN_OF_FIELD.get("username")!))];
  });
  if (clashes.length > 0) throw new FileProblems(clashes);
  let merged: MergeResult;
  try {
    merged = mergeUsers({
      text: env.text,
      current: env.environment.users,
      incoming: csv.users,
      fields: csv.fields,
      // An empty hierarchy cell leaves the user's group alone (a spreadsheet of names must not clear every group); --replace clears it.
      keepWhenEmpty: new Set(options.replace ? [] : ["hierarchyGroup"]),
      replace: options.replace,
    });
  } catch (error) {
    throw new FileProblems([
      problem(
        options.shown(env.file),
        `users cannot be edited in place: ${(error as Error).message}; write users as a block list, one "- username: ..." per user`,
        "users",
      ),
    ]);
  }
  const summary = `${merged.added} added, ${merged.updated} updated, ${merged.removed} removed`;
  if (merged.text === env.text) {
    io.err(`users: ${options.shown(env.file)}: no changes (${csv.users.length} CSV users match the file)`);
    return 0;
  }
  const written = writeChecked(name, env, merged.text, options, io, (p) => onCell(p, merged, csvFile));
  io.err(`users: ${options.shown(env.file)}: ${summary}; ${written.users.length} users`);
  return 0;
}

function exportUsers(name: string, target: string | undefined, place: Place, io: UsersIo): number {
  const env = load(name, place);
  const written = usersToCsv(env.environment.users);
  if ("problems" in written) throw new FileProblems(written.problems.map((message) => problem(place.shown(env.file), message)));
  if (target === undefined) io.out(written.csv);
  else {
    writeAtomically(target, written.csv);
    io.err(`users: ${place.shown(target)}: ${env.environment.users.length} users`);
  }
  return 0;
}
