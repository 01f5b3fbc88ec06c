/** Ends what global-setup.js made for the run: the shared folder and the pooled providers. */
const fs = require("node:fs");

module.exports = async function globalTeardown() {
  globalThis.connectSsoProviderBroker?.stop();
  const dir = process.env.CONNECT_SSO_TEST_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
