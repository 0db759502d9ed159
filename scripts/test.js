"use strict";
/**
 * `npm test` / `npm run test:unit`: the type-check (`tsc --noEmit`) and jest, run side by side
 * instead of one after the other. tsc is single-threaded and takes ~5-7 s; started first, it
 * overlaps jest's start-up and first files instead of delaying them (see bench/README.md). The run
 * fails when either fails; tsc's diagnostics are printed after jest's report.
 *
 *   node scripts/test.js [--unit] [jest arguments...]
 *
 * --unit: everything except the tests that run terraform (__tests__/terraform/ and *.e2e.test.ts).
 */
const { spawn } = require("child_process");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const UNIT_EXCLUDES = ["--testPathIgnorePatterns", "__tests__/terraform/", "\\.e2e\\.test\\.ts$"];

const args = process.argv.slice(2);
const unit = args.includes("--unit");
const jestArgs = [...(unit ? UNIT_EXCLUDES : []), ...args.filter((a) => a !== "--unit")];

function start(name, script, scriptArgs, capture) {
  const child = spawn(process.execPath, [require.resolve(script, { paths: [ROOT] }), ...scriptArgs], {
    cwd: ROOT,
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
  });
  let output = "";
  if (capture) {
    child.stdout.on("data", (b) => (output += b));
    child.stderr.on("data", (b) => (output += b));
  }
  return new Promise((resolve) => {
    child.on("error", (error) => resolve({ name, code: 1, output: `${name}: ${error.message}\n` }));
    child.on("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output }));
  });
}

async function main() {
  const started = Date.now();
  const typecheck = start("tsc --noEmit", "typescript/bin/tsc", ["--noEmit", "-p", ROOT], true);
  const jest = start("jest", "jest/bin/jest", jestArgs, false);
  const [tsc, tests] = await Promise.all([typecheck, jest]);
  if (tsc.code !== 0) process.stderr.write(`\n${tsc.output}\n✖ tsc --noEmit failed (exit ${tsc.code})\n`);
  else process.stderr.write(`✔ tsc --noEmit: no type errors\n`);
  process.stderr.write(`${unit ? "unit tests" : "tests"}: ${((Date.now() - started) / 1000).toFixed(1)} s wall\n`);
  process.exit(tsc.code !== 0 ? tsc.code : tests.code);
}

main();
