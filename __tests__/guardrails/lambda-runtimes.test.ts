/**
 * WP-LAMBDA-001 with an injected clock: a runtime is fine until 90 days before its deprecation
 * date, a warning (synth goes on) inside that window, and an error (synth stops) from the date on.
 * The dates live in one table, policies/lambda-runtimes.ts.
 */
import { evaluateStack } from "../../policies/engine";
import { DEPRECATION_WARNING_DAYS, RUNTIME_DEPRECATION, runtimeStatus } from "../../policies/lambda-runtimes";
import { findRule } from "../../policies/rules";
import { tf } from "./fixtures/helpers";

const rule = [findRule("WP-LAMBDA-001")!];
const fn = (runtime: string) => tf({ "aws_lambda_function.fn": { function_name: "f", runtime, handler: "index.handler", role: "arn:aws:iam::123456789012:role/r" } });
const at = (iso: string) => new Date(`${iso}T00:00:00Z`);
const verdict = (runtime: string, day: string) => {
  const report = evaluateStack(fn(runtime), { rules: rule, now: at(day) });
  return { verdict: report.results[0].verdict, message: report.results[0].message, ok: report.ok };
};

describe("WP-LAMBDA-001: Lambda runtime deprecation, by date", () => {
  const date = RUNTIME_DEPRECATION["nodejs22.x"]; // 2027-04-30

  it("passes more than 90 days before the deprecation date", () => {
    expect(date).toBe("2027-04-30");
    expect(DEPRECATION_WARNING_DAYS).toBe(90);
    expect(verdict("nodejs22.x", "2027-01-29")).toEqual({ verdict: "pass", message: undefined, ok: true }); // 91 days before
  });

  it("warns from 90 days before it, and the synth still passes", () => {
    expect(verdict("nodejs22.x", "2027-01-30")).toEqual({ verdict: "warning", message: "runtime nodejs22.x is deprecated on 2027-04-30 (in 90 days)", ok: true });
    expect(verdict("nodejs22.x", "2027-04-29")).toEqual({ verdict: "warning", message: "runtime nodejs22.x is deprecated on 2027-04-30 (in 1 days)", ok: true });
    const report = evaluateStack(fn("nodejs22.x"), { rules: rule, now: at("2027-03-01") });
    expect(report.results[0].severity).toBe("warning");
    expect(report.summary).toMatchObject({ warnings: 1, errors: 0 });
  });

  it("fails from the deprecation date on", () => {
    expect(verdict("nodejs22.x", "2027-04-30")).toEqual({ verdict: "error", message: "runtime nodejs22.x was deprecated on 2027-04-30", ok: false });
    expect(verdict("nodejs22.x", "2030-01-01").verdict).toBe("error");
  });

  it("always fails a retired runtime, and passes one that AWS has not dated", () => {
    expect(verdict("nodejs16.x", "2020-01-01").verdict).toBe("error");
    expect(runtimeStatus("nodejs99.x", at("2040-01-01"))).toEqual({ state: "supported" });
  });

  it("has a date for the runtime this project deploys", () => {
    expect(runtimeStatus("nodejs22.x", at("2027-02-01"))).toMatchObject({ state: "deprecating", date: "2027-04-30" });
  });
});
