/**
 * Reads the environment files of a folder into checked environments, or every problem found.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { closest } from "fastest-levenshtein";
import { isMap, isScalar, type Document } from "yaml";
import { z } from "zod";
import { defaultIamName, defaultStateKey, ENVIRONMENT_NAME, partitionOf } from "../rules/naming";
import { DEFAULT_USERS_PER_STACK } from "../rules/sharding";
import type { Environment } from "./environment";
import { checkMetadata, decodeMetadata, METADATA_MAX_BYTES, type MetadataCheck, type Refusal } from "./metadata";
import { displayPath, fieldPath, given, hasErrors, type Problem } from "./problems";
import { environmentFileSchema, user, type EnvironmentFile } from "./schema";
import { decodeUtf8, fastParse, parseWithPositions } from "./yaml";
import { checkAcrossEnvironments, checkEnvironmentFields, pipelineWarnings, shardingWarnings } from "./validate";

export interface LoadResult {
  /** Environments without errors (all of them only when `problems` has no error). */
  readonly environments: Environment[];
  readonly problems: Problem[];
}

/** Environments whose name starts with `prod` are protected unless their file says otherwise. */
export function defaultProtected(environment: string): boolean {
  return /^prod/.test(environment);
}

/** Reads a file next to the environment file: its text, undefined when it does not exist, or why it is refused. */
export type ReadRelative = (relativePath: string) => string | undefined | Refusal;

export interface ParseInput {
  /** Environment name (the file name without extension). */
  readonly name: string;
  /** The file as shown in messages. */
  readonly file: string;
  readonly text: string;
  /** Certificates are checked against this instant. */
  readonly now: Date;
  readonly readRelative: ReadRelative;
}

/** Checks one environment file's text; never throws for bad input. */
export function parseEnvironment(input: ParseInput): { environment?: Environment; problems: Problem[] } {
  const fast = fastParse(input.text);
  if (fast) {
    const result = checkData(input, fast.value, () => undefined);
    if (!hasErrors(result.problems)) return result;
  }
  // Errors (or text the fast reader leaves alone) are read again with positions, for line numbers.
  const yaml = parseWithPositions(input.text);
  const syntax: Problem[] = yaml.errors.map((e) => ({
    severity: "error",
    file: input.file,
    line: e.line,
    path: "",
    message: `YAML syntax: ${e.message}${e.line ? ` (line ${e.line}, column ${e.column})` : ""}`,
  }));
  if (!yaml.value.ok) {
    if (yaml.value.reason) syntax.push({ severity: "error", file: input.file, path: "", message: `YAML: ${yaml.value.reason}` });
    return { problems: [...nameProblems(input), ...syntax] };
  }
  return checkData(input, yaml.value.data, (segments) => lineAt(yaml.doc, segments, yaml.lineOf));
}

function nameProblems(input: ParseInput): Problem[] {
  if (ENVIRONMENT_NAME.test(input.name)) return [];
  return [
    {
      severity: "error",
      file: input.file,
      path: "",
      message: `file name ${JSON.stringify(input.name)} is not a valid environment name; allowed: 1..31 of a-z 0-9 -, starting with a letter, not ending in -users-<n>, -bootstrap or -identity-center (it names the stack connect-sso-<name>; those endings name an environment's other stacks)`,
    },
  ];
}

/** Schema, field and metadata checks of a file's data; `lineOfField` gives a field's line when positions are known. */
function checkData(
  input: ParseInput,
  raw: unknown,
  lineOfField: (segments: ReadonlyArray<PropertyKey>) => number | undefined,
): { environment?: Environment; problems: Problem[] } {
  const problems: Problem[] = nameProblems(input);
  const add = (segments: ReadonlyArray<PropertyKey>, message: string, severity: Problem["severity"] = "error") =>
    problems.push({ severity, file: input.file, line: lineOfField(segments), path: fieldPath(segments), message });

  if (raw === null || raw === undefined || typeof raw !== "object" || Array.isArray(raw)) {
    problems.push({
      severity: "error",
      file: input.file,
      path: "",
      message: `must be a YAML mapping of keys (account, region, connect, ssoApplication, users, ...); found ${raw === null || raw === undefined ? "an empty file" : given(raw)}`,
    });
    return { problems };
  }
  const parsed = environmentFileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const known = knownKeys(issue.path);
        for (const key of issue.keys) {
          const guess = known.length ? closest(key, known) : undefined;
          add([...issue.path, key], `unknown key${guess ? `; did you mean ${JSON.stringify(guess)}?` : ""} Allowed here: ${known.join(", ")}`);
        }
      } else {
        const missing = issue.input === undefined;
        add(issue.path, missing ? `is required; ${issue.message}` : `${issue.message}; given: ${given(issue.input)}`);
      }
    }
    // Every problem of every file in one run: the checks across fields also run on the parts that
    // parsed; what they say because of a refused part (its marker shows in the message) is left out.
    const { file: rest, refused } = partlyParsed(raw as Record<string, unknown>);
    const inRefused = (at: ReadonlyArray<PropertyKey>) => refused.some((r) => r.every((k, i) => at[i] === k));
    try {
      for (const p of checkEnvironmentFields(rest)) if (!p.message.includes(REFUSED) && !inRefused(p.path)) add(p.path, p.message);
    } catch {
      // A check that cannot read the rest of a partly refused file speaks once the fields above are fixed.
    }
    return { problems };
  }
  const file = parsed.data;
  for (const p of checkEnvironmentFields(file)) add(p.path, p.message);
  for (const p of [...shardingWarnings(input.name, file), ...pipelineWarnings(file)]) add(p.path, p.message, "warning");

  const metadata = checkMetadataFile(input, file, (message, severity) => add(["ssoApplication", "metadataFile"], message, severity));
  if (problems.some((p) => p.severity === "error")) return { problems };

  return { environment: resolve(input, file, metadata!.xml, metadata!.check.certificates), problems };
}

/** Stands in for a part of a file the schema refused, so that checks of the other parts can run. */
const REFUSED = "\u0000refused\u0000";
/** A refused part: every property of it is REFUSED too, and it reads as REFUSED in a message. */
const REFUSED_PART: unknown = new Proxy({}, { get: (_, key) => (key === Symbol.toPrimitive || key === "toString" ? () => REFUSED : REFUSED) });

/**
 * A file whose every top-level key, and every user, is parsed on its own (defaults applied); a
 * part that does not parse is REFUSED_PART, and its path is listed.
 */
function partlyParsed(raw: Record<string, unknown>): { file: EnvironmentFile; refused: Array<ReadonlyArray<PropertyKey>> } {
  const refused: Array<ReadonlyArray<PropertyKey>> = [];
  const part = (schema: z.ZodType, value: unknown, at: ReadonlyArray<PropertyKey>) => {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    refused.push(at);
    return REFUSED_PART;
  };
  const file: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(environmentFileSchema.shape)) {
    file[key] = key === "users" && Array.isArray(raw.users) ? raw.users.map((u, i) => part(user, u, ["users", i])) : part(schema, raw[key], [key]);
  }
  return { file: file as EnvironmentFile, refused };
}

/**
 * Reads and checks the metadata file an environment names, reporting each problem; undefined when
 * it cannot be read. The text is what IAM gets: without a byte-order mark.
 */
function checkMetadataFile(
  input: ParseInput,
  file: EnvironmentFile,
  report: (message: string, severity: Problem["severity"]) => void,
): { xml: string; check: MetadataCheck } | undefined {
  const metadataPath = file.ssoApplication.metadataFile;
  const read = input.readRelative(metadataPath);
  if (read === undefined) {
    report(`file not found: ${JSON.stringify(metadataPath)} (paths are relative to the environment file)`, "error");
    return undefined;
  }
  if (typeof read !== "string") {
    report(`${metadataPath} ${read.refused}`, "error");
    return undefined;
  }
  const xml = read.replace(/^\uFEFF/, "");
  const partition = partitionOf(file.region);
  const check = checkMetadata(xml, input.now, partition && { partition, region: file.identityCenter?.region ?? file.region });
  for (const message of check.errors) report(`${metadataPath} ${message}`, "error");
  for (const message of check.warnings) report(`${metadataPath} ${message}`, "warning");
  return { xml, check };
}

function resolve(input: ParseInput, file: EnvironmentFile, metadataXml: string, certificates: Environment["ssoApplication"]["certificates"]): Environment {
  const { instanceId, create } = file.connect;
  return {
    name: input.name,
    file: input.file,
    account: file.account,
    region: file.region,
    partition: partitionOf(file.region)!,
    protected: file.protected ?? defaultProtected(input.name),
    tags: file.tags ?? {},
    backend: file.backend && { ...file.backend.s3, key: file.backend.s3.key ?? defaultStateKey(input.name) },
    pipeline: file.pipeline && { ...file.pipeline, stateKmsKeyId: file.pipeline.stateKmsKeyId ?? file.backend?.s3.kmsKeyId },
    connect: instanceId ? { kind: "existing", instanceId } : { kind: "create", ...create! },
    manageHierarchyGroups: file.connect.manageHierarchyGroups,
    hierarchyGroupIds: file.connect.hierarchyGroupIds,
    ssoApplication: { ...file.ssoApplication, metadataXml, certificates },
    iam: {
      samlProviderName: file.iam.samlProviderName ?? defaultIamName(input.name),
      roleName: file.iam.roleName ?? defaultIamName(input.name),
    },
    identityCenter: { createUsers: false, ...file.identityCenter, region: file.identityCenter?.region ?? file.region },
    adopt: {
      samlProvider: file.adopt?.samlProvider ?? false,
      role: file.adopt?.role ?? false,
      users: file.adopt?.users === "all" ? file.users.map((u) => u.username) : (file.adopt?.users ?? []),
      userIds: file.adopt?.userIds ?? {},
    },
    sharding: file.sharding ?? { stacks: 0, usersPerStack: DEFAULT_USERS_PER_STACK },
    users: file.users,
  };
}

/** Reads every `*.yaml` / `*.yml` file of a folder; problems of all files are reported together. */
export function loadEnvironments(options: {
  readonly dir: string;
  readonly now: Date;
  readonly cwd?: string;
  /** A folder without environment files is an error (false: a pipeline of a team with none yet). @default true */
  readonly emptyIsError?: boolean;
}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const shown = (p: string) => displayPath(cwd, p);
  const dirShown = shown(options.dir);
  let names: string[];
  try {
    names = fs
      .readdirSync(options.dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch {
    return {
      environments: [],
      problems: [
        {
          severity: "error",
          file: dirShown,
          path: "",
          message: "environment folder not found (set CONNECT_SSO_ENVIRONMENTS to the folder of your <env>.yaml files)",
        },
      ],
    };
  }
  if (names.length === 0) {
    if (options.emptyIsError === false) return { environments: [], problems: [] };
    return {
      environments: [],
      problems: [
        {
          severity: "error",
          file: dirShown,
          path: "",
          message: "has no environment files: add <env>.yaml (npm run new-env, or see examples/environments/dev.yaml)",
        },
      ],
    };
  }
  const environments: Environment[] = [];
  const problems: Problem[] = [];
  const byName = new Map<string, string>();
  for (const fileName of names) {
    const full = path.join(options.dir, fileName);
    const name = fileName.replace(/\.ya?ml$/, "");
    const duplicate = byName.get(name);
    if (duplicate) {
      problems.push({
        severity: "error",
        file: shown(full),
        path: "",
        message: `environment ${name} is also defined by ${duplicate}; keep one file per environment`,
      });
      continue;
    }
    byName.set(name, shown(full));
    const text = decodeUtf8(fs.readFileSync(full));
    if (typeof text !== "string") {
      problems.push({ severity: "error", file: shown(full), path: "", message: text.refused });
      continue;
    }
    const result = parseEnvironment({
      name,
      file: shown(full),
      text,
      now: options.now,
      readRelative: (relative) => readMetadataFile(options.dir, shown, relative),
    });
    problems.push(...result.problems);
    if (result.environment) environments.push(result.environment);
  }
  for (const p of checkAcrossEnvironments(environments)) {
    problems.push({ severity: "error", file: p.environment.file, path: p.path, message: p.message });
  }
  return { environments, problems };
}

/**
 * Reads a metadata file named relative to the environment folder `dir` (paths in messages via `shown`): it
 * must stay inside that folder once symlinks are followed, be a regular file of at most
 * METADATA_MAX_BYTES (checked before reading), and decode (see decodeMetadata).
 */
export function readMetadataFile(dir: string, shown: (file: string) => string, relative: string): string | undefined | Refusal {
  const allowed = `allowed: a path relative to the environment file that stays inside ${shown(dir)}`;
  if (path.isAbsolute(relative)) return { refused: `is an absolute path; ${allowed}` };
  let real: string;
  try {
    real = fs.realpathSync(path.resolve(dir, relative));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    return { refused: `cannot be resolved (${code ?? (error as Error).message}); ${allowed}` };
  }
  const inside = path.relative(fs.realpathSync(dir), real);
  if (inside === ".." || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    return { refused: `resolves to ${shown(real)} (symlinks followed), outside the environment folder; ${allowed}` };
  }
  let fd: number;
  try {
    // Non-blocking, so a named pipe is refused below instead of waiting for a writer.
    fd = fs.openSync(real, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    return { refused: `cannot be opened (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { refused: "is not a regular file; allowed: the metadata XML file" };
    if (stat.size > METADATA_MAX_BYTES) {
      return { refused: `is ${stat.size} bytes, so it was not read; allowed: at most ${METADATA_MAX_BYTES} bytes (IAM's limit in characters)` };
    }
    return decodeMetadata(fs.readFileSync(fd));
  } finally {
    fs.closeSync(fd);
  }
}

/** Line of the node at a field path, or of its nearest existing parent. */
function lineAt(doc: Document, segments: ReadonlyArray<PropertyKey>, lineOf: (offset: number | undefined) => number | undefined): number | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const parent = n > 0 ? doc.getIn(segments.slice(0, n - 1), true) : undefined;
    // An unknown or misspelt key has no value node worth pointing at: point at the key itself.
    if (n > 0 && isMap(parent)) {
      const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === segments[n - 1]);
      if (pair && isScalar(pair.key)) return lineOf(pair.key.range?.[0]);
    }
    const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineOf(node.range[0]);
  }
  return undefined;
}

/** Keys the schema allows for the object at a field path (for "did you mean"). */
function knownKeys(segments: ReadonlyArray<PropertyKey>): string[] {
  let schema: z.ZodType | undefined = environmentFileSchema;
  const unwrap = (s: z.ZodType | undefined): z.ZodType | undefined => {
    while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
    return s;
  };
  for (const segment of segments) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodObject) schema = (schema.shape as Record<string, z.ZodType>)[String(segment)];
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}
