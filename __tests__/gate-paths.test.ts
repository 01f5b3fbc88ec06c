/**
 * The gate's own files (lib/rules/gate-paths.ts): every file the gate's commands run is one of
 * them; CODEOWNERS covers them, the environments and the identity lock; and a change that brings
 * one needs `consent: tooling <path>` in the review, judged by the code before the change.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { GATE_PATHS, isGatePath } from "../lib/rules/gate-paths";
import { runReview } from "../lib/tools/review/cli";
import { REPO } from "./support/environments";
import { makeTempDir, removeTempDir } from "./support/terraform";

/** The project's files a TypeScript file imports, followed through relative imports. */
function importClosure(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = fs.readFileSync(path.join(REPO, entry), "utf8");
  for (const [, spec] of source.matchAll(/(?:from|import)\s+["'](\.{1,2}\/[^"']+)["']/g)) {
    const base = path.join(path.dirname(entry), spec);
    const file = [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => fs.existsSync(path.join(REPO, f)) && fs.statSync(path.join(REPO, f)).isFile());
    if (!file) throw new Error(`${entry} imports ${spec}, which is no file`);
    importClosure(file, seen);
  }
  return seen;
}

test("GIVEN the commands that plan, read consents and judge WHEN their imports are followed THEN every file is a gate file", () => {
  const files = ["review", "consents", "pipeline", "changed-stacks"].flatMap((s) => [...importClosure(`scripts/${s}.ts`)]);
  expect(files.length).toBeGreaterThan(20);
  expect(files.filter((f) => !isGatePath(f))).toEqual([]);
  // The gate runs none of the developer tools: a bench or checks change never alters a verdict.
  expect(files.filter((f) => f.startsWith("lib/devtools/"))).toEqual([]);
  expect(isGatePath("environments/prod.yaml")).toBe(false);
  expect(isGatePath("lib/tools/review/gate.ts")).toBe(true);
  expect(isGatePath("package.json.bak")).toBe(false);
});

test("GIVEN CODEOWNERS WHEN read THEN it covers every gate path, the environments and the identity lock", () => {
  const owned = fs
    .readFileSync(path.join(REPO, ".github", "CODEOWNERS"), "utf8")
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("#"))
    .map((line) => line.split(/\s+/));
  expect(owned.every((words) => words.length >= 2 && words.slice(1).every((o) => /^@[\w.-]+(\/[\w.-]+)?$/.test(o)))).toBe(true);
  const patterns = owned.map(([pattern]) => pattern);
  expect(patterns).toEqual(expect.arrayContaining([...GATE_PATHS.map((p) => `/${p}`), "/environments/", "/environments/identity.lock.json"]));
});

describe("a change to the gate's own files is a gated change", () => {
  let repo: string;
  let base: string;
  let head: string;
  const git = (...args: string[]) => {
    const result = spawnSync("git", ["-c", "user.name=T", "-c", "user.email=t@example.com", ...args], { cwd: repo, encoding: "utf8" });
    if (result.status !== 0) throw new Error(result.stderr);
    return result.stdout.trim();
  };
  const review = (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const cwd = process.cwd();
    process.chdir(repo);
    try {
      const code = runReview(
        args,
        (t) => out.push(t),
        (t) => err.push(t),
      );
      return { code, out: out.join("\n"), err: err.join("\n") };
    } finally {
      process.chdir(cwd);
    }
  };

  beforeAll(() => {
    repo = makeTempDir("gate-paths");
    git("init", "-q", "-b", "main");
    fs.mkdirSync(path.join(repo, "lib", "tools", "review"), { recursive: true });
    fs.mkdirSync(path.join(repo, "environments"), { recursive: true });
    fs.writeFileSync(path.join(repo, "lib", "tools", "review", "gate.ts"), "export const strict = true;\n");
    fs.writeFileSync(path.join(repo, "environments", "prod.yaml"), "account: '111122223333'\n");
    git("add", "-A");
    git("commit", "-q", "-m", "base");
    base = git("rev-parse", "HEAD");
    fs.writeFileSync(path.join(repo, "lib", "tools", "review", "gate.ts"), "export const strict = process.env.GITHUB_JOB !== 'gate';\n");
    fs.writeFileSync(path.join(repo, "environments", "prod.yaml"), "account: '111122223333' # ours\n");
    git("commit", "-q", "-am", "weaken the gate");
    head = git("rev-parse", "HEAD");
  });
  afterAll(() => removeTempDir(repo));

  test("GIVEN a change that edits the gate's code WHEN reviewed with --since the base THEN it needs consent for that file alone, and the comment says so", () => {
    const result = review(["--since", base, "--head", head]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("consent: tooling lib/tools/review/gate.ts");
    expect(result.err).not.toContain("environments/prod.yaml");
    expect(result.out).toMatch(/## The gate itself[\s\S]*Gate file `lib\/tools\/review\/gate\.ts` changes how every change is judged/);
  });

  test("GIVEN the tooling consent WHEN reviewed THEN it passes", () => {
    expect(review(["--since", base, "--head", head, "--consent", "tooling:lib/tools/review/gate.ts"]).code).toBe(0);
  });

  test("GIVEN a --since that is not in the history WHEN reviewed THEN the review cannot judge and exits 2", () => {
    const result = review(["--since", "0".repeat(40), "--head", head]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot compare 000000000000 with .*fetch-depth: 0/);
  });
});
