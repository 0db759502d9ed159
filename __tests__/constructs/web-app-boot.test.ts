/**
 * The web app boot script, run for real as root in a private mount namespace, chrooted into an
 * overlay of the machine's root (useradd, /opt, /etc/systemd change only the overlay; /data is a
 * tmpfs mount point), with only what needs the cloud stubbed on PATH: dnf, the AWS CLI (copies a
 * local file as the "downloaded" artifact), systemctl (records its calls) and Node.js 22 (prints
 * a version). Checks what the script leaves behind: the verified bundle, webapp.env and its permissions, the webapp user, the
 * unit, the service enabled — and that a bundle with the wrong SHA-256 is never installed.
 */
import { spawnSync } from "child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createHash } from "crypto";
import { WEB_APP_PATHS, webAppUnit, webAppUserData } from "../../constructs/web-app-user-data";

const ARTIFACT = Buffer.from("console.log('the web app');\n");
const SHA256 = createHash("sha256").update(ARTIFACT).digest("hex");

/**
 * Outside: a private mount namespace with an overlay of / (writes land in a tmpfs, the machine's
 * files are untouched), /data a tmpfs mount point in it, /proc and /dev bound, the test's folder at
 * /io. Inside (chroot): the boot script, then everything the assertions read is copied to /io/out.
 */
const DRIVER = `
set -euo pipefail
T="$1"
mount -t tmpfs tmpfs "$T/scratch"
mkdir -p "$T/scratch/up" "$T/scratch/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$T/scratch/up,workdir=$T/scratch/work" "$T/root"
R="$T/root"
mkdir -p "$R/data" "$R/io" "$R/etc/systemd/system"
mount -t tmpfs tmpfs "$R/data"
mount --bind /proc "$R/proc"
mount --bind /dev "$R/dev"
mount --bind "$T/io" "$R/io"
chroot "$R" /bin/bash /io/inner.sh
`;
const INNER = `
set -euo pipefail
mkdir -p /data/tmp /data/config && chmod 1777 /data/tmp && chmod 0750 /data/config
if [ -s /io/preseed-secret ]; then cp /io/preseed-secret /data/config/session-secret; chown 12345:12345 /data/config/session-secret; chmod 0644 /data/config/session-secret; fi
rc=0; PATH="/io/stubs:$PATH" bash /io/script.sh > /io/out/log 2>&1 || rc=$?
echo "$rc" > /io/out/rc
for f in /data/config /data/config/webapp.env /data/config/session-secret /opt/webapp/server.js; do
  if [ -e "$f" ]; then stat -c "$f %a %U %G" "$f"; fi
done > /io/out/stat
cp /data/config/webapp.env /io/out/webapp.env 2>/dev/null || true
cp /opt/webapp/server.js /io/out/server.js 2>/dev/null || true
cp /etc/systemd/system/webapp.service /io/out/webapp.service 2>/dev/null || true
ls -A /opt/webapp > /io/out/opt-webapp 2>/dev/null || true
getent passwd webapp > /io/out/passwd || true
`;

function stub(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

interface Boot {
  readonly rc: number;
  readonly log: string;
  readonly calls: string[];
  readonly stat: Record<string, string>;
  readonly file: (name: string) => string | undefined;
  readonly node: string;
}

function boot(options: { artifact: Buffer; preseedSecret?: string }): Boot {
  const t = mkdtempSync(join(tmpdir(), "webapp-boot-"));
  try {
    const io = join(t, "io");
    for (const d of ["scratch", "root", "io", "io/stubs", "io/out"]) mkdirSync(join(t, d));
    writeFileSync(join(io, "artifact"), options.artifact);
    writeFileSync(join(io, "preseed-secret"), options.preseedSecret ?? "");
    writeFileSync(join(io, "inner.sh"), INNER);
    stub(join(io, "stubs"), "dnf", 'echo "dnf $*" >> /io/out/calls');
    stub(join(io, "stubs"), "systemctl", 'echo "systemctl $*" >> /io/out/calls');
    // aws s3api get-object ... <outfile>: the last argument is where the object goes.
    stub(join(io, "stubs"), "aws", 'echo "aws $*" >> /io/out/calls\ncp /io/artifact "${@: -1}"');
    stub(join(io, "stubs"), "node-22", 'echo "v22.12.0"');
    const node = "/io/stubs/node-22";
    const script = webAppUserData({
      region: "eu-west-1",
      artifactBucket: "artifacts-bucket",
      artifactKey: `web-app/${SHA256}/server.js`,
      artifactSha256: SHA256,
      environment: { AWS_REGION: "eu-west-1", DB_AUTH: "iam", PORT: "8080", TMP_DIR: "/data/tmp" },
    }).replaceAll(WEB_APP_PATHS.node, node);
    writeFileSync(join(io, "script.sh"), script);
    const run = spawnSync("unshare", ["-m", "--propagation", "private", "bash", "-c", DRIVER, "driver", t], { encoding: "utf8" });
    if (run.status !== 0) throw new Error(`namespace driver failed: ${run.stderr}`);
    const read = (name: string) => (existsSync(join(t, "io", "out", name)) ? readFileSync(join(t, "io", "out", name), "utf8") : undefined);
    const files = new Map(["log", "calls", "stat", "rc", "webapp.env", "server.js", "webapp.service", "opt-webapp", "passwd"].map((n) => [n, read(n)]));
    return {
      rc: Number(files.get("rc")),
      log: files.get("log") ?? "",
      calls: (files.get("calls") ?? "").trim().split("\n").filter(Boolean),
      stat: Object.fromEntries((files.get("stat") ?? "").trim().split("\n").filter(Boolean).map((l) => [l.split(" ")[0], l.split(" ").slice(1).join(" ")])),
      file: (name) => files.get(name),
      node,
    };
  } finally {
    rmSync(t, { recursive: true, force: true });
  }
}

const canRun = process.getuid?.() === 0 && spawnSync("unshare", ["-m", "--propagation", "private", "true"]).status === 0;
if (!canRun) process.stderr.write("\n*** SKIPPED: running the web app boot script needs root and mount namespaces (unshare -m) ***\n\n");
const describeAsRoot = canRun ? describe : describe.skip;

describeAsRoot("web app boot script, run as root in a private mount namespace", () => {
  const ok = boot({ artifact: ARTIFACT, preseedSecret: "a-secret-from-the-previous-instance-0123456789" });

  it("succeeds and installs the downloaded bundle, whose SHA-256 it checked, root-owned and world-readable", () => {
    expect(ok.log).toBe("");
    expect(ok.rc).toBe(0);
    expect(ok.file("server.js")).toBe(ARTIFACT.toString());
    expect(ok.stat["/opt/webapp/server.js"]).toBe("644 root root");
    expect(ok.file("opt-webapp")).toBe("server.js\n"); // no download left behind
  });

  it("installs Node.js 22 and fetches exactly the artifact's key with the AWS CLI", () => {
    expect(ok.calls).toContain("dnf install -y nodejs22");
    expect(ok.calls.find((c) => c.startsWith("aws "))).toMatch(
      new RegExp(`^aws s3api get-object --region eu-west-1 --bucket artifacts-bucket --key web-app/${SHA256}/server.js /opt/webapp/\\.download\\.\\w+$`),
    );
  });

  it("creates the system user webapp without a login shell or home", () => {
    expect(ok.file("passwd")).toMatch(/^webapp:x:\d+:\d+::\/nonexistent:\/sbin\/nologin\n$/);
  });

  it("writes webapp.env root:webapp 0640 in /data/config (1770 root:webapp) and hands the kept secret to webapp (0600)", () => {
    expect(ok.file("webapp.env")).toBe("AWS_REGION=eu-west-1\nDB_AUTH=iam\nPORT=8080\nTMP_DIR=/data/tmp\n");
    expect(ok.stat["/data/config/webapp.env"]).toBe("640 root webapp");
    expect(ok.stat["/data/config"]).toBe("1770 root webapp");
    expect(ok.stat["/data/config/session-secret"]).toBe("600 webapp webapp");
  });

  it("installs webapp.service and enables and starts it", () => {
    expect(ok.file("webapp.service")).toBe(webAppUnit().replace(WEB_APP_PATHS.node, ok.node));
    expect(ok.calls.filter((c) => c.startsWith("systemctl "))).toEqual(["systemctl daemon-reload", "systemctl enable --now webapp.service"]);
  });

  it("refuses a bundle whose SHA-256 differs: nothing installed, the service never enabled", () => {
    const tampered = boot({ artifact: Buffer.from("console.log('something else');\n") });
    expect(tampered.rc).toBe(1);
    expect(tampered.log).toContain(`does not have SHA-256 ${SHA256}; refusing to run it`);
    expect(tampered.file("server.js")).toBeUndefined();
    expect(tampered.file("opt-webapp")).toBe("");
    expect(tampered.calls.some((c) => c.startsWith("systemctl"))).toBe(false);
  });
});
