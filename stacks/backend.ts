import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { EnvironmentConfig } from "../environments/config";

/**
 * Configures the state backend from the environment config.
 * - local: `terraform.<env>.tfstate` in the project root (the stack runs in cdktf.out/stacks/<env>),
 *   written as a relative path so the synthesized JSON is the same on every machine.
 * - s3: encrypted state at `<project>/<env>/terraform.tfstate` (or the configured key) with S3-native
 *   locking. cdktf 0.21's S3Backend has no `use_lockfile` option, so it is added as an override.
 */
export function configureBackend(stack: TerraformStack, env: EnvironmentConfig): void {
  const backend = env.backend;
  if (backend.type === "local") {
    new LocalBackend(stack, { path: `../../../terraform.${env.name}.tfstate` });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: backend.key ?? `${env.project}/${env.name}/terraform.tfstate`,
    region: backend.region,
    encrypt: true,
  });
  s3.addOverride("use_lockfile", backend.useLockfile ?? true);
}
