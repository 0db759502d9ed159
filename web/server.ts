/**
 * PLACEHOLDER for the web app (branch h-web builds the real one; on merging h-web, take theirs).
 * It only honours the cross-team contract that the deployment relies on: `start(env)` listens on
 * PORT (default 3000) / HOST (default 0.0.0.0) and returns { url, close }; run as main it starts
 * with process.env and shuts down cleanly on SIGTERM/SIGINT. Every route answers 503.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export async function start(env: NodeJS.ProcessEnv): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => {
    res.writeHead(503, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "degraded", failing: ["placeholder"] }));
  });
  const port = Number(env.PORT ?? 3000);
  const host = env.HOST ?? "0.0.0.0";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

if (require.main === module) {
  start(process.env).then(
    (app) => {
      process.stdout.write(`listening on ${app.url}\n`);
      const stop = () => void app.close().then(() => process.exit(0));
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
