/**
 * What a test run shares across its workers, made before the first worker starts: a folder for
 * the examples' synthesized stacks, and the broker of pooled aws providers
 * (support/provider-pool.ts); global-teardown.js ends both after the last worker.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startProviderBroker } = require("./provider-pool");

module.exports = async function globalSetup() {
  process.env.CONNECT_SSO_TEST_CACHE = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-test-cache-"));
  const broker = await startProviderBroker();
  if (broker) {
    process.env.CONNECT_SSO_PROVIDER_BROKER = broker.url;
    globalThis.connectSsoProviderBroker = broker;
  }
};
