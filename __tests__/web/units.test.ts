/**
 * The web app's pure parts, without servers: configuration errors, login throttling (on a fake
 * clock), file names and type sniffing, password hashing, the session secret file.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword, verifyPassword } from "../../web/auth/password";
import { loadOrCreateSecret } from "../../web/auth/secret";
import { LoginThrottle } from "../../web/auth/throttle";
import { TtlCache } from "../../web/cache";
import { loadConfig } from "../../web/config";
import { appPool, migrationConnection, tlsOptions } from "../../web/db/connection";
import { clientContentType, MAX_FILE_NAME_LENGTH, safeFileName, sniffImageType } from "../../web/uploads/files";
import { IMAGES } from "../support/web-client";

const BASE = {
  UPLOADS_BUCKET: "bucket",
  PROFILE_TABLE_NAME: "table",
  DB_HOST: "db.example.internal",
  DB_MIGRATION_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1",
  SESSION_SECRET_FILE: "/data/config/session-secret",
};

describe("loadConfig", () => {
  test("defaults: port 3000, TLS verify-full with the embedded CA, IAM auth as `app`, 100 MiB, no proxy trusted", () => {
    const config = loadConfig(BASE);
    expect(config).toMatchObject({ port: 3000, host: "0.0.0.0", maxUploadBytes: 104857600, trustProxy: false });
    expect(config.db).toEqual({
      host: "db.example.internal", port: 5432, name: "postgres", ssl: "verify-full", caFile: undefined, user: "app",
      auth: { kind: "iam" }, migration: { kind: "secret", secretArn: BASE.DB_MIGRATION_SECRET_ARN },
    });
  });

  test("TRUST_PROXY: true, or a list of addresses/CIDRs", () => {
    expect(loadConfig({ ...BASE, TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ ...BASE, TRUST_PROXY: "10.0.0.0/16, 127.0.0.1" }).trustProxy).toEqual(["10.0.0.0/16", "127.0.0.1"]);
  });

  test.each([
    [{ UPLOADS_BUCKET: "" }, /^web app configuration: UPLOADS_BUCKET is required/],
    [{ DB_HOST: undefined }, /^web app configuration: DB_HOST is required/],
    [{ PORT: "80a" }, /^web app configuration: PORT must be an integer from 0 to 65535, got "80a"$/],
    [{ DB_SSL: "require" }, /^web app configuration: DB_SSL must be one of "verify-full", "disable", got "require"$/],
    [{ DB_AUTH: "password" }, /^web app configuration: DB_PASSWORD is required/],
    [{ DB_USER: "app; DROP ROLE x" }, /^web app configuration: DB_USER must be a lower-case SQL identifier/],
    [{ DB_MIGRATION_SECRET_ARN: undefined }, /^web app configuration: DB_MIGRATION_SECRET_ARN or DB_MIGRATION_USER \+ DB_MIGRATION_PASSWORD is required/],
    [{ MAX_UPLOAD_BYTES: "0" }, /^web app configuration: MAX_UPLOAD_BYTES must be an integer from 1/],
    [{ TRUST_PROXY: "yes please" }, /^web app configuration: TRUST_PROXY must be/],
    [{ SESSION_SECRET_FILE: undefined }, /^web app configuration: SESSION_SECRET_FILE is required/],
  ])("one line naming the variable: %j", (override, message) => {
    expect(() => loadConfig({ ...BASE, ...override })).toThrow(message);
  });
});

describe("the app role's pool", () => {
  test("with DB_AUTH=iam each connection's password is a fresh RDS IAM token for DB_USER at DB_HOST:DB_PORT", async () => {
    const config = loadConfig({ ...BASE, DB_PORT: "6543", DB_USER: "webapp", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret" });
    const pool = appPool(config);
    try {
      const password = (pool as unknown as { options: { password: () => Promise<string> } }).options.password;
      const token = await password();
      expect(token).toMatch(/^db\.example\.internal:6543\/\?Action=connect&DBUser=webapp&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F\d{8}%2Feu-west-1%2Frds-db%2Faws4_request&/);
      expect(token).toMatch(/X-Amz-Expires=900/);
    } finally {
      await pool.end();
    }
  });

  test("with DB_AUTH=password the configured password, and TLS verified unless DB_SSL=disable", async () => {
    const config = loadConfig({ ...BASE, DB_AUTH: "password", DB_PASSWORD: "pw" });
    const pool = appPool(config);
    const options = (pool as unknown as { options: { password: string; ssl: { rejectUnauthorized: boolean; ca: string[] } } }).options;
    expect(options.password).toBe("pw");
    expect(options.ssl.rejectUnauthorized).toBe(true);
    expect(options.ssl.ca.length).toBeGreaterThan(10);
    expect(options.ssl.ca.every((pem) => pem.startsWith("-----BEGIN CERTIFICATE-----"))).toBe(true);
    await pool.end();
    expect(tlsOptions(loadConfig({ ...BASE, DB_SSL: "disable" }).db)).toBe(false);
  });
});

describe("the migration credentials from Secrets Manager (DB_MIGRATION_SECRET_ARN)", () => {
  // No Secrets Manager server exists on npm: this stand-in answers GetSecretValue in the service's
  // JSON 1.1 protocol, enough to check the request the SDK sends and how the answer is read.
  let server: Server;
  let endpoint: string;
  let secretString: string | undefined;
  const requests: Array<{ target: string; authorization: string; body: { SecretId?: string } }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        requests.push({ target: String(req.headers["x-amz-target"]), authorization: String(req.headers.authorization), body: JSON.parse(body) });
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify({ ARN: BASE.DB_MIGRATION_SECRET_ARN, Name: "rds!db-1", SecretString: secretString }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const config = () =>
    loadConfig({ ...BASE, AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY: "secret", AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, DB_SSL: "disable" });

  test("the RDS-managed secret's username and password become the migration connection", async () => {
    secretString = JSON.stringify({ username: "master_user", password: "p@ss'word\"" });
    const connection = await migrationConnection(config());
    expect(connection).toMatchObject({ host: "db.example.internal", port: 5432, database: "postgres", user: "master_user", password: "p@ss'word\"", ssl: false });
    const [request] = requests.slice(-1);
    expect(request.target).toBe("secretsmanager.GetSecretValue");
    expect(request.body.SecretId).toBe(BASE.DB_MIGRATION_SECRET_ARN);
    expect(request.authorization).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/secretsmanager\/aws4_request/);
  });

  test("a secret without username/password is a clear error", async () => {
    secretString = JSON.stringify({ user: "x" });
    await expect(migrationConnection(config())).rejects.toThrow(
      `DB_MIGRATION_SECRET_ARN: cannot read the master credentials from ${BASE.DB_MIGRATION_SECRET_ARN}: the secret has no username/password`,
    );
  });
});

describe("LoginThrottle", () => {
  const options = { windowMs: 60_000, maxFailuresPerAddress: 5, maxFailuresPerEmail: 3, maxEntries: 100 };

  test("an email is refused after its limit, in any letter case, until the window ends", () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ ...options, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter(`10.0.0.${i}`, "A@example.com")).toBe(0);
      throttle.recordFailure(`10.0.0.${i}`, "A@example.com");
    }
    expect(throttle.retryAfter("10.0.0.9", "a@EXAMPLE.com")).toBe(60);
    now += 59_000;
    expect(throttle.retryAfter("10.0.0.9", "a@example.com")).toBe(1);
    now += 1_000;
    expect(throttle.retryAfter("10.0.0.9", "a@example.com")).toBe(0);
  });

  test("an address is refused after its limit whatever the email; a success clears the email and takes its attempt back", () => {
    const throttle = new LoginThrottle({ ...options, now: () => 0 });
    for (let i = 0; i < 5; i++) throttle.recordFailure("192.0.2.1", `user${i}@example.com`);
    expect(throttle.retryAfter("192.0.2.1", "new@example.com")).toBeGreaterThan(0);
    expect(throttle.retryAfter("192.0.2.2", "new@example.com")).toBe(0);
    throttle.recordFailure("192.0.2.3", "b@example.com");
    throttle.recordFailure("192.0.2.3", "b@example.com");
    throttle.begin("192.0.2.3", "B@example.com");
    throttle.succeeded("192.0.2.3", "B@example.com");
    throttle.recordFailure("192.0.2.3", "b@example.com");
    expect(throttle.retryAfter("192.0.2.4", "b@example.com")).toBe(0);
    // Address: 2 failures + 1 attempt taken back + 1 failure = 3 < 5.
    expect(throttle.retryAfter("192.0.2.3", "other@example.com")).toBe(0);
  });

  test("attempts in flight count: guesses sent at once cannot all pass the check", () => {
    const throttle = new LoginThrottle({ ...options, now: () => 0 });
    const admitted = Array.from({ length: 20 }, () => {
      if (throttle.retryAfter("203.0.113.1", "victim@example.com") > 0) return false;
      throttle.begin("203.0.113.1", "victim@example.com"); // the password check is still running
      return true;
    });
    expect(admitted.filter(Boolean)).toHaveLength(3);
  });

  test("memory stays bounded: past maxEntries the oldest counters go", () => {
    const throttle = new LoginThrottle({ ...options, maxEntries: 10, now: () => 0 });
    for (let i = 0; i < 100; i++) throttle.recordFailure(`198.51.100.${i}`, `u${i}@example.com`);
    expect(throttle.size).toBeLessThanOrEqual(10);
  });
});

describe("file names and types", () => {
  test.each([
    ["photo.png", "photo.png"],
    ["C:\\Users\\me\\photo.png", "photo.png"],
    ["/etc/passwd", "passwd"],
    ["../..", "fallback"],
    ["...hidden", "hidden"],
    ["a..b.txt", "a.b.txt"],
    ["tab\tand\nnewline.txt", "tabandnewline.txt"],
    ["", "fallback"],
    [undefined, "fallback"],
    ["Ünïcödé 名前.jpg", "Ünïcödé 名前.jpg"],
  ])("safeFileName(%j) = %j", (raw, expected) => {
    expect(safeFileName(raw, "fallback")).toBe(expected);
  });

  test("never a separator, '..' or a control character, and at most 100 characters (extension kept)", () => {
    const samples = ["../".repeat(50), `${"x".repeat(500)}.jpeg`, `${"名".repeat(300)}`, "a/../../b\\..\\c", "\u0000\u0001..\u007f", ". . ..", "😀".repeat(200)];
    for (const raw of samples) {
      const name = safeFileName(raw, "f");
      expect(name).not.toMatch(/[/\\]|\.\.|[\u0000-\u001f\u007f]/);
      expect(Array.from(name).length).toBeLessThanOrEqual(MAX_FILE_NAME_LENGTH);
      expect(name.length).toBeGreaterThan(0);
    }
    expect(safeFileName(`${"x".repeat(500)}.jpeg`, "f")).toMatch(/^x{95}\.jpeg$/);
  });

  test("image types come from the magic numbers only", () => {
    expect(sniffImageType(IMAGES.png)).toBe("image/png");
    expect(sniffImageType(IMAGES.jpeg)).toBe("image/jpeg");
    expect(sniffImageType(IMAGES.webp)).toBe("image/webp");
    expect(sniffImageType(Buffer.from("GIF89a......"))).toBeUndefined();
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WAVEfmt "))).toBeUndefined();
    expect(sniffImageType(Buffer.from([0xff, 0xd8]))).toBeUndefined();
    expect(sniffImageType(Buffer.alloc(0))).toBeUndefined();
  });

  test("a declared content type is kept only when it is a well-formed media type", () => {
    expect(clientContentType("Text/Plain; charset=utf-8")).toBe("text/plain");
    expect(clientContentType("application/vnd.openxmlformats-officedocument.wordprocessingml.document")).toBe("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(clientContentType("text/html\r\nX-Injected: 1")).toBe("application/octet-stream");
    expect(clientContentType(undefined)).toBe("application/octet-stream");
    expect(clientContentType("nonsense")).toBe("application/octet-stream");
  });
});

describe("TtlCache", () => {
  test("one load per key while fresh, shared by concurrent callers; reloaded after the TTL or a delete", async () => {
    let now = 0;
    const cache = new TtlCache<number>(1000, 100, () => now);
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cache.get("a", load), cache.get("a", load), cache.get("a", load)])).toEqual([1, 1, 1]);
    now = 999;
    expect(await cache.get("a", load)).toBe(1);
    now = 1000;
    expect(await cache.get("a", load)).toBe(2);
    cache.delete("a");
    expect(await cache.get("a", load)).toBe(3);
  });

  test("a failed load is not kept; size is bounded", async () => {
    const cache = new TtlCache<number>(60_000, 3, () => 0);
    await expect(cache.get("x", () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await cache.get("x", async () => 7)).toBe(7);
    for (const key of ["b", "c", "d", "e"]) await cache.get(key, async () => 1);
    expect(cache.size).toBe(3);
  });
});

describe("passwords", () => {
  test("scrypt hashes are salted, verify the right password only, and never contain it", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain("correct horse");
    expect(await verifyPassword("correct horse", a)).toBe(true);
    expect(await verifyPassword("correct horsE", a)).toBe(false);
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
    expect(await verifyPassword("x", "scrypt$99999999$8$1$AA==$AA==")).toBe(false);
  });
});

describe("the session secret file", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "secret-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("created once with mode 0600 (and its folder 0700), then read back unchanged", () => {
    const file = join(dir, "config", "session-secret");
    const first = loadOrCreateSecret(file);
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "config")).mode & 0o777).toBe(0o700);
    expect(loadOrCreateSecret(file)).toBe(first);
    expect(readFileSync(file, "utf8")).toBe(first);
  });

  test("a secret that is too short is refused, not silently replaced", () => {
    const file = join(dir, "short");
    writeFileSync(file, "tiny");
    expect(() => loadOrCreateSecret(file)).toThrow(/holds 4 characters; at least 32/);
    expect(readFileSync(file, "utf8")).toBe("tiny");
  });
});
