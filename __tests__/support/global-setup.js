/**
 * What a test run shares across its workers, made before the first worker starts: a folder for
 * the examples' synthesized stacks and the scripts' bundles (support/script-bundles.ts), and the
 * broker of pooled aws providers (support/provider-pool.ts); global-teardown.js ends them after
 * the last worker.
 */
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { startProviderBroker } = require("./provider-pool");
const { bundleScripts } = require("./script-bundles");

module.exports = async function globalSetup() {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), "connect-sso-test-cache-"));
  process.env.CONNECT_SSO_TEST_CACHE = cache;
  // The plain lane (npm run test:plain, CONNECT_SSO_PLAIN=1) runs scripts through tsx and terraform with its own providers.
  if (process.env.CONNECT_SSO_PLAIN !== "1") {
    await bundleScripts(path.join(cache, "bundles"));
    process.env.CONNECT_SSO_SCRIPT_BUNDLES = path.join(cache, "bundles");
  }
  const broker = await startProviderBroker();
  if (broker) {
    process.env.CONNECT_SSO_PROVIDER_BROKER = broker.url;
    globalThis.connectSsoProviderBroker = broker;
  }
};
