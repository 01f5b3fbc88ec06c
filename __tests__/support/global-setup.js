/**
 * One folder per test run for what test files share across workers (the examples' synthesized
 * stacks): made before the first worker starts, removed after the last ends.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

module.exports = async function globalSetup() {
  process.env.CONNECT_SSO_TEST_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-test-cache-"));
};
