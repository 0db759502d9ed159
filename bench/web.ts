/**
 * `npm run bench -- --only web`: the web app against baselines on this machine, each pair
 * interleaved in one run (A B A B ..., after an untimed warm-up round):
 * - GET /api/me (a signed-in user with a picture: session lookup in PostgreSQL, profile item from
 *   DynamoDB, a presigned URL) at 50 concurrent connections, against a hello-world of the same
 *   framework (Fastify, same version): requests/s and p99 latency. autocannon runs as its own
 *   process (its CLI, JSON output) so that the load generator does not share an event loop with
 *   the local services.
 * - A 200 MiB upload through the app (multipart, spooled to TMP_DIR, then streamed to S3) against a
 *   direct PutObject of the same file to the same S3 server: throughput, and the app's peak RSS
 *   growth during the upload (Linux: VmHWM reset through /proc/<pid>/clear_refs before each
 *   upload, compared with VmRSS before it).
 * - The ceiling of the local stand-ins that an uncached /api/me waits on (the app keeps session
 *   lookups and avatar reads briefly in memory), at the same concurrency: one indexed SELECT
 *   through PGlite's socket server, one consistent GetItem from dynalite, and both in a row (both
 *   servers are single-threaded and run in this process; RDS and DynamoDB are not).
 * The system is the one `npm run local` runs (scripts/local/system.ts: PGlite, dynalite, s3rver in
 * this process) with the app as its own process, started exactly as on EC2 (web/server.ts, env only;
 * request logging on, as deployed).
 */
import { ChildProcess, spawn } from "node:child_process";
import { createReadStream, mkdirSync, openAsBlob, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { loadavg } from "node:os";
import { Pool } from "pg";
import { AppProcess, freePort, startAppProcess } from "../scripts/local/app-process";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../scripts/local/services";
import { LocalSystem, startLocalSystem } from "../scripts/local/system";
import { progress, ROOT, round, stats, Stats, TMP } from "./measure";

export interface WebBenchOptions {
  readonly runs: number;
  readonly durationSeconds: number;
  readonly uploadMiB: number;
  readonly connections: number;
}

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
}

/** One autocannon run (its CLI, in its own process); fails on any error or non-2xx answer. */
function autocannon(url: string, options: WebBenchOptions, headers: Record<string, string> = {}, seconds = options.durationSeconds): Promise<LoadResult> {
  const cli = join(ROOT, "node_modules", "autocannon", "autocannon.js");
  const args = [cli, "--json", "-c", String(options.connections), "-d", String(seconds), ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}=${v}`]), url];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => (out += b.toString()));
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    child.on("error", fail);
    child.on("close", (code) => {
      if (code !== 0) return fail(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as { requests: { average: number }; latency: { p99: number }; errors: number; timeouts: number; non2xx: number };
      if (r.errors > 0 || r.timeouts > 0 || r.non2xx > 0) return fail(new Error(`autocannon ${url}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx`));
      done({ requestsPerSecond: r.requests.average, p99Ms: r.latency.p99 });
    });
  });
}

/** Fastify's hello world (the same fastify package as the app), as its own process. */
async function startHelloWorld(): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }> {
  const port = await freePort();
  const script = `const app = require("fastify")(); app.get("/", async () => ({ hello: "world" }));
app.listen({ port: ${port}, host: "127.0.0.1" }).then(() => console.log("listening"));
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));`;
  const child = spawn(process.execPath, ["-e", script], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((done, fail) => {
    child.stdout!.on("data", (b: Buffer) => b.toString().includes("listening") && done());
    child.once("exit", (code) => fail(new Error(`hello world exited ${code}`)));
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return { url: `http://127.0.0.1:${port}/`, child, close: async () => void (child.kill("SIGTERM"), await exited) };
}

const kib = (status: string, field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);

/** Runs `work` and returns its result with the process's peak RSS growth (MiB) while it ran. */
async function withPeakRssGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growthMiB: number }> {
  writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM (peak RSS) to the current RSS
  const before = kib(readFileSync(`/proc/${pid}/status`, "utf8"), "VmRSS");
  const result = await work();
  const peak = kib(readFileSync(`/proc/${pid}/status`, "utf8"), "VmHWM");
  return { result, growthMiB: round((peak - before) / 1024, 1) };
}

async function signedInWithPicture(system: LocalSystem): Promise<string> {
  const signup = await fetch(`${system.url}/api/signup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.com`, name: "Bench User", password: "benchmark password" }),
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const cookie = signup.headers.getSetCookie()[0].split(";")[0];
  const form = new FormData();
  form.append("file", new Blob([Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(256, 7)])], { type: "image/png" }), "bench.png");
  const picture = await fetch(`${system.url}/api/profile/picture`, { method: "POST", headers: { cookie }, body: form });
  if (picture.status !== 202) throw new Error(`picture: ${picture.status} ${await picture.text()}`);
  await system.profileUpdater.idle();
  const me = (await (await fetch(`${system.url}/api/me`, { headers: { cookie } })).json()) as { avatar: unknown };
  if (!me.avatar) throw new Error("the benchmark user has no avatar: the profile-updater did not record it");
  return cookie;
}

function writeUploadFile(path: string, mib: number): void {
  const block = randomBytes(1024 * 1024); // incompressible; one block repeated keeps this fast
  const out = Buffer.alloc(mib * 1024 * 1024);
  for (let i = 0; i < mib; i += 1) block.copy(out, i * block.length);
  writeFileSync(path, out);
}

async function uploadThroughApp(url: string, cookie: string, file: string, size: number): Promise<number> {
  const form = new FormData();
  form.append("file", await openAsBlob(file, { type: "application/octet-stream" }), "bench-200MiB.bin");
  const started = process.hrtime.bigint();
  const res = await fetch(`${url}/api/uploads`, { method: "POST", headers: { cookie }, body: form });
  const body = (await res.json()) as { size?: number };
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (res.status !== 201 || body.size !== size) throw new Error(`upload through the app: ${res.status} ${JSON.stringify(body)}`);
  return seconds;
}

async function putDirect(s3: S3Client, bucket: string, file: string, size: number, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `bench/direct-${n}.bin`, Body: createReadStream(file), ContentLength: size }));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Operations per second of `op` at `concurrency`, for `seconds`. */
async function opsPerSecond(op: () => Promise<unknown>, concurrency: number, seconds: number): Promise<number> {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await op();
        done += 1;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function standInCeilings(system: LocalSystem, options: WebBenchOptions): Promise<{ pg: number; dynamo: number; both: number }> {
  const env = system.appEnv;
  const pool = new Pool({ host: env.DB_HOST, port: Number(env.DB_PORT), database: env.DB_NAME, user: env.DB_MIGRATION_USER, password: env.DB_MIGRATION_PASSWORD, max: 10 });
  const ddb = new DynamoDBClient({ endpoint: system.dynamodb.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await pool.query("CREATE TABLE IF NOT EXISTS bench_kv (k text PRIMARY KEY, v text); INSERT INTO bench_kv VALUES ('k', 'v') ON CONFLICT DO NOTHING");
    const pg = await opsPerSecond(() => pool.query("SELECT v FROM bench_kv WHERE k = $1", ["k"]), options.connections, options.durationSeconds);
    const get = new GetItemCommand({ TableName: system.tableName, Key: { userId: { S: "bench-missing" } }, ConsistentRead: true });
    const dynamo = await opsPerSecond(() => ddb.send(get), options.connections, options.durationSeconds);
    const both = await opsPerSecond(async () => (await pool.query("SELECT v FROM bench_kv WHERE k = $1", ["k"]), await ddb.send(get)), options.connections, options.durationSeconds);
    return { pg, dynamo, both };
  } finally {
    ddb.destroy();
    await pool.end();
  }
}

const ratio = (a: Stats, b: Stats): number => round(a.median / b.median, 4);

export async function benchWeb(options: WebBenchOptions) {
  const dir = join(TMP, "web");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let app: AppProcess | undefined;
  const system = await startLocalSystem({
    dataDir: join(dir, "data"),
    port: 0,
    appEnv: { MAX_UPLOAD_BYTES: String((options.uploadMiB + 64) * 1024 * 1024) },
    app: async (env) => (app = await startAppProcess(env, { quiet: true })),
  });
  const hello = await startHelloWorld();
  const s3 = new S3Client({ endpoint: system.s3.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, forcePathStyle: true, requestChecksumCalculation: "WHEN_REQUIRED" });
  try {
    const cookie = await signedInWithPicture(system);
    const me = `${system.url}/api/me`;

    progress(`GET /api/me vs hello world: ${options.connections} connections, ${options.durationSeconds} s each, ${options.runs} runs + warm-up`);
    await autocannon(hello.url, options, {}, 2);
    await autocannon(me, options, { cookie }, 2);
    const load = { hello: [] as LoadResult[], me: [] as LoadResult[], pg: [] as number[], dynamo: [] as number[], both: [] as number[] };
    const loadAverage = [loadavg()[0]];
    for (let i = 0; i < options.runs; i += 1) {
      load.hello.push(await autocannon(hello.url, options));
      load.me.push(await autocannon(me, options, { cookie }));
      const ceiling = await standInCeilings(system, options);
      load.pg.push(ceiling.pg);
      load.dynamo.push(ceiling.dynamo);
      load.both.push(ceiling.both);
      progress(
        `#${i + 1}: hello ${Math.round(load.hello[i].requestsPerSecond)} req/s (p99 ${load.hello[i].p99Ms} ms), /api/me ${Math.round(load.me[i].requestsPerSecond)} req/s (p99 ${load.me[i].p99Ms} ms); ` +
          `PGlite SELECT ${Math.round(ceiling.pg)}/s, dynalite GetItem ${Math.round(ceiling.dynamo)}/s, both in a row ${Math.round(ceiling.both)}/s`,
      );
    }

    const file = join(dir, "upload.bin");
    writeUploadFile(file, options.uploadMiB);
    const size = statSync(file).size;
    progress(`${options.uploadMiB} MiB: direct PutObject vs upload through the app, ${options.runs} runs + warm-up`);
    const appPid = app!.child.pid!;
    const upload = { direct: [] as number[], app: [] as number[], rss: [] as number[] };
    for (let i = -1; i < options.runs; i += 1) {
      const direct = await putDirect(s3, system.bucket, file, size, i);
      const { result: viaApp, growthMiB } = await withPeakRssGrowth(appPid, () => uploadThroughApp(system.url, cookie, file, size));
      progress(`${i < 0 ? "warm-up" : `#${i + 1}`}: direct ${(options.uploadMiB / direct).toFixed(0)} MiB/s, app ${(options.uploadMiB / viaApp).toFixed(0)} MiB/s, app RSS +${growthMiB} MiB`);
      if (i < 0) continue;
      upload.direct.push(options.uploadMiB / direct);
      upload.app.push(options.uploadMiB / viaApp);
      upload.rss.push(growthMiB);
    }

    loadAverage.push(loadavg()[0]);
    const helloRps = stats(load.hello.map((r) => r.requestsPerSecond));
    const meRps = stats(load.me.map((r) => r.requestsPerSecond));
    const direct = stats(upload.direct);
    const viaApp = stats(upload.app);
    return {
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      me: { requestsPerSecond: meRps, p99Ms: stats(load.me.map((r) => r.p99Ms)) },
      helloWorld: { requestsPerSecond: helloRps, p99Ms: stats(load.hello.map((r) => r.p99Ms)) },
      meRatioToHelloWorld: ratio(meRps, helloRps),
      standIns: {
        pgliteSelectPerSecond: stats(load.pg.map((x) => round(x, 0))),
        dynaliteGetItemPerSecond: stats(load.dynamo.map((x) => round(x, 0))),
        selectThenGetItemPerSecond: stats(load.both.map((x) => round(x, 0))),
      },
      meRatioToStandIns: ratio(meRps, stats(load.both)),
      loadAverage1m: { atStart: round(loadAverage[0], 1), atEnd: round(loadavg()[0], 1) },
      upload: {
        mib: options.uploadMiB,
        appMiBPerSecond: viaApp,
        directPutMiBPerSecond: direct,
        ratioToDirectPut: ratio(viaApp, direct),
        appPeakRssGrowthMiB: stats(upload.rss),
      },
    };
  } finally {
    s3.destroy();
    await hello.close();
    await system.close();
  }
}
