/**
 * Bad input against the running app: every invalid field and wrong type, bodies that are not what
 * a route takes, missing and forged sessions, SQL meta-characters in every text field, file names
 * that try to escape their folder, clients that abort mid-upload. Each time: a clear 4xx in the
 * contract's error shape, never a 500 or a stack trace, and nothing left behind (temp files, S3
 * objects, rows). No TRUST_PROXY here: X-Forwarded-* headers must change nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { request as httpRequest, STATUS_CODES } from "node:http";
import { connect } from "node:net";
import { GetObjectCommand, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startWebApp, type WebAppUnderTest } from "../support/web-app";
import { IMAGES, uniqueEmail, WebClient, type Reply } from "../support/web-client";

let web: WebAppUnderTest;
const PASSWORD = "correct horse battery";
const SQL = `x'); DROP TABLE users; --"\\%_;`;

beforeAll(async () => {
  web = await startWebApp();
}, 90_000);

afterAll(async () => {
  await web?.close();
});

function expectClientError(reply: Reply, status: number, code: string, field?: string): void {
  expect({ status: reply.status, body: reply.body }).toEqual({ status, body: { error: field === undefined ? { code, message: expect.any(String) } : { code, message: expect.any(String), field } } });
  expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  expect(reply.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

async function keys(prefix: string): Promise<string[]> {
  const out = await web.s3.send(new ListObjectsV2Command({ Bucket: web.aws.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function waitFor(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("sign-up and login fields", () => {
  const valid = { email: "valid@example.com", name: "Valid", password: PASSWORD };

  test.each([
    ["email", { ...valid, email: 42 }],
    ["email", { ...valid, email: ["a@example.com"] }],
    ["email", { ...valid, email: null }],
    ["email", { ...valid, email: "" }],
    ["email", { ...valid, email: "a@b" }],
    ["email", { ...valid, email: "two@@example.com" }],
    ["email", { ...valid, email: "spaces in@example.com" }],
    ["email", { ...valid, email: `${"a".repeat(250)}@example.com` }],
    ["name", { ...valid, name: 7 }],
    ["name", { ...valid, name: { first: "x" } }],
    ["name", { ...valid, name: "   " }],
    ["name", { ...valid, name: "bell\u0007" }],
    ["name", { ...valid, name: "😀".repeat(101) }],
    ["password", { ...valid, password: 12345678 }],
    ["password", { ...valid, password: "seven77" }],
    ["password", { ...valid, password: "x".repeat(1025) }],
    ["password", { email: "valid@example.com", name: "Valid" }],
  ])("signup: 400 invalid_field %s (case %#)", async (field, body) => {
    expectClientError(await new WebClient(web.url).postJson("/api/signup", body), 400, "invalid_field", field);
  });

  test("a name of 100 emoji (100 characters, 400 bytes) is accepted", async () => {
    expect((await new WebClient(web.url).postJson("/api/signup", { ...valid, email: uniqueEmail(), name: "😀".repeat(100) })).status).toBe(201);
  });

  test.each([
    ["email", { email: 1, password: PASSWORD }],
    ["password", { email: "a@example.com", password: false }],
    ["password", { email: "a@example.com" }],
  ])("login: 400 invalid_field %s (case %#)", async (field, body) => {
    expectClientError(await new WebClient(web.url).postJson("/api/login", body), 400, "invalid_field", field);
  });

  test("a second sign-up with the same email in another case: 409, and the first account unchanged", async () => {
    const email = uniqueEmail("Case");
    const first = new WebClient(web.url);
    const userId = await first.signup(email, "First");
    const again = await new WebClient(web.url).postJson("/api/signup", { email: email.toUpperCase(), name: "Second", password: "another password" });
    expectClientError(again, 409, "email_taken", "email");
    expect((await first.get<{ userId: string; name: string }>("/api/me")).body).toMatchObject({ userId, name: "First" });
    expect((await new WebClient(web.url).postJson("/api/login", { email, password: "another password" })).status).toBe(401);
  });
});

describe("bodies that are not what a route takes", () => {
  const post = (path: string, body: string | Buffer, type?: string) =>
    new WebClient(web.url).request("POST", path, { body, headers: type === undefined ? {} : { "content-type": type } });

  test.each<[string, string, string, number, string]>([
    ["/api/signup", "{not json", "application/json", 400, "invalid_json"],
    ["/api/signup", "", "application/json", 400, "invalid_json"],
    ["/api/signup", "[1,2]", "application/json", 400, "invalid_body"],
    ["/api/signup", '"just a string"', "application/json", 400, "invalid_body"],
    ["/api/signup", "null", "application/json", 400, "invalid_body"],
    ["/api/login", "email=a@b.c&password=x", "application/x-www-form-urlencoded", 415, "unsupported_media_type"],
    ["/api/login", "hello", "text/plain", 415, "unsupported_media_type"],
    ["/api/signup", JSON.stringify({ email: "a@example.com", name: "x".repeat(20_000), password: PASSWORD }), "application/json", 413, "payload_too_large"],
    ["/api/uploads", JSON.stringify({ file: "x" }), "application/json", 401, "unauthorized"],
  ])("POST %s as %s (case %#): %i %s", async (path, body, type, status, code) => {
    expectClientError(await post(path, body, type), status, code);
  });

  test("a proto-pollution attempt is plain data", async () => {
    const reply = await post("/api/signup", '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}', "application/json");
    expect(reply.status).toBe(400);
  });

  test("an unknown route or method: 404 in the error shape", async () => {
    expectClientError(await new WebClient(web.url).get("/api/nothing"), 404, "not_found");
    expectClientError(await new WebClient(web.url).request("DELETE", "/api/me"), 404, "not_found");
  });

  test.each([
    ["not HTTP at all", "GARBAGE\r\n\r\n", 400, "bad_request"],
    ["headers over Node's 16 KiB", `GET /api/me HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, 431, "headers_too_large"],
  ])("%s: %i %s in the error shape", async (_what, raw, status, code) => {
    const { port } = new URL(web.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => socket.end(raw));
      let data = "";
      socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
      socket.on("error", reject);
      socket.on("close", () => resolve(data));
    });
    expect(answer.split("\r\n")[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({ error: { code, message: expect.any(String) } });
  });

  test("a malformed URL: 400 in the error shape", async () => {
    expectClientError(await new WebClient(web.url).get("/api/%E0%A4%A"), 400, "bad_request");
  });
});

describe("uploads that are not a proper multipart file", () => {
  let client: WebClient;
  beforeAll(async () => {
    client = new WebClient(web.url);
    await client.signup(uniqueEmail("multipart"));
  });
  afterEach(() => expect(web.tempFiles()).toEqual([]));

  test("JSON or text instead of multipart: 415", async () => {
    expectClientError(await client.request("POST", "/api/uploads", { body: "{}", headers: { "content-type": "application/json" } }), 415, "unsupported_media_type");
    expectClientError(await client.request("POST", "/api/profile/picture", { body: "abc", headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
  });

  test("multipart without a boundary, or cut off: 400 invalid_multipart", async () => {
    expectClientError(await client.request("POST", "/api/uploads", { body: "--x\r\n", headers: { "content-type": "multipart/form-data" } }), 400, "invalid_multipart");
    const truncated = '--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhalf a file';
    expectClientError(await client.request("POST", "/api/uploads", { body: truncated, headers: { "content-type": "multipart/form-data; boundary=b" } }), 400, "invalid_multipart");
  });

  test("two files in one request: the first is stored, the second is not", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("first")]), "first.txt");
    form.append("file", new Blob([Buffer.from("second")]), "second.txt");
    const reply = await client.request<{ key: string; size: number }>("POST", "/api/uploads", { body: form });
    expect(reply.status).toBe(201);
    expect(reply.body.key).toMatch(/\/first\.txt$/);
    const names = (await client.get<{ items: Array<{ name: string }> }>("/api/uploads")).body.items.map((i) => i.name);
    expect(names).toContain("first.txt");
    expect(names).not.toContain("second.txt");
  });

  test("an empty file: 400 empty_file, nothing stored", async () => {
    expectClientError(await client.upload("/api/uploads", Buffer.alloc(0), "empty.txt"), 400, "empty_file", "file");
    expectClientError(await client.upload("/api/profile/picture", Buffer.alloc(0), "empty.png", "image/png"), 400, "empty_file", "file");
    const names = (await client.get<{ items: Array<{ name: string }> }>("/api/uploads")).body.items.map((i) => i.name);
    expect(names).not.toContain("empty.txt");
  });

  test("file names cannot leave their folder; the key keeps a safe, bounded name", async () => {
    const me = (await client.get<{ userId: string }>("/api/me")).body.userId;
    for (const [raw, expected] of [
      ["../../etc/passwd", "passwd"],
      ["..\\..\\boot.ini", "boot.ini"],
      ["..", "file"],
      ["a\u0000b\u001f.txt", "ab.txt"],
      [`${"n".repeat(300)}.txt`, `${"n".repeat(96)}.txt`],
    ]) {
      const reply = await client.upload<{ key: string }>("/api/uploads", Buffer.from("x"), raw);
      expect(reply.status).toBe(201);
      expect(reply.body.key).toMatch(new RegExp(`^uploads/${me}/[0-9a-f-]{36}/[^/]+$`));
      expect(reply.body.key.split("/").pop()).toBe(expected);
    }
    const picture = await client.upload<{ key: string }>("/api/profile/picture", IMAGES.jpeg, "../../../other-user/x.jpg", "image/jpeg");
    expect(picture.body.key).toBe(`profile-pictures/${me}/x.jpg`);
    const unnamed = await client.upload<{ key: string }>("/api/profile/picture", IMAGES.webp, "..", "image/webp");
    expect(unnamed.body.key).toBe(`profile-pictures/${me}/picture.webp`);
  });
});

describe("sessions that are missing or forged", () => {
  test.each([
    ["no cookie", undefined],
    ["an unsigned token", "sid=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"],
    ["a wrong signature", "sid=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["garbage", "sid=%%%;;;==="],
    ["SQL in the cookie", `sid=${encodeURIComponent("' OR '1'='1")}`],
  ])("%s: 401 on every route that needs a session", async (_what, cookie) => {
    const client = new WebClient(web.url);
    const headers: Record<string, string> = cookie === undefined ? {} : { cookie };
    expectClientError(await client.request("GET", "/api/me", { headers }), 401, "unauthorized");
    expectClientError(await client.request("GET", "/api/uploads", { headers }), 401, "unauthorized");
    const form = new FormData();
    form.append("file", new Blob([IMAGES.png]), "a.png");
    expectClientError(await client.request("POST", "/api/profile/picture", { body: form, headers }), 401, "unauthorized");
  });

  test("another user's signed cookie value moved into a tampered cookie is refused", async () => {
    const client = new WebClient(web.url);
    await client.signup(uniqueEmail("tamper"));
    const [name, value] = client.cookie!.split("=");
    const [token, signature] = value.split(".");
    const flipped = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expectClientError(await client.request("GET", "/api/me", { headers: { cookie: `${name}=${flipped}.${signature}` } }), 401, "unauthorized");
  });

  test("X-Forwarded-Proto from an untrusted client neither sets Secure nor HSTS", async () => {
    const reply = await new WebClient(web.url).request("POST", "/api/signup", {
      body: JSON.stringify({ email: uniqueEmail(), name: "Plain", password: PASSWORD }),
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.getSetCookie().join("\n")).not.toMatch(/Secure/i);
    expect(reply.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("SQL meta-characters in every text field", () => {
  test("sign-up, login, /api/me, upload name and type round-trip them as text", async () => {
    const email = `o'brien"--;+${Date.now()}@example.com`;
    const client = new WebClient(web.url);
    const userId = await client.signup(email, SQL, SQL);
    const login = new WebClient(web.url);
    expect((await login.postJson("/api/login", { email, password: SQL })).body).toEqual({ userId });
    expect((await login.postJson("/api/login", { email: `' OR '1'='1`, password: `' OR '1'='1` })).status).toBe(401);
    expect((await login.get("/api/me")).body).toMatchObject({ userId, email, name: SQL });
    // A file name keeps everything but path separators ("/" and "\\" end a folder name); `"` is
    // left out because browsers (and fetch's FormData) send it percent-encoded in a file name.
    const fileName = `${SQL.replace("\\", "").replace('"', "")}.txt`;
    const upload = await login.upload<{ key: string; contentType: string }>("/api/uploads", Buffer.from("data"), fileName, "text/plain");
    expect(upload.status).toBe(201);
    const items = (await login.get<{ items: Array<{ name: string }> }>("/api/uploads")).body.items;
    expect(items.map((i) => i.name)).toEqual([fileName]);
    const typed = await login.upload<{ contentType: string }>("/api/uploads", Buffer.from("data"), "t.txt", `text/plain'; DROP TABLE uploads; --`);
    // A declared type that is not a well-formed media type is not stored as given.
    expect(typed.body.contentType).toBe("application/octet-stream");
    expect((await new WebClient(web.url).get("/healthz")).body).toEqual({ status: "ok" });
  });
});

describe("a client that aborts mid-upload", () => {
  /** Sends the multipart head and `bytes` of a declared 10 MB body, waits for spooling, then drops the connection. */
  async function abortUpload(path: string, cookie: string, firstBytes: Buffer): Promise<void> {
    const boundary = "----abort-boundary";
    const request = httpRequest(`${web.url}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(10 * 1024 * 1024) },
    });
    request.on("error", () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.png"\r\nContent-Type: image/png\r\n\r\n`);
    request.write(firstBytes);
    await waitFor(() => web.tempFiles().length > 0, "the upload to reach the temp directory");
    request.destroy();
    await waitFor(() => web.tempFiles().length === 0, "the temp file to be removed");
  }

  test("leaves no temp file, no S3 object, no metadata; the app goes on serving", async () => {
    const client = new WebClient(web.url);
    const userId = await client.signup(uniqueEmail("abort"));
    await abortUpload("/api/uploads", client.cookie!, Buffer.alloc(256 * 1024, 1));
    await abortUpload("/api/profile/picture", client.cookie!, Buffer.concat([IMAGES.png, Buffer.alloc(256 * 1024, 1)]));
    expect(await keys(`uploads/${userId}/`)).toEqual([]);
    expect(await keys(`profile-pictures/${userId}/`)).toEqual([]);
    expect((await client.get<{ items: unknown[] }>("/api/uploads")).body.items).toEqual([]);
    expect((await client.upload("/api/uploads", Buffer.from("after the abort"), "ok.txt")).status).toBe(201);
    expect(web.output()).not.toMatch(/"level":50/);
  });
});

describe("large files", () => {
  test("a 20 MiB file arrives whole, byte for byte, with the declared type", async () => {
    const client = new WebClient(web.url);
    await client.signup(uniqueEmail("large"));
    const bytes = randomBytes(20 * 1024 * 1024 + 123);
    const reply = await client.upload<{ key: string; size: number }>("/api/uploads", bytes, "large.bin", "application/x-test");
    expect(reply.status).toBe(201);
    expect(reply.body.size).toBe(bytes.length);
    const out = await web.s3.send(new GetObjectCommand({ Bucket: web.aws.bucket, Key: reply.body.key }));
    const stored = Buffer.from(await out.Body!.transformToByteArray());
    expect(createHash("sha256").update(stored).digest("hex")).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(out.ContentType).toBe("application/x-test");
    expect(web.tempFiles()).toEqual([]);
  }, 60_000);

  test("a client that aborts after 20 MiB of a declared 64: no object, no row, no temp file", async () => {
    const client = new WebClient(web.url);
    const userId = await client.signup(uniqueEmail("large-abort"));
    const boundary = "----large-abort";
    const request = httpRequest(`${web.url}/api/uploads`, {
      method: "POST",
      headers: { cookie: client.cookie!, "content-type": `multipart/form-data; boundary=${boundary}`, "content-length": String(64 * 1024 * 1024) },
    });
    request.on("error", () => undefined);
    request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`);
    const chunk = Buffer.alloc(1024 * 1024, 9);
    for (let i = 0; i < 20; i++) if (!request.write(chunk)) await new Promise((resolve) => request.once("drain", resolve));
    await waitFor(() => web.tempFiles().length > 0, "the upload to reach the temp directory");
    request.destroy();
    await waitFor(() => web.tempFiles().length === 0, "the temp file to be removed");
    expect(await keys(`uploads/${userId}/`)).toEqual([]);
    expect((await client.get<{ items: unknown[] }>("/api/uploads")).body.items).toEqual([]);
  }, 60_000);
});

describe("no bad input above produced a 500", () => {
  test("the app logged no error", () => {
    // Fastify logs every 5xx at level 50 (error); the bad-input cases above must all have been 4xx.
    expect(web.output()).not.toMatch(/"level":50/);
  });
});
