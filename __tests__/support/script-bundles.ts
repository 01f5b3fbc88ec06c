/**
 * The project's scripts (scripts/*.ts and main.ts) as one bundle each, built once per test run
 * (global-setup.js) by the esbuild that tsx itself runs on: tests run a script hundreds of times,
 * and tsx's loader costs about 0.35 s of CPU per start (0.55 s against 0.2 s for `pipeline`).
 * Only the project's own code is bundled: packages load from node_modules as usual (NODE_PATH),
 * except those published as ES modules only, which esbuild makes CommonJS as tsx does.
 * Without a bundle folder (CONNECT_SSO_SCRIPT_BUNDLES unset) scripts run through tsx.
 */
import { execSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO } from "./tools";

/** Where bundled scripts find their packages (NODE_PATH). */
const NODE_MODULES = path.join(REPO, "node_modules");

/** This run's bundle folder, or undefined (global-setup.js sets it). */
const bundlesDir = (): string | undefined => process.env.CONNECT_SSO_SCRIPT_BUNDLES;

/** Packages without a CommonJS entry (they go into the bundle). */
const ES_MODULE_ONLY = new Set(["marked", "@actions/workflow-parser", "@actions/expressions"]);

/**
 * A shell command printing a fingerprint of the TypeScript sources a bundle is built from, run in a
 * project folder. The npm shim runs a bundle only in a checkout whose sources match, so a commit
 * that changes the code (a pull request that edits the gate) runs its own code, as on GitHub.
 */
const SOURCES_FINGERPRINT = "find main.ts lib scripts modules stacks -type f -name '*.ts' 2>/dev/null | LC_ALL=C sort | xargs sha256sum | sha256sum";

/** Builds the bundles into `dir` (`dir/scripts/<name>.js`, `dir/main.js`) and records the sources' fingerprint beside them. */
export async function bundleScripts(dir: string): Promise<void> {
  // The esbuild tsx depends on (not a dependency of the project's own).
  const esbuild = (await import(require.resolve("esbuild", { paths: [path.dirname(require.resolve("tsx/package.json"))] }))) as typeof import("esbuild");
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")) as Record<string, Record<string, string>>;
  const packages = [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)].filter((name) => !ES_MODULE_ONLY.has(name));
  const scripts = fs.readdirSync(path.join(REPO, "scripts")).filter((f) => f.endsWith(".ts"));
  await esbuild.build({
    entryPoints: [path.join(REPO, "main.ts"), ...scripts.map((f) => path.join(REPO, "scripts", f))],
    outdir: dir,
    outbase: REPO,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    external: packages.flatMap((name) => [name, `${name}/*`]),
    logLevel: "error",
  });
  fs.writeFileSync(path.join(dir, "sources.sha256"), execSync(SOURCES_FINGERPRINT, { cwd: REPO, encoding: "utf8", shell: "/bin/bash" }));
}

/**
 * `node` arguments and extra variables that run `script` (a file of scripts/, without `.ts`):
 * its bundle when the run has them, else through tsx as `npm run` does.
 */
export function scriptCommand(script: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const bundles = bundlesDir();
  const bundle = bundles && path.join(bundles, "scripts", `${script}.js`);
  if (bundle && fs.existsSync(bundle)) return { args: [bundle], env: { NODE_PATH: NODE_MODULES } };
  return {
    args: ["--import", pathToFileURL(path.join(NODE_MODULES, "tsx", "dist", "loader.mjs")).href, path.join(REPO, "scripts", `${script}.ts`)],
    env: {},
  };
}

/**
 * A folder holding an `npm` for the workflow rehearsal's PATH: `npm run [-s] <name> [-- args]`
 * whose script in the folder's package.json is `node --import tsx <file>.ts` runs that file's
 * bundle (printing npm's banner unless -s) when the folder's sources are those the bundles were
 * built from, so package.json still decides what each step runs; any other npm command, a run
 * without a bundle, or a checkout with other sources, is the real npm. Returns the folder, or
 * undefined when the run has no bundles.
 */
export function npmShim(dir: string): string | undefined {
  const bundles = bundlesDir();
  const realNpm = (process.env.PATH ?? "")
    .split(path.delimiter)
    .map((folder) => path.join(folder, "npm"))
    .find((file) => fs.existsSync(file));
  if (!bundles || !realNpm) return undefined;
  fs.mkdirSync(dir, { recursive: true });
  const shim = `#!/usr/bin/env bash
# Test run only (__tests__/support/script-bundles.ts): npm run of a tsx script runs its bundle.
set -euo pipefail
original=("$@")
if [ "\${1:-}" = run ] && [ -f package.json ]; then
  shift; silent=""
  if [ "\${1:-}" = -s ]; then silent=1; shift; fi
  name="\${1:-}"; shift || true
  if [ "\${1:-}" = -- ]; then shift; fi
  IFS=$'\\t' read -r package version script < <(jq -r --arg n "$name" '[.name, .version, (.scripts[$n] // "")] | @tsv' package.json)
  if [[ "$script" =~ ^node\\ --import\\ tsx\\ ([A-Za-z0-9/_.-]+)\\.ts$ ]] && [ -f ${JSON.stringify(bundles)}/"\${BASH_REMATCH[1]}.js" ] &&
     [ "$(${SOURCES_FINGERPRINT})" = "$(cat ${JSON.stringify(bundles)}/sources.sha256)" ]; then
    if [ -z "$silent" ]; then printf '\\n> %s@%s %s\\n> %s\\n\\n' "$package" "$version" "$name" "$script"; fi
    NODE_PATH=${JSON.stringify(NODE_MODULES)} exec node ${JSON.stringify(bundles)}/"\${BASH_REMATCH[1]}.js" "$@"
  fi
fi
exec ${JSON.stringify(realNpm)} "\${original[@]}"
`;
  fs.writeFileSync(path.join(dir, "npm"), shim, { mode: 0o755 });
  return dir;
}
