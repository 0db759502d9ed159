/**
 * `npm run local` itself (scripts/local.ts), as a user runs it: a separate process on a free port
 * with a temporary data directory. It must come up, answer /healthz, keep data between runs, refuse
 * a second runner on the same data, and stop on SIGINT / SIGTERM with exit code 0, leaving no
 * process behind.
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DataDirError, wipeDataDir } from "../../scripts/local/data-dir";

const ROOT = resolve(__dirname, "..", "..");
jest.setTimeout(120_000);

interface Runner {
  readonly child: ChildProcess;
  output(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runLocal(args: string[]): Runner {
  const env = { ...process.env };
  delete env.PORT;
  const child = spawn(process.execPath, ["--require", "./scripts/ts-hook.js", "scripts/local.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b.toString()));
  child.stderr!.on("data", (b: Buffer) => (out += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once("exit", (code, signal) => done({ code, signal })));
  return { child, output: () => out, exited };
}

async function waitForUrl(runner: Runner): Promise<string> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const match = /web app\s+(http:\/\/localhost:\d+)/.exec(runner.output());
    if (match) return match[1];
    if (runner.child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`npm run local did not come up:\n${runner.output()}`);
}

/** Pids of the live descendants of `pid` (from /proc). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // the process ended while we looked
    }
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [child, ppid] of parents) if (ppid === parent) (found.push(child), walk(child));
  };
  walk(pid);
  return found;
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));

async function stop(runner: Runner, signal: NodeJS.Signals): Promise<void> {
  const pid = runner.child.pid!;
  const before = descendants(pid);
  runner.child.kill(signal);
  const result = await runner.exited;
  expect({ ...result, output: result.code === 0 ? "" : runner.output() }).toEqual({ code: 0, signal: null, output: "" });
  expect(runner.output()).toContain("stopped.");
  expect(before.filter(alive)).toEqual([]);
}

const json = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const user = { email: "local-runner@example.com", name: "Local Runner", password: "correct horse battery" };

describe("npm run local", () => {
  const root = mkdtempSync(join(tmpdir(), "local-runner-"));
  const dataDir = join(root, "data");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("starts everything, prints where it listens, refuses a second runner, and stops on SIGINT", async () => {
    const runner = runLocal(["--fresh", "--port", "0", "--data-dir", dataDir]);
    try {
      const url = await waitForUrl(runner);
      for (const part of ["PostgreSQL  postgres://127.0.0.1:", "DynamoDB    http://127.0.0.1:", "S3          http://127.0.0.1:", "Lambda      profile-updater"]) {
        expect(runner.output()).toContain(part);
      }
      const health = await fetch(`${url}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
      expect((await fetch(`${url}/api/signup`, json(user))).status).toBe(201);

      const second = runLocal(["--port", "0", "--data-dir", dataDir]);
      expect((await second.exited).code).toBe(1);
      expect(second.output()).toMatch(/is in use by another npm run local \(pid \d+\)/);
    } finally {
      await stop(runner, "SIGINT");
    }
    expect(existsSync(join(dataDir, "runner.pid"))).toBe(false);
  });

  it("keeps the data between runs and stops on SIGTERM", async () => {
    const runner = runLocal(["--port", "0", "--data-dir", dataDir]);
    try {
      const url = await waitForUrl(runner);
      const login = await fetch(`${url}/api/login`, json({ email: user.email, password: user.password }));
      expect(login.status).toBe(200);
    } finally {
      await stop(runner, "SIGTERM");
    }
  });

  it("rejects a bad port with one line and exit code 1", async () => {
    const runner = runLocal(["--port", "http", "--data-dir", join(root, "unused")]);
    expect((await runner.exited).code).toBe(1);
    expect(runner.output().trim()).toBe('npm run local: the port must be an integer from 0 to 65535, got "http"');
  });
});

describe("--fresh", () => {
  const root = mkdtempSync(join(tmpdir(), "local-fresh-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("wipes a data directory of npm run local", () => {
    const dir = join(root, "ours");
    mkdirSync(join(dir, "pg"), { recursive: true });
    writeFileSync(join(dir, ".npm-run-local"), "");
    wipeDataDir(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it("refuses to delete a directory it did not create, and leaves it intact", () => {
    const dir = join(root, "someone-elses");
    mkdirSync(dir);
    writeFileSync(join(dir, "thesis.tex"), "keep me");
    expect(() => wipeDataDir(dir)).toThrow(DataDirError);
    expect(readFileSync(join(dir, "thesis.tex"), "utf8")).toBe("keep me");
  });
});
