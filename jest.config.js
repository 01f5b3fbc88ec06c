/** Tests run TypeScript through swc (no type-check: `npm run typecheck` does that). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } } }] },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup.ts"],
  testTimeout: 120000,
  // Terraform and moto tests are mostly child processes: two workers keep both cores busy.
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/__tests__/support/summary-reporter.js"],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
};
