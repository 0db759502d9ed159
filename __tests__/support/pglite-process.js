"use strict";
/**
 * A PGlite server process: PGlite (PostgreSQL in WASM) on the data directory argv[2] (in memory
 * when absent) behind @electric-sql/pglite-socket on 127.0.0.1 and a free port. Prints one JSON
 * line `{"port":N}` when it listens. Stops (and flushes its data) on SIGTERM/SIGINT or when its
 * standard input closes, so it never outlives the process that started it.
 *
 * A separate process because PGlite loads Node built-ins with dynamic import(), which jest's
 * module sandbox does not support; it is also what a real database server is: another process.
 */
const { PGlite } = require("@electric-sql/pglite");
const { PGLiteSocketServer } = require("@electric-sql/pglite-socket");

async function main() {
  const dataDir = process.argv[2];
  const db = await PGlite.create(dataDir || undefined);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 100 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ port })}\n`);
}

main().catch((error) => {
  process.stderr.write(`pglite-process: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
