/**
 * Boot script of the web app on Amazon Linux 2023, run once per instance by cloud-init after the
 * data volume script (data-volume-user-data.ts) has mounted /data:
 * - installs Node.js 22 from the Amazon Linux repositories (`nodejs22`, binary /usr/bin/node-22),
 * - creates the unprivileged system user `webapp`,
 * - downloads the app bundle (one CommonJS file) from the artifacts bucket with the AWS CLI and
 *   refuses to use it unless its SHA-256 is the one the stack was synthesized with,
 * - writes /data/config/webapp.env (root:webapp 0640); the app creates its session secret there
 *   (0600) on its first start: both live on the data volume and survive instance replacement,
 * - installs, enables and starts the hardened `webapp.service` (see webAppUnit).
 *
 * Everything here is plain text: values known only after apply (bucket name, DB host, ...) are
 * passed as placeholders and substituted by the caller (user-data.ts, withPlaceholders). The
 * script avoids "${" and "%{", so no part of it reads as Terraform template syntax.
 */

/** Where the app's files live. Fixed by the cross-team contract (systemd EnvironmentFile, session secret, temp space). */
export const WEB_APP_PATHS = {
  configDir: "/data/config",
  environmentFile: "/data/config/webapp.env",
  sessionSecretFile: "/data/config/session-secret",
  tmpDir: "/data/tmp",
  appDir: "/opt/webapp",
  script: "/opt/webapp/server.js",
  node: "/usr/bin/node-22",
} as const;

export const WEB_APP_SERVICE = "webapp.service";
export const WEB_APP_USER = "webapp";
/** The Amazon Linux 2023 package that provides /usr/bin/node-22. */
export const NODEJS_PACKAGE = "nodejs22";

export interface WebAppBootOptions {
  /** Region of the artifacts bucket (the AWS CLI call). */
  readonly region: string;
  readonly artifactBucket: string;
  readonly artifactKey: string;
  /** Hex SHA-256 of the artifact (64 lowercase hex digits). */
  readonly artifactSha256: string;
  /** The app's environment (webapp.env), e.g. { PORT: "8080", UPLOADS_BUCKET: "..." }. */
  readonly environment: Readonly<Record<string, string>>;
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
/** Values written verbatim into a systemd EnvironmentFile and a quoted heredoc: no quoting, no expansion needed. */
const ENV_VALUE = /^[A-Za-z0-9@%+=:,./_-]*$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const S3_KEY = /^[A-Za-z0-9._/-]+$/;

/** The boot script (bash). Throws on a value that could not be written safely. */
export function webAppUserData(options: WebAppBootOptions): string {
  validate(options);
  const p = WEB_APP_PATHS;
  const envLines = Object.entries(options.environment).map(([name, value]) => `${name}=${value}`);
  return [
    "#!/bin/bash",
    "# Web app: Node.js 22, the sha256-checked app bundle, /data/config/webapp.env, webapp.service.",
    "set -euo pipefail",
    `REGION='${options.region}'`,
    `ARTIFACT_BUCKET='${options.artifactBucket}'`,
    `ARTIFACT_KEY='${options.artifactKey}'`,
    `ARTIFACT_SHA256='${options.artifactSha256}'`,
    "",
    "# Transient failures (repository mirrors, instance profile credentials not there yet) are retried.",
    "retry() {",
    "  local attempt",
    "  for attempt in 1 2 3 4 5 6 7 8 9 10; do",
    '    if "$@"; then return 0; fi',
    '    echo "attempt $attempt of: $* failed" >&2',
    "    sleep $((attempt * 3))",
    "  done",
    "  return 1",
    "}",
    "",
    `if ! mountpoint -q /data; then echo "/data is not mounted (see the data volume boot script); not starting the web app" >&2; exit 1; fi`,
    "",
    `retry dnf install -y ${NODEJS_PACKAGE}`,
    `if ! ${p.node} --version | grep -q '^v22[.]'; then echo "${p.node} is not Node.js 22" >&2; exit 1; fi`,
    "if ! command -v aws >/dev/null; then retry dnf install -y awscli-2; fi",
    "",
    `getent group ${WEB_APP_USER} >/dev/null || groupadd --system ${WEB_APP_USER}`,
    `id -u ${WEB_APP_USER} >/dev/null 2>&1 || useradd --system --gid ${WEB_APP_USER} --no-create-home --home-dir /nonexistent --shell /sbin/nologin ${WEB_APP_USER}`,
    "",
    "# The bundle: downloaded next to its final place, used only when its SHA-256 matches.",
    `install -d -m 0755 -o root -g root ${p.appDir}`,
    `DOWNLOAD="$(mktemp ${p.appDir}/.download.XXXXXX)"`,
    'retry aws s3api get-object --region "$REGION" --bucket "$ARTIFACT_BUCKET" --key "$ARTIFACT_KEY" "$DOWNLOAD" >/dev/null',
    'if ! echo "$ARTIFACT_SHA256  $DOWNLOAD" | sha256sum --check --strict --quiet -; then',
    '  echo "s3://$ARTIFACT_BUCKET/$ARTIFACT_KEY does not have SHA-256 $ARTIFACT_SHA256; refusing to run it" >&2',
    '  rm -f "$DOWNLOAD"',
    "  exit 1",
    "fi",
    'chmod 0644 "$DOWNLOAD"',
    `mv -f "$DOWNLOAD" ${p.script}`,
    "",
    "# Configuration on the data volume. The directory is the app's group's, sticky: the app can add",
    "# its session secret file (it creates it once, atomically) but cannot replace root's webapp.env.",
    `install -d -m 1770 -o root -g ${WEB_APP_USER} ${p.configDir}`,
    `cat > ${p.environmentFile}.new <<'WEBAPP_ENV'`,
    ...envLines,
    "WEBAPP_ENV",
    `chown root:${WEB_APP_USER} ${p.environmentFile}.new`,
    `chmod 0640 ${p.environmentFile}.new`,
    `mv -f ${p.environmentFile}.new ${p.environmentFile}`,
    "# A secret kept from an earlier instance belongs to that instance's webapp uid: hand it over.",
    `if [ -e ${p.sessionSecretFile} ]; then chown ${WEB_APP_USER}:${WEB_APP_USER} ${p.sessionSecretFile} && chmod 0600 ${p.sessionSecretFile}; fi`,
    "",
    `cat > /etc/systemd/system/${WEB_APP_SERVICE} <<'WEBAPP_UNIT'`,
    webAppUnit().trimEnd(),
    "WEBAPP_UNIT",
    "systemctl daemon-reload",
    `systemctl enable --now ${WEB_APP_SERVICE}`,
    "",
  ].join("\n");
}

/**
 * The systemd unit: the app as `webapp`, sandboxed. Writable: only the temp space on the data
 * volume (uploads are spooled there) and /data/config (the app creates its session secret there
 * once; the directory's sticky bit keeps root's webapp.env out of its reach). Not set, on purpose: MemoryDenyWriteExecute (V8's JIT needs writable+executable
 * memory) and ProcSubset=pid (libuv reads /proc/stat and /proc/cpuinfo for os.cpus()).
 */
export function webAppUnit(): string {
  const p = WEB_APP_PATHS;
  return [
    "[Unit]",
    "Description=Web app (web/server.ts bundle on Node.js 22)",
    "Wants=network-online.target",
    "After=network-online.target",
    "RequiresMountsFor=/data",
    "StartLimitIntervalSec=300",
    "StartLimitBurst=10",
    "",
    "[Service]",
    "Type=simple",
    `User=${WEB_APP_USER}`,
    `Group=${WEB_APP_USER}`,
    `EnvironmentFile=${p.environmentFile}`,
    "Environment=NODE_ENV=production",
    `WorkingDirectory=${p.appDir}`,
    `ExecStart=${p.node} ${p.script}`,
    "Restart=on-failure",
    "RestartSec=5",
    "KillSignal=SIGTERM",
    "TimeoutStopSec=30",
    "UMask=0077",
    "LimitNOFILE=65536",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "PrivateDevices=yes",
    "DevicePolicy=closed",
    "PrivateMounts=yes",
    `ReadWritePaths=${p.tmpDir} ${p.configDir}`,
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectClock=yes",
    "ProtectHostname=yes",
    "ProtectProc=invisible",
    "RestrictNamespaces=yes",
    "RestrictRealtime=yes",
    "RestrictSUIDSGID=yes",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6",
    "LockPersonality=yes",
    "RemoveIPC=yes",
    "CapabilityBoundingSet=",
    "AmbientCapabilities=",
    "SystemCallArchitectures=native",
    "SystemCallFilter=@system-service",
    "SystemCallErrorNumber=EPERM",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

function validate(options: WebAppBootOptions): void {
  const problems: string[] = [];
  if (!/^([a-z]{2}(-[a-z]+)+-\d|@@[A-Z0-9_]+@@)$/.test(options.region)) problems.push(`region "${options.region}" is not a region name`);
  if (!SHA256_HEX.test(options.artifactSha256)) problems.push("artifactSha256 must be 64 lowercase hex digits");
  if (!S3_KEY.test(options.artifactKey)) problems.push(`artifactKey "${options.artifactKey}" has characters that need quoting`);
  if (!ENV_VALUE.test(options.artifactBucket)) problems.push(`artifactBucket "${options.artifactBucket}" has characters that need quoting`);
  for (const [name, value] of Object.entries(options.environment)) {
    if (!ENV_NAME.test(name)) problems.push(`environment variable name "${name}" must match ${ENV_NAME}`);
    if (!ENV_VALUE.test(value)) problems.push(`environment variable ${name} has characters that need quoting: ${JSON.stringify(value)}`);
  }
  if (problems.length > 0) throw new Error(`web app boot script: ${problems.join("; ")}`);
}
