/**
 * `npm run users -- import <file.csv> <env> [--replace]` and `npm run users -- export <env> [file]`:
 * the environment file's users to and from the Connect console's bulk user upload CSV (SAML).
 *
 * Import reads the whole CSV, checks every cell, merges (./merge.ts) and checks the new file as
 * synth would; any problem is reported (all of them, each with its row, column, value and what is
 * allowed) and nothing is written. The file is replaced through a temporary file and a rename.
 * Export writes the CSV to the file (the same way) or to stdout.
 *
 * Exit 0: done (or nothing to change); 1: a problem in a file (nothing written); 2: unusable input (a bad
 * command line, an unknown environment, a file that cannot be read).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../../config/environment";
import { ENVIRONMENTS_DIR } from "../../config/environments-dir";
import { parseEnvironment, readMetadataFile } from "../../config/load";
import { displayPath, formatProblem, hasErrors, type Problem } from "../../config/problems";
import { decodeUtf8 } from "../../config/yaml";
import { ENVIRONMENT_NAME } from "../../rules/naming";
import { EXTRA_COLUMNS, TEMPLATE_COLUMNS } from "./columns";
import { usersToCsv } from "./export";
import { mergeUsers, type MergeResult } from "./merge";
import { cellPath, readUsersCsv } from "./read";
import { readCommandLine, type ToolIo, type ToolOptions } from "../io";

export const USAGE = [
  "usage: npm run users -- import <file.csv> <env> [--replace]   merge the CSV's users into environments/<env>.yaml",
  "       npm run users -- export <env> [file.csv]               write the environment's users as CSV (to stdout without a file)",
  "The CSV is the Amazon Connect console's bulk user upload template for SAML instances (UTF-8). --replace drops users the CSV does not name.",
  "The folder is CONNECT_SSO_ENVIRONMENTS (default: environments).",
].join("\n");

/** `out`: the CSV of an export without a file. */
export type UsersIo = ToolIo;
/** `now`: the metadata file's certificates are checked against it. */
export type UsersOptions = ToolOptions;

class UsageError extends Error {}
/** Input the command cannot use (an unknown environment, a file that cannot be read): one line, exit 2. */
class UnusableInput extends Error {}

/** A problem in a file: reported, exit 1, nothing written. */
class FileProblems extends Error {
  constructor(readonly problems: ReadonlyArray<Problem>) {
    super("file problems");
  }
}

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
    // Import and export change the team's files: never the examples standing in for them.
    const dir = path.resolve(cwd, variables.CONNECT_SSO_ENVIRONMENTS ?? ENVIRONMENTS_DIR);
    const shown = (file: string) => displayPath(cwd, file);
    if (command === "import") {
      if (rest.length !== 2) throw new UsageError(`import takes <file.csv> <env>; given ${rest.length} argument(s)`);
      return importUsers(path.resolve(cwd, rest[0]), rest[1], { dir, shown, now, replace: values.replace ?? false }, io);
    }
    if (values.replace) throw new UsageError("--replace belongs to import");
    if (command === "export") {
      if (rest.length < 1 || rest.length > 2) throw new UsageError(`export takes <env> [file.csv]; given ${rest.length} argument(s)`);
      return exportUsers(rest[0], rest[1] && path.resolve(cwd, rest[1]), { dir, shown, now }, io);
    }
    throw new UsageError(command === undefined ? "no command given" : `unknown command ${JSON.stringify(command)}; allowed: import, export`);
  } catch (error) {
    if (error instanceof UsageError || error instanceof UnusableInput) {
      io.err(`users: ${error.message}`);
      if (error instanceof UsageError) io.err(USAGE);
      return 2;
    }
    if (error instanceof FileProblems) {
      error.problems.forEach((p) => io.err(formatProblem(p)));
      io.err("users: nothing written");
      return 1;
    }
    throw error;
  }
}

function readArguments(argv: ReadonlyArray<string>) {
  return readCommandLine([...argv], { replace: { type: "boolean" }, help: { type: "boolean", short: "h" } }, (message) => new UsageError(message));
}

interface Place {
  readonly dir: string;
  readonly shown: (file: string) => string;
  readonly now: Date;
}

/** An environment file: where it is, its text, and what it holds (checked as synth checks it). */
interface LoadedFile {
  readonly file: string;
  readonly text: string;
  readonly environment: Environment;
  readonly warnings: Problem[];
}

const problem = (file: string, message: string, where = ""): Problem => ({ severity: "error", file, path: where, message });

/** Finds `<dir>/<name>.yaml` (or `.yml`). */
function environmentFile(name: string, place: Place): string {
  if (!ENVIRONMENT_NAME.test(name))
    throw new UsageError(`${JSON.stringify(name)} is not an environment name; allowed: 1..31 of a-z 0-9 -, starting with a letter`);
  const found = [".yaml", ".yml"].map((ext) => path.join(place.dir, name + ext)).filter((f) => fs.existsSync(f));
  if (found.length === 0) {
    const known = fs.existsSync(place.dir)
      ? fs
          .readdirSync(place.dir)
          .filter((n) => /\.ya?ml$/.test(n))
          .sort()
      : [];
    throw new UnusableInput(
      `unknown environment ${JSON.stringify(name)}: ${place.shown(place.dir)} has ${known.length ? known.map((n) => n.replace(/\.ya?ml$/, "")).join(", ") : "no environment files"}`,
    );
  }
  if (found.length > 1)
    throw new FileProblems([problem(place.shown(found[1]), `environment ${name} is also defined by ${place.shown(found[0])}; keep one file`)]);
  return found[0];
}

/** Checks an environment file's text as synth does; throws FileProblems on errors. */
function check(name: string, file: string, text: string, place: Place): { environment: Environment; warnings: Problem[] } {
  const result = parseEnvironment({
    name,
    file: place.shown(file),
    text,
    now: place.now,
    readRelative: (relative) => readMetadataFile(place.dir, place.shown, relative),
  });
  if (!result.environment || hasErrors(result.problems)) throw new FileProblems(result.problems);
  return { environment: result.environment, warnings: result.problems };
}

function load(name: string, place: Place): LoadedFile {
  const file = environmentFile(name, place);
  const text = decodeUtf8(fs.readFileSync(file));
  if (typeof text !== "string") throw new FileProblems([problem(place.shown(file), text.refused)]);
  return { file, text, ...check(name, file, text, place) };
}

function readBytes(file: string, shown: (file: string) => string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UnusableInput(
      `${shown(file)}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder, not a file" : `cannot be read (${code ?? (error as Error).message})`}`,
    );
  }
}

/** Writes through a temporary file in the same folder and a rename, so a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode: fs.existsSync(file) ? fs.statSync(file).mode : 0o644 });
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
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
  let merged: MergeResult;
  try {
    merged = mergeUsers({ text: env.text, current: env.environment.users, csv: csv.users, fields: csv.fields, replace: options.replace });
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
  let result;
  try {
    result = check(name, env.file, merged.text, options);
  } catch (error) {
    if (error instanceof FileProblems) throw new FileProblems(error.problems.map((p) => onCell(p, merged, csvFile)));
    throw error;
  }
  writeAtomically(env.file, merged.text);
  result.warnings.forEach((p) => io.err(formatProblem(p)));
  io.err(`users: ${options.shown(env.file)}: ${summary}; ${result.environment.users.length} users`);
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
