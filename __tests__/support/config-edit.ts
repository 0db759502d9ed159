import { EnvironmentConfig } from "../../environments/config";
import { validateEnvironment } from "../../environments/validate";

/** A writable deep copy type of a config, for tests that break one field. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A deep copy of `base` changed by `edit`, validated (when called) as if it were environments/<name>.ts. */
export function validateChanged(base: EnvironmentConfig, edit: (env: Mutable<EnvironmentConfig>) => void): () => EnvironmentConfig {
  const env = structuredClone(base) as Mutable<EnvironmentConfig>;
  edit(env);
  return () => validateEnvironment(env as EnvironmentConfig, `environments/${base.name}.ts`, base.name);
}

/** The one-line message of a config error in environments/<env>.ts. */
export const configError = (env: string, detail: string): string => `Invalid environment config environments/${env}.ts (environment "${env}"): ${detail}`;
