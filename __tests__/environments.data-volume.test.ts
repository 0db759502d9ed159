import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { validateEnvironment } from "../environments/validate";

/** `base` with web.dataVolumeFinalSnapshot set to `value`, validated as environments/<name>.ts. */
const withFinalSnapshot = (base: EnvironmentConfig, value: unknown) => () =>
  validateEnvironment({ ...base, web: { ...base.web, dataVolumeFinalSnapshot: value } }, `environments/${base.name}.ts`, base.name);

describe("web.dataVolumeFinalSnapshot", () => {
  it("is per-environment data: off in dev, on in prod", () => {
    expect(dev.web.dataVolumeFinalSnapshot).toBe(false);
    expect(prod.web.dataVolumeFinalSnapshot).toBe(true);
    expect(withFinalSnapshot(dev, true)().web.dataVolumeFinalSnapshot).toBe(true);
  });

  it.each([
    ["missing", undefined, "missing"],
    ["a string", "yes", '"yes"'],
  ])("stops synth with one line when %s", (_, value, shown) => {
    expect(withFinalSnapshot(dev, value)).toThrow(
      `Invalid environment config environments/dev.ts (environment "dev"): web.dataVolumeFinalSnapshot is ${shown}; allowed: true, false.`,
    );
  });

  it("is required in a production environment, like the database's final snapshot", () => {
    expect(withFinalSnapshot(prod, false)).toThrow(
      'Invalid environment config environments/prod.ts (environment "prod"): web.dataVolumeFinalSnapshot is false; allowed: true in a production environment.',
    );
  });
});
