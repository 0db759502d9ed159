import { execFileSync, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NODEJS_PACKAGE, WEB_APP_PATHS, webAppUnit, webAppUserData, WebAppBootOptions } from "../../constructs/web-app-user-data";

const options: WebAppBootOptions = {
  region: "eu-west-1",
  artifactBucket: "@@VALUE_0@@",
  artifactKey: `web-app/${"ab".repeat(32)}/server.js`,
  artifactSha256: "ab".repeat(32),
  environment: { AWS_REGION: "eu-west-1", UPLOADS_BUCKET: "@@VALUE_1@@", DB_AUTH: "iam", PORT: "8080", TMP_DIR: "/data/tmp" },
};
const script = webAppUserData(options);
const lines = script.split("\n");
const lineOf = (text: string) => {
  const index = lines.findIndex((l) => l.includes(text));
  if (index < 0) throw new Error(`no line contains ${text}`);
  return index;
};

describe("web app boot script", () => {
  it("is valid bash, US-ASCII, and holds nothing terraform would read as template syntax", () => {
    expect(() => execFileSync("bash", ["-n"], { input: script })).not.toThrow();
    expect(script).not.toMatch(/\$\{|%\{/);
    expect(script).toMatch(/^#!\/bin\/bash\nset -euo pipefail\n|^#!\/bin\/bash\n#[^\n]*\nset -euo pipefail\n/);
    expect(/^[\x09\x0a\x20-\x7e]*$/.test(script)).toBe(true);
  });

  it("refuses to start without the data volume", () => {
    expect(lineOf("if ! mountpoint -q /data; then")).toBeLessThan(lineOf(`dnf install -y ${NODEJS_PACKAGE}`));
  });

  it("installs Node.js 22 from the Amazon Linux 2023 repositories and checks the namespaced binary", () => {
    expect(script).toContain("retry dnf install -y nodejs22\n");
    expect(script).toContain("/usr/bin/node-22 --version | grep -q '^v22[.]'");
  });

  it("creates the unprivileged system user webapp with no login shell", () => {
    expect(script).toContain("groupadd --system webapp");
    expect(script).toContain("useradd --system --gid webapp --no-create-home --home-dir /nonexistent --shell /sbin/nologin webapp");
  });

  it("downloads the artifact with the AWS CLI and moves it into place only after its SHA-256 matched", () => {
    expect(script).toContain(`ARTIFACT_KEY='${options.artifactKey}'`);
    expect(script).toContain(`ARTIFACT_SHA256='${options.artifactSha256}'`);
    const download = lineOf('aws s3api get-object --region "$REGION" --bucket "$ARTIFACT_BUCKET" --key "$ARTIFACT_KEY" "$DOWNLOAD"');
    const check = lineOf('echo "$ARTIFACT_SHA256  $DOWNLOAD" | sha256sum --check --strict --quiet -');
    const install = lineOf(`mv -f "$DOWNLOAD" ${WEB_APP_PATHS.script}`);
    expect(download).toBeLessThan(check);
    expect(check).toBeLessThan(install);
    expect(lines.slice(check, install).join("\n")).toMatch(/exit 1/);
  });

  it("writes webapp.env (root:webapp 0640) from the given values, in a quoted heredoc (no shell expansion)", () => {
    const start = lineOf(`cat > ${WEB_APP_PATHS.environmentFile}.new <<'WEBAPP_ENV'`);
    const end = lines.indexOf("WEBAPP_ENV", start + 1);
    expect(lines.slice(start + 1, end)).toEqual(["AWS_REGION=eu-west-1", "UPLOADS_BUCKET=@@VALUE_1@@", "DB_AUTH=iam", "PORT=8080", "TMP_DIR=/data/tmp"]);
    expect(script).toContain(`chown root:webapp ${WEB_APP_PATHS.environmentFile}.new\nchmod 0640 ${WEB_APP_PATHS.environmentFile}.new\nmv -f`);
    expect(script).toContain("install -d -m 1770 -o root -g webapp /data/config");
  });

  it("leaves the session secret to the app, but hands one kept from an earlier instance to this instance's webapp (0600)", () => {
    expect(script).not.toMatch(/> \/data\/config\/session-secret/);
    expect(script).toContain(`if [ -e ${WEB_APP_PATHS.sessionSecretFile} ]; then chown webapp:webapp ${WEB_APP_PATHS.sessionSecretFile} && chmod 0600 ${WEB_APP_PATHS.sessionSecretFile}; fi`);
  });

  it("installs webapp.service, then enables and starts it", () => {
    const unitStart = lineOf("cat > /etc/systemd/system/webapp.service <<'WEBAPP_UNIT'");
    const unitEnd = lines.indexOf("WEBAPP_UNIT", unitStart + 1);
    expect(lines.slice(unitStart + 1, unitEnd).join("\n")).toBe(webAppUnit().trimEnd());
    expect(lines.slice(unitEnd + 1, unitEnd + 3)).toEqual(["systemctl daemon-reload", "systemctl enable --now webapp.service"]);
  });

  it("refuses values that would need quoting, a malformed checksum or an odd environment variable name", () => {
    expect(() => webAppUserData({ ...options, environment: { A: "x y" } })).toThrow(/environment variable A has characters that need quoting/);
    expect(() => webAppUserData({ ...options, environment: { A: "$(reboot)" } })).toThrow(/need quoting/);
    expect(() => webAppUserData({ ...options, environment: { "lower-case": "x" } })).toThrow(/name "lower-case"/);
    expect(() => webAppUserData({ ...options, artifactSha256: "ABC" })).toThrow(/64 lowercase hex digits/);
    expect(() => webAppUserData({ ...options, artifactKey: "a'b" })).toThrow(/artifactKey/);
  });
});

describe("webapp.service", () => {
  const unit = webAppUnit();
  const settings = (section: string) => {
    const body = unit.split(/^\[/m).find((s) => s.startsWith(`${section}]`)) ?? "";
    return Object.fromEntries(
      body
        .split("\n")
        .slice(1)
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
  };

  it("runs the bundle with Node.js 22 as webapp, from webapp.env, restarting on failure, after the network and /data", () => {
    expect(settings("Unit")).toMatchObject({ After: "network-online.target", Wants: "network-online.target", RequiresMountsFor: "/data" });
    expect(settings("Service")).toMatchObject({
      User: "webapp",
      Group: "webapp",
      EnvironmentFile: "/data/config/webapp.env",
      ExecStart: "/usr/bin/node-22 /opt/webapp/server.js",
      Restart: "on-failure",
    });
    expect(settings("Install")).toEqual({ WantedBy: "multi-user.target" });
  });

  it("is sandboxed: no new privileges, read-only system, no home, private /tmp, writable only /data/tmp and /data/config, no capabilities", () => {
    expect(settings("Service")).toMatchObject({
      NoNewPrivileges: "yes",
      ProtectSystem: "strict",
      ProtectHome: "yes",
      PrivateTmp: "yes",
      PrivateDevices: "yes",
      ReadWritePaths: "/data/tmp /data/config",
      CapabilityBoundingSet: "",
      AmbientCapabilities: "",
      SystemCallFilter: "@system-service",
      RestrictAddressFamilies: "AF_UNIX AF_INET AF_INET6",
    });
    // V8's JIT needs writable and executable memory.
    expect(settings("Service")).not.toHaveProperty("MemoryDenyWriteExecute");
  });

  const analyze = spawnSync("systemd-analyze", ["--version"], { encoding: "utf8" });
  const withSystemd = analyze.status === 0 ? it : it.skip;
  if (analyze.status !== 0) process.stderr.write("\n*** SKIPPED: systemd-analyze verify/security of webapp.service: systemd-analyze is not installed ***\n\n");

  withSystemd("passes systemd-analyze verify and scores at most 2.0 on systemd-analyze security (offline)", () => {
    const dir = mkdtempSync(join(tmpdir(), "webapp-unit-"));
    try {
      // verify checks that ExecStart's binary exists: point it at this machine's node (the unit is otherwise unchanged).
      const file = join(dir, "webapp.service");
      writeFileSync(file, unit.replace(WEB_APP_PATHS.node, process.execPath));
      const verify = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
      expect(`${verify.stdout}${verify.stderr}`.trim()).toBe("");
      expect(verify.status).toBe(0);
      const security = spawnSync("systemd-analyze", ["security", "--offline=true", "--threshold=20", "--no-pager", file], { encoding: "utf8" });
      expect(security.stdout).toMatch(/Overall exposure level for webapp\.service: (0\.\d|1\.\d|2\.0) /);
      expect(security.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
