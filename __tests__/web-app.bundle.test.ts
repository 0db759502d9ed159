/**
 * The deployed web app, end to end: the esbuild bundle that the stack uploads as its artifact runs
 * in a fresh Node process (as webapp.service runs it, configured only by environment variables)
 * against PGlite, dynalite and s3rver, with the AWS calls going through the recording proxy. Every
 * code path that calls AWS is driven over HTTP, then the recorded S3 and DynamoDB actions are
 * compared with what the synthesized stack grants the instance role: least privilege, proved.
 *
 * Not recorded here, asserted on the synthesized policy instead (stacks.test.ts): the boot script's
 * s3:GetObject of the artifact (bash + AWS CLI on the instance), rds-db:connect as `app` (the app
 * signs an IAM token locally; RDS checks it at login; PGlite has no IAM) and
 * secretsmanager:GetSecretValue on the master secret (migrations; locally the master password is
 * passed as DB_MIGRATION_PASSWORD) — see `the statements not exercised locally` below.
 */
import { createHash } from "crypto";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Client } from "pg";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { Testing } from "cdktf";
import dev from "../environments/dev";
import { PlatformStack, PROFILE_PICTURES_PREFIX, UPLOADS_PREFIX } from "../stacks/platform-stack";
import { calledPairs, calledResource, GrantedStatement, grantedPairs, roleStatements } from "./support/least-privilege";
import { LocalAws, startLocalAws } from "./support/local-aws";
import { LocalPglite, startPglite } from "./support/pglite-server";
import { AppProcess, startAppProcess, webAppEnv } from "./support/web-app";
import { IMAGES, uniqueEmail, WebClient } from "./support/web-client";

// One synth: the stack's own bundle (exactly the uploaded artifact) and its IAM grants.
const app = Testing.app();
const stack = new PlatformStack(app, dev, { guardrails: { log: () => {} } });
const synthesized = JSON.parse(Testing.synth(stack)) as {
  data: { aws_iam_policy_document: Record<string, { statement: GrantedStatement[] }> };
  resource: { aws_s3_object: Record<string, { key: string }> };
};
const bundle = stack.webAppBundle;

let aws: LocalAws;
let pglite: LocalPglite;
let server: AppProcess;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  [aws, pglite] = await Promise.all([startLocalAws(), startPglite()]);
  root = mkdtempSync(join(tmpdir(), "webapp-bundle-"));
  env = webAppEnv(aws, pglite, root);
  server = await startAppProcess(env, bundle.scriptPath);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await Promise.all([aws?.close(), pglite?.close()]);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** As the master user, on the app's database (PGlite: one shared session; names are not checked). */
async function asMaster<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: pglite.host, port: pglite.port, user: "postgres", password: "postgres", database: "postgres" });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe("the built web app bundle", () => {
  it("is exactly the artifact the stack uploads (its key holds the bundle's SHA-256)", () => {
    const sha256 = createHash("sha256").update(readFileSync(bundle.scriptPath)).digest("hex");
    const [object] = Object.values(synthesized.resource.aws_s3_object);
    expect(object.key).toBe(`web-app/${sha256}/server.js`);
  });

  it("serves every AWS-calling path: health, uploads (and their download links), pictures, the avatar", async () => {
    const web = new WebClient(server.url);
    expect((await web.get("/healthz")).body).toEqual({ status: "ok" });
    const userId = await web.signup(uniqueEmail("bundle"));

    const uploaded = await web.upload<{ key: string }>("/api/uploads", Buffer.from("hello from the bundle"), "hello.txt", "text/plain");
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.key.startsWith(`${UPLOADS_PREFIX}${userId}/`)).toBe(true);
    const list = await web.get<{ items: { url: string }[] }>("/api/uploads");
    const download = await fetch(list.body.items[0].url);
    expect(await download.text()).toBe("hello from the bundle");

    const picture = await web.upload<{ key: string }>("/api/profile/picture", IMAGES.png, "me.png", "image/png");
    expect(picture.status).toBe(202);
    expect(picture.body.key).toBe(`${PROFILE_PICTURES_PREFIX}${userId}/me.png`);

    // What the Lambda records (written here directly): with the accepted version, and an item from
    // before versions were recorded.
    const avatar = { userId, avatarKey: picture.body.key, avatarContentType: "image/png", avatarSize: IMAGES.png.length, avatarUpdatedAt: new Date().toISOString() };
    for (const item of [{ ...avatar, avatarVersionId: "null" }, avatar]) {
      await aws.dynamo.send(new PutCommand({ TableName: aws.tableName, Item: item }));
      // The app reuses a user's avatar read for up to a second: ask until the new item shows (bounded).
      const versioned = "avatarVersionId" in item;
      let me = await web.get<{ avatar: { url: string } }>("/api/me");
      for (let i = 0; i < 30 && me.status === 200 && new URL(me.body.avatar.url).searchParams.has("versionId") !== versioned; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        me = await web.get<{ avatar: { url: string } }>("/api/me");
      }
      expect(me.status).toBe(200);
      expect(new URL(me.body.avatar.url).searchParams.has("versionId")).toBe(versioned);
      expect((await fetch(me.body.avatar.url)).status).toBe(200);
    }
  }, 60_000);

  it("renders the pages from the bundle (the pages call the app's own API in-process)", async () => {
    const web = new WebClient(server.url);
    const signedOut = await web.get("/profile");
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get("location")).toBe("/");
    const index = await web.get("/");
    expect(index.status).toBe(200);
    expect(index.headers.get("content-type")).toMatch(/^text\/html/);
    expect(index.text).toContain("<form");
    await web.signup(uniqueEmail("pages"), "Page Reader");
    const profile = await web.get("/profile");
    expect(profile.status).toBe(200);
    expect(profile.text).toContain("Page Reader");
    expect(profile.headers.get("cache-control")).toBe("no-store");
  }, 30_000);

  it("removes the stored object when its metadata cannot be recorded (s3:DeleteObject)", async () => {
    const web = new WebClient(server.url);
    await web.signup(uniqueEmail("orphan"));
    await asMaster((db) => db.query("ALTER TABLE uploads RENAME TO uploads_unavailable"));
    try {
      const reply = await web.upload("/api/uploads", Buffer.from("never listed"), "orphan.txt", "text/plain");
      expect(reply.status).toBe(500);
    } finally {
      await asMaster((db) => db.query("ALTER TABLE uploads_unavailable RENAME TO uploads"));
    }
    const deleted = aws.recorder.calls().filter((c) => c.action === "s3:DeleteObject");
    expect(deleted).toHaveLength(1);
    expect(deleted[0].status).toBe(204);
  }, 60_000);

  it("called exactly the S3 and DynamoDB actions the stack grants the instance role, resource by resource", () => {
    const onDataServices = roleStatements(synthesized.data, "web_role_policy-document").filter((s) => s.actions.every((a) => a.startsWith("s3:") || a.startsWith("dynamodb:")));
    // The boot script's download (bash on the instance), not the app.
    const granted = grantedPairs(onDataServices.filter((s) => s.sid !== "ReadArtifactsWebApp"));
    const called = calledPairs(aws.recorder.observed(), calledResource(aws, [UPLOADS_PREFIX, PROFILE_PICTURES_PREFIX]));
    expect(called).toEqual(granted);
    expect(granted).toEqual([
      "dynamodb:GetItem on profile table",
      's3:DeleteObject on uploads objects under "uploads/"',
      's3:GetObject on uploads objects under "profile-pictures/"',
      's3:GetObject on uploads objects under "uploads/"',
      's3:GetObjectVersion on uploads objects under "profile-pictures/"',
      "s3:ListBucket on uploads bucket",
      's3:PutObject on uploads objects under "profile-pictures/"',
      's3:PutObject on uploads objects under "uploads/"',
    ]);
  });

  it("the statements not exercised locally are each scoped to their one resource", () => {
    const others = roleStatements(synthesized.data, "web_role_policy-document").filter((s) => !s.actions.every((a) => a.startsWith("s3:") || a.startsWith("dynamodb:")) || s.sid === "ReadArtifactsWebApp");
    expect(others.map((s) => [s.sid, s.actions, s.resources.length])).toEqual([
      ["ReadArtifactsWebApp", ["s3:GetObject"], 1],
      ["ConnectDatabaseAsApp", ["rds-db:connect"], 1],
      ["ReadDatabaseMasterSecret", ["secretsmanager:GetSecretValue"], 1],
      // The CloudWatch agent's (not the app's): its namespace only, its log group only.
      ["AgentPutMetrics", ["cloudwatch:PutMetricData"], 1],
      ["AgentWriteLogs", ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], 2],
    ]);
    expect(others[0].resources[0]).toMatch(/^\$\{aws_s3_bucket\.artifacts_bucket_[0-9A-F]{8}\.arn\}\/web-app\/\*$/);
    expect(others[1].resources[0]).toMatch(/dbuser:%s\/%s.*resource_id, "app"\)\}$/);
    expect(others[2].resources[0]).toMatch(/master_user_secret\[0\]\.secret_arn\}$/);
  });
});
