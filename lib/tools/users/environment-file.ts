/**
 * What every `npm run users` command shares: the usage, finding an environment file, checking a
 * text as synth checks it, writing it whole or not at all, and the exit codes.
 *
 * Exit 0: done (or nothing to change); 1: a problem in a file or a source (nothing written);
 * 2: a bad command line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Environment } from "../../config/environment";
import { ENVIRONMENTS_DIR } from "../../config/environments-dir";
import { parseEnvironment, readMetadataFile } from "../../config/load";
import { displayPath, formatProblem, hasErrors, type Problem } from "../../config/problems";
import { decodeUtf8 } from "../../config/yaml";
import { ENVIRONMENT_NAME } from "../../rules/naming";
import type { ToolIo } from "../io";

export const COMMANDS = ["import", "export", "import-live", "sync"] as const;

export const USAGE = [
  "usage: npm run users -- import <file.csv> <env> [--replace]   merge the CSV's users into environments/<env>.yaml",
  "       npm run users -- export <env> [file.csv]               write the environment's users as CSV (to stdout without a file)",
  "       npm run users -- import-live <env>                     merge the users of the environment's Connect instance, adopted (imported, not created)",
  '       npm run users -- sync <env> [--group "<name>"]... [--remove-departed] [--summary <file.md>]',
  "                                                              merge the members of Identity Center groups (identityCenter.syncGroups)",
  "The CSV is the Amazon Connect console's bulk user upload template for SAML instances (UTF-8). --replace drops users the CSV does not name.",
  "import-live and sync read AWS with the SDK's credentials (sync through identityCenter.assumeRoleArn when set); docs/users-sync.md says how.",
  "The folder is CONNECT_SSO_ENVIRONMENTS (default: environments).",
].join("\n");

/** A bad command line: reported with the usage, exit 2. */
export class UsageError extends Error {}

/** Input the command cannot use (an unknown environment, a file that cannot be read): one line, exit 2. */
export class UnusableInput extends Error {}

/** A problem in a file or a source: reported, exit 1, nothing written. */
export class FileProblems extends Error {
  constructor(readonly problems: ReadonlyArray<Problem>) {
    super("file problems");
  }
}

/** A source (Connect, Identity Center, GitHub) that could not be read: reported, exit 1, nothing written. */
export class SourceError extends Error {}

/** Where the environment files are, how paths are shown, and the time certificates are checked at. */
export interface Place {
  readonly dir: string;
  readonly shown: (file: string) => string;
  readonly now: Date;
}

/** The folder is CONNECT_SSO_ENVIRONMENTS: the commands change the team's files, never the examples standing in for them. */
export function placeOf(variables: NodeJS.ProcessEnv, cwd: string, now: Date): Place {
  return { dir: path.resolve(cwd, variables.CONNECT_SSO_ENVIRONMENTS ?? ENVIRONMENTS_DIR), shown: (file) => displayPath(cwd, file), now };
}

/** An environment file: where it is, its text, and what it holds (checked as synth checks it). */
export interface LoadedFile {
  readonly file: string;
  readonly text: string;
  readonly environment: Environment;
  readonly warnings: Problem[];
}

export const problem = (file: string, message: string, where = ""): Problem => ({ severity: "error", file, path: where, message });

/** Finds `<dir>/<name>.yaml` (or `.yml`). */
export function environmentFile(name: string, place: Place): string {
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
export function check(name: string, file: string, text: string, place: Place): { environment: Environment; warnings: Problem[] } {
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

export function load(name: string, place: Place): LoadedFile {
  const file = environmentFile(name, place);
  const text = decodeUtf8(fs.readFileSync(file));
  if (typeof text !== "string") throw new FileProblems([problem(place.shown(file), text.refused)]);
  return { file, text, ...check(name, file, text, place) };
}

export function readBytes(file: string, shown: (file: string) => string): Buffer {
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
export function writeAtomically(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, text, { mode: fs.existsSync(file) ? fs.statSync(file).mode : 0o644 });
    fs.renameSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Checks an environment file's new text as synth would (each problem passed through `placed`, to
 * name where it came from), then writes it and prints the warnings; returns what it holds.
 */
export function writeChecked(name: string, env: LoadedFile, text: string, place: Place, io: ToolIo, placed = (p: Problem) => p): Environment {
  let result;
  try {
    result = check(name, env.file, text, place);
  } catch (error) {
    if (error instanceof FileProblems) throw new FileProblems(error.problems.map(placed));
    throw error;
  }
  writeAtomically(env.file, text);
  result.warnings.forEach((p) => io.err(formatProblem(p)));
  return result.environment;
}

/** The exit code of a refusal (reported on `io.err`); anything else is rethrown. */
export function failure(error: unknown, io: ToolIo): number {
  if (error instanceof UsageError || error instanceof UnusableInput) {
    io.err(`users: ${error.message}`);
    if (error instanceof UsageError) io.err(USAGE);
    return 2;
  }
  if (error instanceof FileProblems || error instanceof SourceError) {
    if (error instanceof FileProblems) error.problems.forEach((p) => io.err(formatProblem(p)));
    else io.err(`users: ${error.message}`);
    io.err("users: nothing written");
    return 1;
  }
  throw error;
}
