import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { EnvironmentConfig } from "../environments/config";

/**
 * Configures the state backend from the environment config.
 * - local: `terraform.<env>.tfstate` in the project root (the stack runs in cdktf.out/stacks/<env>),
 *   written as a relative path so the synthesized JSON is the same on every machine.
 * - s3: encrypted state at `<project>/<env>/terraform.tfstate` (or the configured key) with S3-native
 *   locking. cdktf 0.21's S3Backend has no `use_lockfile` option, so it is added as an override.
 *   Offline (OFFLINE_PLAN=1: fake credentials, which S3 would refuse at `terraform init`) an S3
 *   backend becomes a throwaway local state, `terraform.<env>.offline.tfstate`: an offline plan then
 *   starts from an empty state (everything shows as created). Never apply offline.
 */
export function configureBackend(stack: TerraformStack, env: EnvironmentConfig, options: { readonly offline?: boolean } = {}): void {
  const backend = env.backend;
  if (backend.type === "local" || options.offline) {
    const file = backend.type === "local" ? `terraform.${env.name}.tfstate` : `terraform.${env.name}.offline.tfstate`;
    new LocalBackend(stack, { path: `../../../${file}` });
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
