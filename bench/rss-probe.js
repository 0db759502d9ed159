"use strict";
// Loaded through NODE_OPTIONS=--require by the benchmark: writes this process's peak resident set
// size (KiB, from getrusage) to $BENCH_RSS_DIR/<pid> when it exits.
const dir = process.env.BENCH_RSS_DIR;
if (dir) {
  process.on("exit", () => {
    try {
      require("fs").writeFileSync(require("path").join(dir, String(process.pid)), String(process.resourceUsage().maxRSS));
    } catch {
      // best effort: a benchmark probe must never break the process it measures
    }
  });
}
