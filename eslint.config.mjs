// Lint, and the direction of dependencies (docs/concepts/architecture.md, "Layout"): each layer imports only the layers
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
const FS = ["^(node:)?(fs|child_process|https?|http2|net|tls|dgram|dns|worker_threads)(/.*)?$", "pure rules read no files, run nothing and reach no network"];
const AWS_SDK = ["^@aws-sdk/", "constructs and stacks make no AWS calls: what they need comes as props"];
const SCRIPTS = ["(^|/)scripts(/|$)", "scripts/ are entry points: nothing of the product imports them"];
const CONFIG = ["(^|/)config(/|$)", "rules sit below the configuration"];
const MODULES = ["(^|/)modules(/|$)", "a lower layer must not import the constructs"];
const STACKS = ["(^|/)stacks(/|$)", "a lower layer must not import the stacks"];
const SYNTH = ["(^|/)synth(/|$)", "only the synth pipeline and the tools import lib/synth"];
const TOOLS = ["(^|/)tools(/|$)", "nothing on the synth path imports the tools (review, drift, pipeline, sign-in, …)"];
const DEVTOOLS = [
  "(^|/)devtools(/|$)",
  "lib/devtools (bench, plan cost, checks, references, example metadata) serves the developers: nothing of the product imports it",
];

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
  forbid(["lib/rules/**/*.ts"], [CDKTF, FS, CONFIG, MODULES, STACKS, SYNTH, TOOLS, DEVTOOLS, SCRIPTS]),
  forbid(["lib/config/**/*.ts"], [CDKTF, MODULES, STACKS, SYNTH, TOOLS, DEVTOOLS, SCRIPTS]),
  forbid(["modules/**/*.ts"], [CONFIG, STACKS, SYNTH, TOOLS, DEVTOOLS, AWS_SDK, SCRIPTS]),
  forbid(["stacks/**/*.ts"], [SYNTH, TOOLS, DEVTOOLS, AWS_SDK, SCRIPTS]),
  forbid(["lib/synth/**/*.ts", "main.ts"], [TOOLS, DEVTOOLS, SCRIPTS]),
  forbid(["lib/tools/**/*.ts"], [DEVTOOLS, SCRIPTS]),
  forbid(["lib/devtools/**/*.ts"], [SCRIPTS]),
);
