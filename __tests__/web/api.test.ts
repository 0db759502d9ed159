/**
 * Every row of the web app contract (DESIGN.md "Web app contract"), success and error columns,
 * against the app as its own process with real servers on loopback: PGlite (PostgreSQL wire
 * protocol), dynalite and s3rver. TRUST_PROXY=127.0.0.1 here, so X-Forwarded-For/-Proto count.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { AVATAR_CACHE_MS } from "../../web/routes/me";
import { startPglite, type LocalPglite } from "../support/pglite-server";
import { startWebApp, type WebAppUnderTest } from "../support/web-app";
import { IMAGES, uniqueEmail, WebClient, type ErrorBody } from "../support/web-client";

let web: WebAppUnderTest;
let pglite: LocalPglite;
const UPLOAD_LIMIT = 256 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PASSWORD = "correct horse battery";

beforeAll(async () => {
  // This file owns its PGlite, to stop it in the last test (PostgreSQL down).
  pglite = await startPglite();
  web = await startWebApp({ TRUST_PROXY: "127.0.0.1", MAX_UPLOAD_BYTES: String(UPLOAD_LIMIT), DB_HOST: pglite.host, DB_PORT: String(pglite.port) });
}, 90_000);

afterAll(async () => {
  await web?.close();
  await pglite?.close();
});

afterEach(() => {
  expect(web.tempFiles()).toEqual([]);
});

async function objectBytes(key: string): Promise<{ body: Buffer; contentType?: string }> {
  const out = await web.s3.send(new GetObjectCommand({ Bucket: web.aws.bucket, Key: key }));
  return { body: Buffer.from(await out.Body!.transformToByteArray()), contentType: out.ContentType };
}

async function signedIn(): Promise<{ client: WebClient; userId: string; email: string }> {
  const client = new WebClient(web.url);
  const email = uniqueEmail();
  const userId = await client.signup(email, "Signed In", PASSWORD);
  return { client, userId, email };
}

function expectError(reply: { status: number; body: unknown }, status: number, code: string, field?: string): void {
  expect(reply.status).toBe(status);
  const { error } = reply.body as ErrorBody;
  expect(error.code).toBe(code);
  expect(typeof error.message).toBe("string");
  expect(error.message.length).toBeGreaterThan(0);
  if (field === undefined) expect(error.field).toBeUndefined();
  else expect(error.field).toBe(field);
}

describe("GET /healthz", () => {
  test("200 { status: ok } when PostgreSQL, S3 and DynamoDB answer", async () => {
    const reply = await new WebClient(web.url).get("/healthz");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: "ok" });
  });

  test("503 { status: degraded, failing } naming the dependencies that do not answer", async () => {
    web.aws.setS3Fault(() => ({ status: 403, headers: { "content-type": "application/xml" }, body: "<Error><Code>AccessDenied</Code></Error>" }));
    web.aws.setDynamoFault(() => "reset");
    try {
      const reply = await new WebClient(web.url).get("/healthz");
      expect(reply.status).toBe(503);
      expect(reply.body).toEqual({ status: "degraded", failing: ["s3", "dynamodb"] });
    } finally {
      web.aws.setS3Fault(undefined);
      web.aws.setDynamoFault(undefined);
    }
  });
});

describe("POST /api/signup", () => {
  test("201 { userId } and an HttpOnly, SameSite=Lax session cookie (not Secure over plain HTTP)", async () => {
    const client = new WebClient(web.url);
    const reply = await client.postJson<{ userId: string }>("/api/signup", { email: uniqueEmail(), name: "New User", password: PASSWORD });
    expect(reply.status).toBe(201);
    expect(Object.keys(reply.body as object)).toEqual(["userId"]);
    expect(reply.body.userId).toMatch(UUID);
    const cookie = reply.headers.getSetCookie().join("\n");
    expect(cookie).toMatch(/^sid=[^;]+;.*HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
    expect(reply.headers.get("strict-transport-security")).toBeNull();
    expect((await client.get<{ userId: string }>("/api/me")).body.userId).toBe(reply.body.userId);
  });

  test("behind the trusted proxy over HTTPS the cookie is Secure and HSTS is sent", async () => {
    const reply = await new WebClient(web.url).request("POST", "/api/signup", {
      body: JSON.stringify({ email: uniqueEmail(), name: "Https", password: PASSWORD }),
      headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
    });
    expect(reply.status).toBe(201);
    expect(reply.headers.getSetCookie().join("\n")).toMatch(/;\s*Secure/i);
    expect(reply.headers.get("strict-transport-security")).toMatch(/^max-age=\d+/);
  });

  test.each([
    ["email", { email: "not-an-email", name: "N", password: PASSWORD }],
    ["email", { name: "N", password: PASSWORD }],
    ["name", { email: "a@example.com", name: "", password: PASSWORD }],
    ["name", { email: "a@example.com", name: "x".repeat(101), password: PASSWORD }],
    ["password", { email: "a@example.com", name: "N", password: "short7!" }],
  ])("400 invalid_field %s: %j", async (field, body) => {
    const reply = await new WebClient(web.url).postJson("/api/signup", body);
    expectError(reply, 400, "invalid_field", field);
    expect(reply.headers.getSetCookie()).toEqual([]);
  });

  test("409 email_taken for an email already registered", async () => {
    const { email } = await signedIn();
    const reply = await new WebClient(web.url).postJson("/api/signup", { email, name: "Again", password: PASSWORD });
    expectError(reply, 409, "email_taken", "email");
  });
});

describe("POST /api/login", () => {
  test("200 { userId } and a new session cookie", async () => {
    const { userId, email } = await signedIn();
    const client = new WebClient(web.url);
    const reply = await client.postJson("/api/login", { email: email.toUpperCase(), password: PASSWORD });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ userId });
    expect(reply.headers.getSetCookie().join("\n")).toMatch(/^sid=.*HttpOnly.*SameSite=Lax/i);
    expect((await client.get<{ userId: string }>("/api/me")).body.userId).toBe(userId);
  });

  test("401 invalid_credentials, the same answer for an unknown email and a wrong password", async () => {
    const { email } = await signedIn();
    const wrong = await new WebClient(web.url).postJson("/api/login", { email, password: "wrong password" });
    const unknown = await new WebClient(web.url).postJson("/api/login", { email: uniqueEmail("nobody"), password: PASSWORD });
    expectError(wrong, 401, "invalid_credentials");
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers.getSetCookie()).toEqual([]);
  });

  test("429 with Retry-After once an email had 10 failed logins, even with the right password then", async () => {
    const { email } = await signedIn();
    const client = new WebClient(web.url);
    for (let i = 0; i < 10; i++) {
      // Each failure from another address: the email's own counter is what trips.
      const reply = await client.request("POST", "/api/login", {
        body: JSON.stringify({ email, password: `wrong ${i}` }),
        headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i + 1}` },
      });
      expect(reply.status).toBe(401);
    }
    const throttled = await client.postJson("/api/login", { email: email.toUpperCase(), password: PASSWORD });
    expectError(throttled, 429, "too_many_attempts");
    expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  test("429 for a client address after 50 failed logins, whatever the email; other addresses go on", async () => {
    const { email } = await signedIn();
    const from = (address: string, body: object) =>
      new WebClient(web.url).request("POST", "/api/login", { body: JSON.stringify(body), headers: { "content-type": "application/json", "x-forwarded-for": address } });
    const guesses = await Promise.all(Array.from({ length: 60 }, () => from("203.0.113.9", { email: uniqueEmail("guess"), password: "guess" })));
    // Sent at once: attempts count from their start, so no more than the limit get a password check.
    expect(guesses.filter((r) => r.status === 401)).toHaveLength(50);
    expect(guesses.filter((r) => r.status === 429)).toHaveLength(10);
    expectError(await from("203.0.113.9", { email, password: PASSWORD }), 429, "too_many_attempts");
    expect((await from("203.0.113.10", { email, password: PASSWORD })).status).toBe(200);
  });
});

describe("POST /api/logout", () => {
  test("204, the cookie cleared, and the old cookie refused afterwards (revoked server-side)", async () => {
    const { client } = await signedIn();
    const oldCookie = client.cookie!;
    const reply = await client.request("POST", "/api/logout");
    expect(reply.status).toBe(204);
    expect(reply.text).toBe("");
    expect(reply.headers.getSetCookie().join("\n")).toMatch(/^sid=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    const replay = await new WebClient(web.url).request("GET", "/api/me", { headers: { cookie: oldCookie } });
    expectError(replay, 401, "unauthorized");
  });

  test("204 without a session too", async () => {
    expect((await new WebClient(web.url).request("POST", "/api/logout")).status).toBe(204);
  });
});

describe("GET /api/me", () => {
  test("200 { userId, email, name, createdAt, avatar: null } before any picture", async () => {
    const { client, userId, email } = await signedIn();
    const reply = await client.get<Record<string, unknown>>("/api/me");
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ userId, email, name: "Signed In", createdAt: expect.any(String), avatar: null });
    expect(new Date(reply.body.createdAt as string).toISOString()).toBe(reply.body.createdAt);
  });

  test("avatar from the DynamoDB item, with a presigned GET of exactly the recorded version", async () => {
    const { client, userId } = await signedIn();
    const key = `profile-pictures/${userId}/me.png`;
    await web.s3.send(new PutObjectCommand({ Bucket: web.aws.bucket, Key: key, Body: IMAGES.png, ContentType: "image/png" }));
    await web.aws.dynamo.send(
      new PutCommand({
        TableName: web.aws.tableName,
        Item: { userId, avatarKey: key, avatarContentType: "image/png", avatarSize: IMAGES.png.length, avatarUpdatedAt: "2026-01-02T03:04:05.000Z", avatarVersionId: "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" },
      }),
    );
    const reply = await client.get<{ avatar: Record<string, unknown> }>("/api/me");
    expect(reply.body.avatar).toEqual({ key, contentType: "image/png", size: IMAGES.png.length, updatedAt: "2026-01-02T03:04:05.000Z", url: expect.any(String) });
    const url = new URL(reply.body.avatar.url as string);
    expect(url.searchParams.get("versionId")).toBe("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY");
    expect(Number(url.searchParams.get("X-Amz-Expires"))).toBeLessThanOrEqual(900);

    // Without a recorded version the URL fetches the current object. The avatar read is reused
    // for up to a second (AVATAR_CACHE_MS), so the change shows within about that.
    await web.aws.dynamo.send(new PutCommand({ TableName: web.aws.tableName, Item: { userId, avatarKey: key, avatarContentType: "image/png", avatarSize: IMAGES.png.length, avatarUpdatedAt: "2026-01-02T03:05:00.000Z" } }));
    const changedAt = Date.now();
    let current = await client.get<{ avatar: { url: string; updatedAt: string } }>("/api/me");
    while (current.body.avatar.updatedAt !== "2026-01-02T03:05:00.000Z") {
      expect(Date.now() - changedAt).toBeLessThan(AVATAR_CACHE_MS + 1000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = await client.get<{ avatar: { url: string; updatedAt: string } }>("/api/me");
    }
    expect(new URL(current.body.avatar.url).searchParams.has("versionId")).toBe(false);
    const download = await fetch(current.body.avatar.url);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(IMAGES.png)).toBe(true);
  });

  test("401 without a session", async () => {
    expectError(await new WebClient(web.url).get("/api/me"), 401, "unauthorized");
  });
});

describe("POST /api/uploads", () => {
  test("201 { key, size, contentType }, key under uploads/<userId>/, the bytes in S3", async () => {
    const { client, userId } = await signedIn();
    const bytes = Buffer.from("hello, uploads\n".repeat(1000));
    const reply = await client.upload<{ key: string; size: number; contentType: string }>("/api/uploads", bytes, "notes.txt", "text/plain");
    expect(reply.status).toBe(201);
    expect(reply.body).toEqual({ key: expect.stringMatching(new RegExp(`^uploads/${userId}/[^/]+/notes\\.txt$`)), size: bytes.length, contentType: "text/plain" });
    const stored = await objectBytes(reply.body.key);
    expect(stored.body.equals(bytes)).toBe(true);
    expect(stored.contentType).toBe("text/plain");
  });

  test("a file of exactly MAX_UPLOAD_BYTES is accepted", async () => {
    const { client } = await signedIn();
    expect((await client.upload("/api/uploads", Buffer.alloc(UPLOAD_LIMIT, 7), "full.bin")).status).toBe(201);
  });

  test("401 without a session", async () => {
    expectError(await new WebClient(web.url).upload("/api/uploads", Buffer.from("x")), 401, "unauthorized");
  });

  test("400 no_file without a field named file", async () => {
    const { client } = await signedIn();
    expectError(await client.upload("/api/uploads", Buffer.from("x"), "x.txt", "text/plain", "document"), 400, "no_file", "file");
    const form = new FormData();
    form.append("comment", "no file here");
    expectError(await client.request("POST", "/api/uploads", { body: form }), 400, "no_file", "file");
  });

  test("413 file_too_large over MAX_UPLOAD_BYTES; no temp file and no object left", async () => {
    const { client, userId } = await signedIn();
    const before = await listKeys(`uploads/${userId}/`);
    expectError(await client.upload("/api/uploads", Buffer.alloc(UPLOAD_LIMIT + 1, 1), "big.bin"), 413, "file_too_large", "file");
    expect(await listKeys(`uploads/${userId}/`)).toEqual(before);
    expect((await client.get<{ items: unknown[] }>("/api/uploads")).body.items).toEqual([]);
  });
});

describe("GET /api/uploads", () => {
  test("200 { items } newest first, each with a download URL; only the user's own", async () => {
    const { client } = await signedIn();
    const other = await signedIn();
    await other.client.upload("/api/uploads", Buffer.from("not yours"), "other.txt", "text/plain");
    for (const name of ["a.txt", "b.txt", "c.txt"]) await client.upload("/api/uploads", Buffer.from(`content of ${name}`), name, "text/plain");
    const reply = await client.get<{ items: Array<{ key: string; name: string; size: number; contentType: string; createdAt: string; url: string }> }>("/api/uploads");
    expect(reply.status).toBe(200);
    expect(reply.body.items.map((i) => i.name)).toEqual(["c.txt", "b.txt", "a.txt"]);
    const [newest] = reply.body.items;
    expect(Object.keys(newest).sort()).toEqual(["contentType", "createdAt", "key", "name", "size", "url"]);
    expect(newest).toMatchObject({ size: "content of c.txt".length, contentType: "text/plain" });
    const download = await fetch(newest.url);
    expect(download.status).toBe(200);
    expect(await download.text()).toBe("content of c.txt");
    expect(download.headers.get("content-disposition")).toMatch(/^attachment/);
  });

  test("401 without a session", async () => {
    expectError(await new WebClient(web.url).get("/api/uploads"), 401, "unauthorized");
  });
});

describe("POST /api/profile/picture", () => {
  test.each([
    ["png", "image/png"],
    ["jpeg", "image/jpeg"],
    ["webp", "image/webp"],
  ] as const)("202 { key } for a %s; stored as %s whatever the client declared", async (kind, detected) => {
    const { client, userId } = await signedIn();
    const reply = await client.upload<{ key: string }>("/api/profile/picture", IMAGES[kind], `avatar.${kind}`, "text/plain");
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ key: `profile-pictures/${userId}/avatar.${kind}` });
    const head = await web.s3.send(new HeadObjectCommand({ Bucket: web.aws.bucket, Key: reply.body.key }));
    expect(head.ContentType).toBe(detected);
    expect(head.ContentLength).toBe(IMAGES[kind].length);
  });

  test("401 without a session", async () => {
    expectError(await new WebClient(web.url).upload("/api/profile/picture", IMAGES.png, "a.png", "image/png"), 401, "unauthorized");
  });

  test("400 no_file without a field named file", async () => {
    const { client } = await signedIn();
    expectError(await client.upload("/api/profile/picture", IMAGES.png, "a.png", "image/png", "picture"), 400, "no_file", "file");
  });

  test("413 over 5 MiB (a real PNG header), nothing stored", async () => {
    const { client, userId } = await signedIn();
    const big = Buffer.concat([IMAGES.png, Buffer.alloc(5 * 1024 * 1024, 0)]);
    expectError(await client.upload("/api/profile/picture", big, "big.png", "image/png"), 413, "file_too_large", "file");
    expect(await listKeys(`profile-pictures/${userId}/`)).toEqual([]);
  });

  test("415 for bytes that are not JPEG/PNG/WebP, whatever the declared type; nothing stored", async () => {
    const { client, userId } = await signedIn();
    const gif = Buffer.concat([Buffer.from("GIF89a"), Buffer.alloc(64, 0)]);
    expectError(await client.upload("/api/profile/picture", gif, "a.png", "image/png"), 415, "unsupported_image_type", "file");
    expectError(await client.upload("/api/profile/picture", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"), "a.svg", "image/svg+xml"), 415, "unsupported_image_type", "file");
    expectError(await client.upload("/api/profile/picture", Buffer.from([0x89, 0x50]), "tiny.png", "image/png"), 415, "unsupported_image_type", "file");
    expect(await listKeys(`profile-pictures/${userId}/`)).toEqual([]);
  });
});

async function listKeys(prefix: string): Promise<string[]> {
  const { ListObjectsV2Command } = await import("@aws-sdk/client-s3");
  const out = await web.s3.send(new ListObjectsV2Command({ Bucket: web.aws.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

describe("the app calls only what its instance role grants", () => {
  test("AWS actions observed across this file", () => {
    // s3:GetObject: the downloads through the app's presigned URLs, which S3 authorizes as the
    // app's role (with a versionId, as s3:GetObjectVersion). s3:ListBucket: HeadBucket (health).
    expect([...web.aws.recorder.actions()].sort()).toEqual(["dynamodb:GetItem", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]);
  });
});

describe("when PostgreSQL is down (last: stops this file's database)", () => {
  test("/healthz is 503 naming postgres; a request that needs it is a 503 in the error shape, no stack trace", async () => {
    const { client } = await signedIn();
    await pglite.close();
    const health = await client.get("/healthz");
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ status: "degraded", failing: ["postgres"] });
    const me = await client.get("/api/me");
    expectError(me, 503, "service_unavailable");
    expect(me.headers.get("retry-after")).toBe("5");
    expect(me.text).not.toMatch(/ECONNREFUSED|\n\s+at /);
  });
});
