/** Tests run TypeScript through swc (no type-check: `npm run typecheck` does that). */
const swc = ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }];

module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // __tests__/scale/ holds what only the scale lane runs (npm run test:scale, nightly): whole test
  // runs inside copies of the project, which would double npm test's time.
  testPathIgnorePatterns: ["/node_modules/", ...(process.env.CONNECT_SSO_SCALE === "full" ? [] : ["/__tests__/scale/"])],
  transform: { "^.+\\.(t|j)s$": swc },
  // GitHub's workflow parser and expression evaluator ship as ES modules only (importing JSON
  // without attributes, for bundlers), and jest resolves marked to its ES module build: jest maps
  // them to their files and swc makes them CommonJS.
  moduleNameMapper: {
    "^@actions/(workflow-parser|expressions)$": "<rootDir>/node_modules/@actions/$1/dist/index.js",
    "^@actions/(workflow-parser|expressions)/(.+)$": "<rootDir>/node_modules/@actions/$1/dist/$2.js",
  },
  transformIgnorePatterns: ["/node_modules/(?!(@actions|marked)/)"],
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
  globalSetup: "<rootDir>/__tests__/support/global-setup.js",
  testSequencer: "<rootDir>/__tests__/support/sequencer.js",
  globalTeardown: "<rootDir>/__tests__/support/global-teardown.js",
  testTimeout: 120000,
  // Terraform and moto tests are mostly child processes, and some wait on the provider (an S3
  // lifecycle configuration is polled for a minute): three workers keep two cores busy (four
  // overload them: calls to moto time out and retried creates meet their own first attempt).
  maxWorkers: 3,
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
