/**
 * The layout's import rules (eslint.config.mjs): each forbidden import is refused in the folder it
 * is forbidden in, and allowed where the layering allows it (each rule can fire, and fires only
 * where it should). ESLint lints text as if it were a file of the folder.
 */
import { execFileSync } from "node:child_process";
import { REPO } from "./support/environments";

const REFUSED: ReadonlyArray<readonly [string, string, RegExp]> = [
  ["lib/rules/x.ts", 'import { x } from "node:fs/promises";', /pure rules read no files, run nothing and reach no network/],
  ["lib/rules/x.ts", 'import { x } from "node:https";', /reach no network/],
  ["lib/rules/x.ts", 'import { x } from "node:child_process";', /run nothing/],
  ["lib/rules/x.ts", 'import { x } from "../config/load";', /rules sit below the configuration/],
  ["modules/x.ts", 'import { x } from "@aws-sdk/client-iam";', /constructs and stacks make no AWS calls/],
  ["modules/x.ts", 'import { x } from "../scripts/make-metadata";', /scripts\/ are entry points/],
  ["modules/x.ts", 'import { x } from "../lib/config/metadata";', /rules sit below the configuration/],
  ["stacks/x.ts", 'import { x } from "@aws-sdk/client-connect";', /make no AWS calls/],
  ["lib/synth/x.ts", 'import { x } from "../tools/review/gate";', /nothing on the synth path imports the tools/],
  ["lib/tools/x.ts", 'import { x } from "../../scripts/doctor";', /scripts\/ are entry points/],
  ["lib/tools/x.ts", 'import { x } from "../devtools/reference/generate";', /serves the developers: nothing of the product imports it/],
  ["lib/synth/x.ts", 'import { x } from "../devtools/plan-cost/model";', /serves the developers/],
  ["lib/config/x.ts", 'import { x } from "../devtools/make-metadata";', /serves the developers/],
  ["lib/devtools/x.ts", 'import { x } from "../../scripts/bench";', /scripts\/ are entry points/],
];
const ALLOWED: ReadonlyArray<readonly [string, string]> = [
  ["lib/tools/x.ts", 'import { x } from "node:https";'],
  ["lib/config/x.ts", 'import { x } from "node:fs";'],
  ["modules/x.ts", 'import type { x } from "../lib/config/environment";'],
  ["modules/x.ts", 'import { x } from "../lib/rules/iam-limits";'],
  ["lib/devtools/x.ts", 'import { x } from "../tools/drift/compare";'],
  ["lib/devtools/x.ts", 'import { x } from "../synth/security/pack";'],
];

/** Every case linted by ESLint's API in one process (it loads its .mjs config by dynamic import, which jest's VM refuses). */
const messages: string[][] = JSON.parse(
  execFileSync(
    process.execPath,
    [
      "-e",
      `const { ESLint } = require("eslint");
       const cases = JSON.parse(process.argv[1]);
       const eslint = new ESLint({ cwd: process.cwd() });
       Promise.all(cases.map(async ([file, code]) => {
         const [result] = await eslint.lintText(code + "\\nexport const used = x;\\n", { filePath: process.cwd() + "/" + file });
         return result.messages.filter((m) => m.ruleId === "@typescript-eslint/no-restricted-imports").map((m) => m.message);
       })).then((all) => process.stdout.write(JSON.stringify(all)));`,
      JSON.stringify([...REFUSED, ...ALLOWED].map(([file, code]) => [file, code])),
    ],
    { cwd: REPO, encoding: "utf8" },
  ),
);

test.each(REFUSED.map((c, i) => [...c, i] as const))("GIVEN %s importing %s WHEN linted THEN the layering refuses it", (_file, _code, message, i) => {
  expect(messages[i]).toEqual([expect.stringMatching(message)]);
});

test.each(ALLOWED.map((c, i) => [...c, REFUSED.length + i] as const))("GIVEN %s importing %s WHEN linted THEN the layering allows it", (_file, _code, i) => {
  expect(messages[i]).toEqual([]);
});
