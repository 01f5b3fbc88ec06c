/**
 * Test order: the integration files that take longest, or wait longest, start first (a bootstrap
 * apply idles a minute on the provider's S3 lifecycle polling; the rehearsal runs a workflow end to
 * end), so they overlap the rest instead of ending the run alone. Jest orders by the last run's
 * durations when its cache has them and by file size otherwise, as on a fresh clone; this list
 * holds either way. Every other file keeps jest's order.
 */
const path = require("node:path");
const Sequencer = require("@jest/test-sequencer").default;

const SLOW_FIRST = [
  "bootstrap-terraform",
  "rehearsal-adversary",
  "rehearsal",
  "identity-center-account",
  "s3-state",
  "plan-cost",
  "hierarchy",
  "bootstrap-rights",
  "fast-refresh",
  "drift",
].map((name) => path.join("__tests__", "integration", `${name}.test.ts`));

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const at = SLOW_FIRST.findIndex((file) => test.path.endsWith(file));
      return at < 0 ? SLOW_FIRST.length : at;
    };
    return [...super.sort(tests)].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;
