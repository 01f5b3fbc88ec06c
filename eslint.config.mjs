// Lint, and the direction of dependencies (README "Layout"): each layer imports only the layers
// below it. Type-only imports are allowed upward where a lower layer names a model type.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** A restriction on what a folder's files may import. */
const forbid = (files, patterns) => ({
  files,
  rules: {
    "@typescript-eslint/no-restricted-imports": ["error", { patterns: patterns.map(([regex, message]) => ({ regex, message, allowTypeImports: true })) }],
  },
});

const CDKTF = ["^(cdktf|constructs|@cdktf/.*)$", "pure rules and configuration do not build constructs"];
const FS = ["^(node:)?(fs|child_process)$", "pure rules read no files and run nothing"];
const CONFIG = ["(^|/)config(/|$)", "rules sit below the configuration"];
const MODULES = ["(^|/)modules(/|$)", "a lower layer must not import the constructs"];
const STACKS = ["(^|/)stacks(/|$)", "a lower layer must not import the stacks"];
const SYNTH = ["(^|/)synth(/|$)", "only the synth pipeline and the tools import lib/synth"];
const TOOLS = ["(^|/)tools(/|$)", "nothing on the synth path imports the tools (review, drift, pipeline, plan cost, bench)"];

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", "coverage/", ".bench/", "__tests__/fixtures/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  // Tests read terraform's and AWS's JSON as it comes.
  { files: ["__tests__/**/*.ts"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  forbid(["lib/rules/**/*.ts"], [CDKTF, FS, CONFIG, MODULES, STACKS, SYNTH, TOOLS]),
  forbid(["lib/config/**/*.ts"], [CDKTF, MODULES, STACKS, SYNTH, TOOLS]),
  forbid(["modules/**/*.ts"], [STACKS, SYNTH, TOOLS]),
  forbid(["stacks/**/*.ts"], [SYNTH, TOOLS]),
  forbid(["lib/synth/**/*.ts", "main.ts"], [TOOLS]),
);
