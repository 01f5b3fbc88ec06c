/**
 * One command-line contract: every `npm run` command answers --help (and -h) with its usage on
 * stdout and exit 0, and writes nothing (make-metadata once wrote a file named --help).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { asksForHelp } from "../lib/tools/io";
import { REPO } from "./support/environments";
import { scriptCommand } from "./support/script-bundles";
import { makeTempDir, removeTempDir } from "./support/terraform";

const scripts = Object.entries(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).scripts as Record<string, string>)
  .map(([name, command]) => [name, /^node --import tsx scripts\/([\w-]+)\.ts$/.exec(command)?.[1]] as const)
  .filter((entry): entry is readonly [string, string] => entry[1] !== undefined);

let work: string;
beforeAll(() => (work = makeTempDir("help")));
afterAll(() => removeTempDir(work));

test("GIVEN package.json WHEN its commands are listed THEN every script of scripts/ is one, make-metadata aside", () => {
  expect(scripts.map(([, file]) => file).sort()).toEqual(
    fs
      .readdirSync(path.join(REPO, "scripts"))
      .map((f) => f.replace(/\.ts$/, ""))
      .filter((f) => f !== "make-metadata")
      .sort(),
  );
});

test.each([...scripts.map(([, file]) => file), "make-metadata"])(
  "GIVEN %s WHEN asked for --help THEN it prints its usage on stdout, exits 0 and writes nothing",
  (file) => {
    const { args, env } = scriptCommand(file);
    // -h is the same test (asksForHelp, below): one process a command keeps the fast lane fast.
    for (const flag of ["--help"]) {
      const result = spawnSync(process.execPath, [...args, flag], { cwd: work, encoding: "utf8", env: { ...process.env, ...env, CI: "" }, timeout: 60_000 });
      expect({
        file,
        flag,
        code: result.status,
        stderr: result.stderr.replace(/.*(NodeDeprecation|AWS SDK|node >=22|a\.co\/|trace-warnings|^\s*$).*\n?/gm, ""),
      }).toEqual({ file, flag, code: 0, stderr: "" });
      expect(result.stdout).toMatch(/usage:/);
    }
    expect(fs.readdirSync(work)).toEqual([]);
  },
);

test("GIVEN -h or --help anywhere on a command line WHEN asked THEN it is a request for help; other words are not", () => {
  expect([["-h"], ["dev", "--help"], ["--helpful"], ["help"]].map(asksForHelp)).toEqual([true, true, false, false]);
});
