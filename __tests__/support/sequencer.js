"use strict";
// jest testSequencer: the known-slow files (real terraform) start first, then jest's own order
// (failed first, then longest first from its cache, else largest file first). On a fresh clone
// jest has no timings and orders by file size, which puts the small terraform files last: the
// run then ends with two workers waiting on terraform. See bench/README.md.
const Sequencer = require("@jest/test-sequencer").default;

const SLOW_FIRST = [/[\\/]__tests__[\\/]plan[\\/]plan-cli\.e2e\.test\.ts$/, /[\\/]__tests__[\\/]terraform[\\/]prod\.test\.ts$/, /[\\/]__tests__[\\/]terraform[\\/]/];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const ordered = super.sort(tests);
    const rank = (test) => {
      const index = SLOW_FIRST.findIndex((pattern) => pattern.test(test.path));
      return index < 0 ? SLOW_FIRST.length : index;
    };
    return [...ordered].sort((a, b) => rank(a) - rank(b)); // stable: jest's order within a rank
  }
}

module.exports = SlowFirstSequencer;
