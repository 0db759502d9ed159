/**
 * Jest transpiles with SWC (no type-checking: `tsc --noEmit` does that once, alongside jest, in
 * `npm test`). One file synthesizes each stack once and shares it across its assertions.
 *
 * - testSequencer: the terraform files first (see support/sequencer.js).
 * - workerIdleMemoryLimit: a worker that has grown past it is replaced before its next file. Every
 *   test file loads its own copy of cdktf, the provider classes and the AWS SDK, and not all of it
 *   is freed afterwards (`--detectLeaks` flags the files that start HTTP servers: dynalite,
 *   s3rver); without recycling, workers reached ~430 MB of heap by the end of the run, ran slower
 *   (GC) and, in about half of the full runs, missed jest's 500 ms exit deadline ("A worker
 *   process has failed to exit gracefully") although no handle was left open
 *   (`--detectOpenHandles` and a check of the active handles after every file found none).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/support/setup-jest.ts"],
  testSequencer: "<rootDir>/__tests__/support/sequencer.js",
  maxWorkers: 2,
  workerIdleMemoryLimit: "350MB",
  testTimeout: 30000,
};
