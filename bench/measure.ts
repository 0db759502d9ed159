/**
 * Timing helpers for the benchmark: run a command N times, interleaved with the other commands of
 * the same comparison (so that noise from other work on a shared machine hits all of them alike),
 * and summarize as min / median / max.
 */
import { spawn, SpawnOptions } from "child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "fs";
import { join, resolve } from "path";

export const ROOT = resolve(__dirname, "..");
export const TMP = join(ROOT, "bench", "tmp");

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly max: number;
  readonly runs: number;
}

export function stats(values: readonly number[]): Stats {
  if (values.length === 0) throw new Error("no samples");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { min: round(sorted[0]), median: round(median), max: round(sorted[sorted.length - 1]), runs: sorted.length };
}

export const round = (value: number, digits = 3): number => Math.round(value * 10 ** digits) / 10 ** digits;

export interface Command {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Runs before each timed run, untimed (e.g. delete a cache for a cold measurement). */
  readonly before?: () => void;
}

export interface RunResult {
  readonly seconds: number;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One run: wall time from spawn to exit, in seconds. */
export function run(cmd: Command): Promise<RunResult> {
  cmd.before?.();
  const options: SpawnOptions = { cwd: cmd.cwd ?? ROOT, env: { ...process.env, ...cmd.env }, stdio: ["ignore", "pipe", "pipe"] };
  return new Promise((done, fail) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd.command, [...cmd.args], options);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (b: Buffer) => out.push(b));
    child.stderr!.on("data", (b: Buffer) => err.push(b));
    child.on("error", fail);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      done({ seconds, code: code ?? 1, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
  });
}

export async function runChecked(cmd: Command): Promise<RunResult> {
  const result = await run(cmd);
  if (result.code !== 0) {
    throw new Error(`${cmd.command} ${cmd.args.join(" ")} failed (exit ${result.code}):\n${result.stderr.slice(-3000)}\n${result.stdout.slice(-3000)}`);
  }
  return result;
}

/**
 * Runs every command `runs` times, round-robin (A B C A B C ...), after `warmup` untimed rounds.
 * Returns the wall times in seconds per command name.
 */
export async function compare(commands: Record<string, Command>, runs: number, warmup = 1, log = progress): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let round = -warmup; round < runs; round += 1) {
    for (const [name, cmd] of Object.entries(commands)) {
      const { seconds } = await runChecked(cmd);
      if (round >= 0) times[name].push(seconds);
      log(`${name} ${round < 0 ? "(warm-up)" : `#${round + 1}`}: ${seconds.toFixed(3)} s`);
    }
  }
  return times;
}

export function progress(line: string): void {
  process.stderr.write(`  ${line}\n`);
}

/**
 * NODE_OPTIONS that make every Node process of a command record its peak RSS (KiB) into `dir`,
 * one file per process (see rss-probe.js). `peakRss(dir)` reads the largest.
 */
export function rssProbeEnv(dir: string): NodeJS.ProcessEnv {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const probe = join(ROOT, "bench", "rss-probe.js");
  return { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${probe}`.trim(), BENCH_RSS_DIR: dir };
}

export function peakRssKiB(dir: string): number {
  const values = readdirSync(dir).map((f) => Number(readFileSync(join(dir, f), "utf8")));
  return Math.max(0, ...values);
}
