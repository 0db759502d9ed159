/**
 * The whole local system (scripts/local/system.ts, what `npm run local` runs) for the end-to-end
 * and browser tests: one per test file, on free ports and a temporary data directory. PostgreSQL is
 * PGlite in a child process (support/pglite-server.ts) and the app runs as its own process: neither
 * PGlite nor @fastify/cookie load in jest's module sandbox (dynamic import()).
 * The profile-updater's JSON log lines are captured (not printed) and can be inspected.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { startAppProcess } from "../../scripts/local/app-process";
import { LocalSystem, LocalSystemOptions, startLocalSystem } from "../../scripts/local/system";
import { startPglite } from "../support/pglite-server";

export interface SystemUnderTest {
  readonly system: LocalSystem;
  /** The profile-updater's structured log lines so far. */
  handlerLogs(): Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startSystem(options: Partial<LocalSystemOptions> = {}): Promise<SystemUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), "web-e2e-"));
  const logs: Record<string, unknown>[] = [];
  const capture = (...args: unknown[]): void => {
    const line = String(args[0]);
    if (line.includes('"logger":"profile-updater"')) logs.push(JSON.parse(line) as Record<string, unknown>);
  };
  for (const method of ["log", "warn", "error"] as const) jest.spyOn(console, method).mockImplementation(capture);
  let system: LocalSystem;
  try {
    system = await startLocalSystem({
      dataDir,
      port: 0,
      retryDelaysMs: [50, 100],
      postgres: async () => {
        const pg = await startPglite();
        return { host: pg.host, port: pg.port, endpoint: `postgres://${pg.host}:${pg.port}/postgres`, close: () => pg.close() };
      },
      app: (env) => startAppProcess(env),
      ...options,
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    system,
    handlerLogs: () => [...logs],
    async close() {
      await system.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k += 1) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real, decodable PNG: a vertical gradient between two RGB colours (browsers can show it). */
export function pngImage(size: number, from: [number, number, number], to: [number, number, number]): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y += 1) {
    const t = size > 1 ? y / (size - 1) : 0;
    const rgb = from.map((c, i) => Math.round(c + (to[i] - c) * t));
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x += 1) row.set(rgb, 1 + x * 3);
    rows.push(row);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}
