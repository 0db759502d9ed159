/**
 * PGlite (PostgreSQL compiled to WASM) behind @electric-sql/pglite-socket, in a child process
 * (support/pglite-process.js), on 127.0.0.1 and a free port: a real PostgreSQL wire-protocol server
 * for `pg`, so the app's code path is the one it takes against RDS. Measured with pglite 0.5.14 /
 * pglite-socket 0.2.17:
 * - every connection shares ONE PostgreSQL session (queries are queued; a transaction keeps its
 *   connection exclusive until it ends), so session state such as advisory locks is shared;
 * - the server answers TLS requests with "N" (no TLS): connect with DB_SSL=disable;
 * - user names and passwords are not checked (every connection runs as the superuser).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface LocalPglite {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * In memory by default: a data directory on disk made start-up take ~4x as long (measured 24 s vs
 * 5.6 s on a loaded 2-core machine), and a test database is thrown away anyway.
 */
export async function startPglite(options: { onDisk?: boolean } = {}): Promise<LocalPglite> {
  const dataDir = options.onDisk ? mkdtempSync(join(tmpdir(), "pglite-")) : undefined;
  const child = spawn(process.execPath, [join(__dirname, "pglite-process.js"), ...(dataDir ? [dataDir] : [])], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      lines.close();
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`PGlite server exited (${code}) before listening: ${stderr.trim()}`)));
  }).catch((error: Error) => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    host: "127.0.0.1",
    port,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
