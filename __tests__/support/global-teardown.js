/** Removes the run's shared folder (see global-setup.js). */
const fs = require("node:fs");

module.exports = async function globalTeardown() {
  const dir = process.env.CONNECT_SSO_TEST_CACHE;
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
};
