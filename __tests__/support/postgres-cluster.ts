/**
 * A throwaway PostgreSQL cluster from Debian's `postgresql` package, with TLS on as RDS forces it:
 * - binaries found at run time (`pg_config --bindir`, else the newest /usr/lib/postgresql/<v>/bin);
 * - a self-signed CA and a server certificate for 127.0.0.1/localhost made with the openssl CLI;
 * - initdb in a temp dir (scram-sha-256, superuser `postgres` with a random password), pg_hba
 *   accepting TCP only over TLS (`hostssl`), listening on 127.0.0.1 and a free port, its unix
 *   socket in the temp dir; run as the `postgres` user when this process is root (initdb refuses
 *   root); stopped (SIGINT, fast shutdown) and deleted by `close()`.
 *
 * `findPostgres()` is undefined when the binaries are missing: the caller skips loudly, or fails
 * when REQUIRE_POSTGRES=1 (CI installs Debian's postgresql first).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, type ClientConfig } from "pg";

export interface PostgresBinaries {
  readonly bindir: string;
}

export interface PostgresCluster {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly superuser: { readonly user: string; readonly password: string };
  /** PEM file of the CA that signed the server certificate. */
  readonly caFile: string;
  /** Connection settings as the superuser, TLS verified against caFile. */
  superuserConfig(database?: string): ClientConfig;
  close(): Promise<void>;
}

function hasServer(bindir: string): boolean {
  return existsSync(join(bindir, "initdb")) && existsSync(join(bindir, "postgres"));
}

export function findPostgres(): PostgresBinaries | undefined {
  try {
    const bindir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    if (hasServer(bindir)) return { bindir };
  } catch {
    // no pg_config on PATH
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+(\.\d+)?$/.test(v)).sort((a, b) => Number(b) - Number(a));
  for (const version of versions) {
    const bindir = join(root, version, "bin");
    if (hasServer(bindir)) return { bindir };
  }
  return undefined;
}

/** The missing-binaries message; throws instead when REQUIRE_POSTGRES=1. */
export function postgresMissing(): string {
  const message = "Debian's PostgreSQL server (initdb, postgres) was not found: pg_config --bindir and /usr/lib/postgresql/*/bin. Install it with `apt-get install -y postgresql`.";
  if (process.env.REQUIRE_POSTGRES === "1") throw new Error(`REQUIRE_POSTGRES=1: ${message}`);
  return message;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** CA + server certificate (SAN: IP 127.0.0.1, DNS localhost), valid for a day. */
export function makeCertificates(dir: string): void {
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=throwaway test CA"], dir);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n");
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "1", "-extfile", "san.ext"], dir);
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export async function startPostgresCluster(binaries: PostgresBinaries): Promise<PostgresCluster> {
  const root = mkdtempSync(join(tmpdir(), "pg-cluster-"));
  const data = join(root, "data");
  const owner = postgresUser();
  const password = randomBytes(18).toString("base64url");
  let server: ChildProcess | undefined;
  try {
    makeCertificates(root);
    writeFileSync(join(root, "pwfile"), `${password}\n`, { mode: 0o600 });
    if (owner) for (const file of ["", "server.key", "server.crt", "ca.crt", "pwfile"]) chownSync(join(root, file), owner.uid, owner.gid);
    execFileSync(
      join(binaries.bindir, "initdb"),
      ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${join(root, "pwfile")}`, "-E", "UTF8", "--locale=C", "--no-sync"],
      { stdio: ["ignore", "ignore", "pipe"], uid: owner?.uid, gid: owner?.gid },
    );
    // TCP only over TLS, as on RDS (rds.force_ssl); the unix socket (in the temp dir) for nobody.
    writeFileSync(join(data, "pg_hba.conf"), "hostssl all all 127.0.0.1/32 scram-sha-256\n");
    const port = await freePort();
    server = spawn(
      join(binaries.bindir, "postgres"),
      [
        "-D", data, "-c", "listen_addresses=127.0.0.1", "-c", `port=${port}`, "-c", `unix_socket_directories=${root}`,
        "-c", "ssl=on", "-c", `ssl_cert_file=${join(root, "server.crt")}`, "-c", `ssl_key_file=${join(root, "server.key")}`,
        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=50",
      ],
      { stdio: ["ignore", "ignore", "pipe"], uid: owner?.uid, gid: owner?.gid },
    );
    let log = "";
    server.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const running = server;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    const cluster: PostgresCluster = {
      host: "127.0.0.1",
      port,
      superuser: { user: "postgres", password },
      caFile: join(root, "ca.crt"),
      superuserConfig: (database = "postgres") => ({
        host: "127.0.0.1",
        port,
        database,
        user: "postgres",
        password,
        ssl: { ca: readFileSync(join(root, "ca.crt"), "utf8"), rejectUnauthorized: true },
      }),
      async close() {
        if (running.exitCode === null && running.signalCode === null) running.kill("SIGINT");
        const killer = setTimeout(() => running.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(killer);
        rmSync(root, { recursive: true, force: true });
      },
    };
    await waitReady(cluster, () => log, () => running.exitCode !== null);
    return cluster;
  } catch (error) {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}

async function waitReady(cluster: PostgresCluster, log: () => string, dead: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new Client(cluster.superuserConfig());
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (dead() || Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
