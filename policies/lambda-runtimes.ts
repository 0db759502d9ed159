/**
 * Lambda runtime deprecation dates: the one table to update when AWS publishes a date
 * (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, "Deprecation date": from
 * then on AWS stops patching the runtime). Used by guardrail WP-LAMBDA-001: a warning from
 * DEPRECATION_WARNING_DAYS before a runtime's date, an error from the date on.
 *
 * Runtimes in neither table are assumed supported (a new runtime AWS has not dated yet).
 */
export const RUNTIME_DEPRECATION: Readonly<Record<string, string>> = {
  "nodejs18.x": "2025-09-01", "nodejs20.x": "2026-04-30", "nodejs22.x": "2027-04-30", "nodejs24.x": "2028-04-30",
  "python3.9": "2025-12-15", "python3.10": "2026-06-30", "python3.11": "2026-06-30", "python3.12": "2028-10-31", "python3.13": "2029-06-30", "python3.14": "2029-06-30",
  "ruby3.2": "2026-03-31", "ruby3.3": "2027-03-31", "ruby3.4": "2028-03-31",
  "dotnet8": "2026-11-10", "dotnet10": "2028-11-14",
};

/** Runtimes retired long ago (always an error). */
export const RETIRED_RUNTIMES: readonly string[] = [
  "nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x", "nodejs16.x",
  "python2.7", "python3.6", "python3.7", "python3.8", "ruby2.5", "ruby2.7", "java8", "go1.x", "provided",
  "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet5.0", "dotnet6", "dotnet7",
];

/** How long before a runtime's deprecation date the guardrail starts warning. */
export const DEPRECATION_WARNING_DAYS = 90;

const DAY_MS = 24 * 60 * 60 * 1000;

export type RuntimeStatus =
  | { readonly state: "supported" }
  | { readonly state: "deprecating"; readonly date: string; readonly daysLeft: number }
  | { readonly state: "deprecated"; readonly date: string }
  | { readonly state: "retired" };

/** Where `runtime` stands on `now` (UTC dates). */
export function runtimeStatus(runtime: string, now: Date): RuntimeStatus {
  if (RETIRED_RUNTIMES.includes(runtime)) return { state: "retired" };
  const date = RUNTIME_DEPRECATION[runtime];
  if (date === undefined) return { state: "supported" };
  const deadline = Date.parse(`${date}T00:00:00Z`);
  if (now.getTime() >= deadline) return { state: "deprecated", date };
  const daysLeft = Math.ceil((deadline - now.getTime()) / DAY_MS);
  return daysLeft <= DEPRECATION_WARNING_DAYS ? { state: "deprecating", date, daysLeft } : { state: "supported" };
}
