import { execFileSync, spawnSync } from "child_process";
import { createHash } from "crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync, writeSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";

/**
 * Real loop devices for the data-volume boot script tests: sparse image files attached with
 * losetup, and commands run in private mount namespaces (`unshare -m --propagation private`).
 * Needs root, util-linux and xfsprogs. When any of it is missing the tests are skipped with a loud
 * reason; when REQUIRE_LOOP_DEVICES=1 (set by .ci/run) that is a failure instead.
 */

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

const TOOLS = ["losetup", "unshare", "mkfs.xfs", "xfs_repair", "xfs_io", "blkid", "wipefs", "lsblk", "findmnt", "mountpoint", "blockdev", "mount", "umount", "mkswap", "dd", "cmp", "awk"];
const HARNESS = join(__dirname, "data-volume-namespace.sh");
// stdin from /dev/null: on a socket (node's default pipes) bash believes that rshd started it and
// reads ~/.bashrc, whose output would mix with the script's.
const NO_STDIN: ["ignore", "pipe", "pipe"] = ["ignore", "pipe", "pipe"];

const has = (tool: string): boolean => spawnSync("bash", ["-c", 'command -v "$1" >/dev/null', "bash", tool]).status === 0;
const firstLine = (error: unknown): string => {
  const { stderr, message } = error as { stderr?: Buffer | string; message?: string };
  return (String(stderr ?? "").trim() || String(message)).split("\n")[0];
};

/** Why loop-device tests cannot run here, or undefined when they can. */
export function loopDevicesUnavailable(): string | undefined {
  const uid = process.getuid?.();
  if (uid !== 0) return `not running as root (uid ${uid ?? "unknown"}); losetup, mount and mkfs need root`;
  const missing = TOOLS.filter((tool) => !has(tool));
  if (missing.length > 0) return `missing commands: ${missing.join(", ")} (Debian: util-linux, mount, xfsprogs)`;
  const dir = mkdtempSync(join(tmpdir(), "loop-probe-"));
  try {
    const image = join(dir, "probe.img");
    writeFileSync(image, Buffer.alloc(MiB));
    let device: string;
    try {
      device = execFileSync("losetup", ["--find", "--show", image], { encoding: "utf8", stdio: "pipe" }).trim();
    } catch (error) {
      return `this machine refuses loop devices (losetup --find --show: ${firstLine(error)})`;
    }
    execFileSync("losetup", ["--detach", device], { stdio: "pipe" });
    try {
      execFileSync("unshare", ["-m", "--propagation", "private", "true"], { stdio: "pipe" });
    } catch (error) {
      return `no private mount namespaces (unshare -m: ${firstLine(error)})`;
    }
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface BootRunOptions {
  /** Device candidates (DATAVOL_DEVICES). */
  readonly devices: readonly string[];
  /** Scratch fstab and mount point (created by the caller or by the script). */
  readonly fstab: string;
  readonly mountPoint: string;
  /** Runs of the script in a row, in the same namespace (default 1). */
  readonly runs?: number;
  /** Bash run inside the mount point while it is mounted, after the runs. */
  readonly hook?: string;
  /** DATAVOL_WAIT_ATTEMPTS (default 3; each 0.2 s apart). */
  readonly waitAttempts?: number;
}

export interface BootRun {
  /** Exit code of each run. */
  readonly exits: number[];
  /** The script's stdout and stderr. */
  readonly log: string;
  /** What it wrote to the console (a scratch file standing in for /dev/console). */
  readonly console: string;
  /** The mount after the runs: findmnt SOURCE, FSTYPE and the options, or undefined when not mounted. */
  readonly mount?: { readonly source: string; readonly fstype: string; readonly options: string[] };
  readonly modes?: string;
  readonly hook?: string;
  readonly hookExit?: number;
}

/** Sparse image files, their loop devices and scratch directories; cleanup() releases them all. */
export class LoopLab {
  readonly dir = mkdtempSync(join(tmpdir(), "data-volume-loop-"));
  /** Boot-script runs and loop devices attached so far (for the summary line). */
  runs = 0;
  devicesAttached = 0;
  private readonly attached = new Set<string>();
  private scratch = 0;

  constructor(bootScript: string) {
    writeFileSync(join(this.dir, "boot.sh"), bootScript, { mode: 0o700 });
  }

  /** A fresh scratch directory (for an fstab, a mount point, a result set). */
  scratchDir(name: string): string {
    const dir = join(this.dir, `${name}-${++this.scratch}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** A sparse image of `size` bytes attached to a free loop device; returns both. */
  attachImage(name: string, size = GiB): { image: string; device: string } {
    const image = join(this.dir, `${name}-${++this.scratch}.img`);
    closeSync(openSync(image, "w"));
    execFileSync("truncate", ["--size", String(size), image]);
    const device = execFileSync("losetup", ["--find", "--show", image], { encoding: "utf8" }).trim();
    this.attached.add(device);
    this.devicesAttached++;
    return { image, device };
  }

  detach(device: string): void {
    if (!this.attached.delete(device)) return;
    execFileSync("losetup", ["--detach", device], { stdio: "pipe" });
  }

  /** Runs the boot script in a private mount namespace with a scratch fstab and mount point. */
  runBootScript(options: BootRunOptions): BootRun {
    const results = this.scratchDir("run");
    const consoleFile = join(results, "console");
    writeFileSync(consoleFile, "");
    const runs = options.runs ?? 1;
    this.runs += runs;
    execFileSync("unshare", ["-m", "--propagation", "private", "bash", HARNESS], {
      stdio: NO_STDIN,
      timeout: 120_000,
      env: {
        PATH: process.env.PATH,
        BOOT_SCRIPT: join(this.dir, "boot.sh"),
        BOOT_RUNS: String(runs),
        RESULT_DIR: results,
        HOOK: options.hook ?? "",
        DATAVOL_DEVICES: options.devices.join(" "),
        DATAVOL_FSTAB: options.fstab,
        DATAVOL_MOUNT_POINT: options.mountPoint,
        DATAVOL_CONSOLE: consoleFile,
        DATAVOL_WAIT_ATTEMPTS: String(options.waitAttempts ?? 3),
        DATAVOL_WAIT_SECONDS: "0.2",
        DATAVOL_LOG_TAG: "data-volume-test",
      },
    });
    const read = (file: string): string | undefined => (existsSync(join(results, file)) ? readFileSync(join(results, file), "utf8") : undefined);
    const mount = read("mount")?.trim().split(/\s+/);
    return {
      exits: (read("exits") ?? "").trim().split("\n").filter(Boolean).map(Number),
      log: read("log") ?? "",
      console: read("console") ?? "",
      mount: mount && { source: mount[0], fstype: mount[1], options: mount[2].split(",") },
      modes: read("modes"),
      hook: read("hook"),
      hookExit: read("hook-exit") === undefined ? undefined : Number(read("hook-exit")),
    };
  }

  /** Runs bash in a private mount namespace (to prepare or inspect a filesystem); returns stdout. */
  inNamespace(script: string, env: Record<string, string> = {}): string {
    return execFileSync("unshare", ["-m", "--propagation", "private", "bash", "-euo", "pipefail", "-c", script], {
      encoding: "utf8",
      stdio: NO_STDIN,
      env: { PATH: process.env.PATH, ...env },
    });
  }

  /** Detaches every loop device still attached and removes the images; safe to call twice. */
  cleanup(): void {
    const errors: string[] = [];
    for (const device of [...this.attached]) {
      try {
        this.detach(device);
      } catch (error) {
        errors.push(`${device}: ${firstLine(error)}`);
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (errors.length > 0) throw new Error(`could not detach loop devices: ${errors.join("; ")}`);
  }
}

/**
 * A fingerprint of every byte of a (sparse) image file, without reading all of it: the offsets
 * and contents of its 64 KiB blocks that are not all zeros. Only the ranges that SEEK_DATA reports
 * (via xfs_io) are read; holes read as zeros anyway. Zero blocks are left out on purpose: whether
 * a zeroed range shows up as data depends on the page cache (unwritten extents), not on what the
 * file holds. Equal fingerprints = equal contents. Flush the loop device first (flushBuffers).
 */
export function fingerprint(image: string): string {
  const seek = execFileSync("xfs_io", ["-r", "-c", "seek -a -r 0", image], { encoding: "utf8" });
  const marks = [...seek.matchAll(/^(DATA|HOLE)\s+(\d+)$/gm)].map((m) => ({ kind: m[1], offset: Number(m[2]) }));
  const size = statSync(image).size;
  const hash = createHash("sha256").update(`size ${size};`);
  const block = Buffer.alloc(BLOCK);
  const zeros = Buffer.alloc(BLOCK);
  let next = 0; // first block not hashed yet (ranges come in ascending order)
  const fd = openSync(image, "r");
  try {
    marks.forEach((mark, i) => {
      if (mark.kind !== "DATA") return;
      const end = Math.min(marks[i + 1]?.offset ?? size, size);
      for (let index = Math.max(next, Math.floor(mark.offset / BLOCK)); index * BLOCK < end; index++) {
        const n = readSync(fd, block, 0, BLOCK, index * BLOCK);
        const content = block.subarray(0, n);
        if (!content.equals(zeros.subarray(0, n))) hash.update(`block ${index}:`).update(content);
        next = index + 1;
      }
    });
  } finally {
    closeSync(fd);
  }
  return hash.digest("hex");
}

const BLOCK = 64 * 1024;

/** Writes the loop device's cached blocks through to its image file. */
export function flushBuffers(device: string): void {
  execFileSync("blockdev", ["--flushbufs", device]);
}

/** blkid -p's exit code: 0 a signature found, 2 none, anything else an error. */
export function probeExit(device: string): number {
  return spawnSync("blkid", ["-p", device]).status ?? -1;
}

/** The filesystem UUID blkid -p reads from the device ("" when none). */
export function uuidOf(device: string): string {
  return spawnSync("blkid", ["-p", "-s", "UUID", "-o", "value", device], { encoding: "utf8" }).stdout.trim();
}

/** Deterministic pseudo-random bytes (xorshift32), so that every run damages a device the same way. */
export function noise(length: number, seed = 0x9e3779b9): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed >>> 0;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Writes `bytes` at `offset` of the device, synchronously to the device. */
export function writeDevice(device: string, offset: number, bytes: Buffer): void {
  const fd = openSync(device, "r+");
  try {
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written, offset + written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
