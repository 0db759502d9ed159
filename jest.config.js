/**
 * Jest transpiles with SWC (no type-checking: `tsc --noEmit` does that once, before jest, in
 * `npm test`). One file synthesizes each stack once and shares it across its assertions.
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
  maxWorkers: 2,
  testTimeout: 30000,
};
