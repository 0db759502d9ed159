/**
 * profile-updater handler against real servers: dynalite (DynamoDB API) and s3rver (S3 API), each
 * behind a recording proxy that maps the handler's requests to IAM actions and can inject faults.
 * AWS_MAX_ATTEMPTS=2: the SDK retries a failed call once (the proxy sees both attempts) and the
 * test stays fast; production keeps the SDK default of 3.
 */
import type { S3Event } from "aws-lambda";
import { dynamoDbError, FaultInjector, FaultResponse } from "./support/aws-action-recorder";
import { HandlerOnLocalAws, startHandlerOnLocalAws } from "./support/handler-on-local-aws";
import { LocalAws } from "./support/local-aws";
import { removedRecord, s3Event, s3Record } from "./support/s3-endpoint";
import { compareVersions, normalizeSequencer } from "../functions/profile-updater/ordering";

type HandlerModule = typeof import("../functions/profile-updater");

let aws: LocalAws;
let handler: HandlerModule["handler"];
const logLines: Record<string, unknown>[] = [];

let local: HandlerOnLocalAws;

beforeAll(async () => {
  const capture = (line?: unknown): void => {
    logLines.push(JSON.parse(String(line)) as Record<string, unknown>);
  };
  local = await startHandlerOnLocalAws({ local: { maxAttempts: 2 }, console: capture });
  ({ aws, handler } = local);
});

afterAll(() => local?.stop());

afterEach(() => {
  aws.setDynamoFault(undefined);
  aws.setS3Fault(undefined);
});

const T0 = Date.parse("2024-05-01T10:00:00.000Z");
const at = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();
let sequence = 0x55aed6dcd90281e5n;
const nextSequencer = (): string => (sequence += 0x100n).toString(16).toUpperCase().padStart(18, "0");

interface Uploaded {
  key: string;
  eTag: string;
  size: number;
}

async function upload(key: string, contentType: string, size = 2048): Promise<Uploaded> {
  return { key, ...(await aws.putObject(key, Buffer.alloc(size, 7), contentType)) };
}

function created(object: Uploaded, eventTime: string, sequencer = nextSequencer()) {
  return s3Record({ bucket: aws.bucket, key: object.key, eventTime, sequencer, size: object.size, eTag: object.eTag });
}

function removed(key: string, eventTime: string, sequencer = nextSequencer()) {
  return removedRecord({ bucket: aws.bucket, key, eventTime, sequencer });
}

/** Each record's outcome, with its reason when there is one ("skipped:object-gone"). */
async function outcomes(event: S3Event): Promise<string[]> {
  const { results } = await handler(event);
  return results.map((r) => (r.reason ? `${r.outcome}:${r.reason}` : r.outcome));
}

const callsFor = (fragment: string) => aws.recorder.calls().filter((c) => c.resource.includes(fragment));

describe("sequencer order (AWS: right-pad the shorter with zeros, then compare lexicographically)", () => {
  const v = (sequencer: string) => ({ eventTime: at(0), key: "k", sequencer: normalizeSequencer(sequencer)! });

  it("treats trailing zeros as padding and compares the rest byte-wise", () => {
    expect(normalizeSequencer("0055AED6DCD90281E500")).toBe("0055AED6DCD90281E5");
    expect(normalizeSequencer("0055aed6dcd90281e5")).toBe("0055AED6DCD90281E5");
    expect(normalizeSequencer("000")).toBe("0");
    expect(normalizeSequencer(undefined)).toBe("0");
    expect(normalizeSequencer("not-hex")).toBeUndefined();
    expect(compareVersions(v("0055AED6DCD90281E5"), v("0055AED6DCD90281E500"))).toBe(0);
    expect(compareVersions(v("0055AED6DCD90281E6"), v("0055AED6DCD90281E5FF"))).toBe(1); // E600 > E5FF
    expect(compareVersions(v("0055AED6DCD90281E5"), v("0055AED6DCD90281E501"))).toBe(-1);
  });
});

describe("profile-updater handler", () => {
  it("accepts a JPEG upload and writes the avatar attributes", async () => {
    const object = await upload("profile-pictures/alice/avatar.jpg", "image/jpeg", 1024);
    const record = s3Record({ bucket: aws.bucket, key: object.key, eventTime: at(1), sequencer: "0055AED6DCD90281E5", size: 1024, eTag: object.eTag, versionId: "3HL4kqtJvjVBH40Nrjfkd" });
    expect(await outcomes(s3Event(record))).toEqual(["accepted"]);
    const version = { key: object.key, eventTime: "2024-05-01T10:00:01.000Z", sequencer: "0055AED6DCD90281E5" };
    expect(await aws.getProfile("alice")).toEqual({
      userId: "alice",
      avatarKey: "profile-pictures/alice/avatar.jpg",
      avatarContentType: "image/jpeg",
      avatarSize: 1024,
      avatarUpdatedAt: "2024-05-01T10:00:01.000Z",
      avatarVersionId: "3HL4kqtJvjVBH40Nrjfkd",
      avatarETag: object.eTag,
      latestUpload: { ...version, versionId: "3HL4kqtJvjVBH40Nrjfkd", eTag: object.eTag },
      lastEvent: version,
      revision: 1,
    });
    expect(logLines).toContainEqual(expect.objectContaining({ level: "info", key: object.key, userId: "alice", outcome: "accepted" }));
  });

  it("decodes URL-encoded keys (spaces as '+', unicode, a literal '+')", async () => {
    const key = "profile-pictures/José Ñúñez/mi foto+1 ü.png";
    const object = await upload(key, "image/png");
    const record = created(object, at(1));
    expect(record.s3.object.key).toBe("profile-pictures/Jos%C3%A9+%C3%91%C3%BA%C3%B1ez/mi+foto%2B1+%C3%BC.png");
    expect(await outcomes(s3Event(record))).toEqual(["accepted"]);
    expect(await aws.getProfile("José Ñúñez")).toMatchObject({ avatarKey: key, avatarContentType: "image/png" });
    expect(callsFor(key)).toEqual([expect.objectContaining({ action: "s3:GetObject", resource: `${aws.bucket}/${key}` })]);
  });

  it.each([
    ["other prefix", "uploads/carol/avatar.png", "invalid-key:other-prefix"],
    ["prefix look-alike", "profile-pictures-old/carol/avatar.png", "invalid-key:other-prefix"],
    ["empty userId", "profile-pictures//avatar.png", "invalid-key:missing-user-id"],
    ["no file name", "profile-pictures/carol", "invalid-key:missing-file-name"],
    ["folder marker", "profile-pictures/carol/", "invalid-key:missing-file-name"],
    ["'.' as userId", "profile-pictures/./avatar.png", "invalid-key:dot-user-id"],
    ["'..' as userId", "profile-pictures/../avatar.png", "invalid-key:dot-user-id"],
  ])("skips a key with %s without any AWS call or write", async (_case, key, reason) => {
    const before = aws.recorder.calls().length;
    const record = s3Record({ bucket: aws.bucket, key, eventTime: at(1), sequencer: nextSequencer(), size: 10, eTag: "abc" });
    expect(await outcomes(s3Event(record))).toEqual([`skipped:${reason}`]);
    expect(aws.recorder.calls().length).toBe(before);
    expect(await aws.getProfile("carol")).toBeUndefined();
    expect(logLines).toContainEqual(expect.objectContaining({ outcome: "skipped", reason, key }));
  });

  it("skips a record of another bucket without any AWS call or write", async () => {
    const before = aws.recorder.calls().length;
    const key = "profile-pictures/carol/avatar.png";
    const record = s3Record({ bucket: "someone-elses-bucket", key, eventTime: at(1), sequencer: nextSequencer(), size: 10, eTag: "abc" });
    expect(await outcomes(s3Event(record))).toEqual(["skipped:other-bucket"]);
    expect(aws.recorder.calls().length).toBe(before);
    expect(await aws.getProfile("carol")).toBeUndefined();
  });

  it.each([["application/pdf"], ["image/gif"], ["image/svg+xml"]])("rejects %s: the newest upload decides, so no avatar; the rejection is recorded", async (type) => {
    const userId = `dave-${type.replace(/\W/g, "")}`;
    const good = await upload(`profile-pictures/${userId}/ok.webp`, "image/webp");
    expect(await outcomes(s3Event(created(good, at(1))))).toEqual(["accepted"]);
    const bad = await upload(`profile-pictures/${userId}/file`, type);
    expect(await outcomes(s3Event(created(bad, at(2))))).toEqual(["rejected:unsupported-content-type"]);
    const after = await aws.getProfile(userId);
    expect(after).toEqual({
      userId,
      latestUpload: { key: bad.key, eventTime: at(2), sequencer: expect.any(String), eTag: bad.eTag },
      lastEvent: { key: bad.key, eventTime: at(2), sequencer: expect.any(String) },
      lastRejectedUpload: { key: bad.key, reason: "unsupported-content-type", eventTime: at(2), sequencer: expect.any(String), contentType: type, size: 2048 },
      revision: 2,
    });
  });

  it("rejects an upload over 5 MiB and accepts one of exactly 5 MiB", async () => {
    const limit = 5 * 1024 * 1024;
    const big = await upload("profile-pictures/erin/big.png", "image/png", limit + 1);
    expect(await outcomes(s3Event(created(big, at(1))))).toEqual(["rejected:too-large"]);
    expect(await aws.getProfile("erin")).toMatchObject({ userId: "erin", lastRejectedUpload: expect.objectContaining({ reason: "too-large", size: limit + 1 }) });
    expect(await aws.getProfile("erin")).not.toHaveProperty("avatarKey");
    const edge = await upload("profile-pictures/erin/edge.png", "image/png", limit);
    expect(await outcomes(s3Event(created(edge, at(2))))).toEqual(["accepted"]);
    expect(await aws.getProfile("erin")).toMatchObject({ avatarKey: edge.key, avatarSize: limit });
  });

  it("ignores a duplicate event (same record delivered twice, and the whole event replayed)", async () => {
    const object = await upload("profile-pictures/frank/a.png", "image/png");
    const record = created(object, at(1));
    expect(await outcomes(s3Event(record, record))).toEqual(["accepted", "stale"]);
    const item = await aws.getProfile("frank");
    expect(await outcomes(s3Event(record))).toEqual(["stale"]);
    expect(await aws.getProfile("frank")).toEqual(item);
  });

  it("never lets an older event overwrite a newer one (out-of-order delivery)", async () => {
    const older = await upload("profile-pictures/grace/old.png", "image/png");
    const newer = await upload("profile-pictures/grace/new.jpg", "image/jpeg");
    expect(await outcomes(s3Event(created(newer, at(10)), created(older, at(5))))).toEqual(["accepted", "stale"]);
    expect(await aws.getProfile("grace")).toMatchObject({ avatarKey: newer.key, avatarUpdatedAt: at(10) });
  });

  it("breaks same-millisecond ties with the sequencer, right-padding the shorter one", async () => {
    const object = await upload("profile-pictures/heidi/a.png", "image/png");
    const later = created(object, at(1), "0055AED6DCD90281E6"); // = ...E600
    const earlier = created(object, at(1), "0055AED6DCD90281E5FF");
    expect(await outcomes(s3Event(later, earlier))).toEqual(["accepted", "stale"]);
    expect(await aws.getProfile("heidi")).toMatchObject({ latestUpload: { sequencer: "0055AED6DCD90281E6" } });
    const other = await upload("profile-pictures/ivan/a.png", "image/png");
    expect(await outcomes(s3Event(created(other, at(1), "0055AED6DCD90281E5FF"), created(other, at(1), "0055AED6DCD90281E6")))).toEqual(["accepted", "accepted"]);
  });

  it("removes the avatar when its object is deleted, and a late older upload does not bring one back", async () => {
    const old = await upload("profile-pictures/judy/old.png", "image/png");
    const current = await upload("profile-pictures/judy/current.png", "image/png");
    const currentCreated = created(current, at(2));
    expect(await outcomes(s3Event(currentCreated))).toEqual(["accepted"]);
    await aws.deleteObject(current.key);
    expect(await outcomes(s3Event(removed(current.key, at(3))))).toEqual(["removed"]);
    const item = await aws.getProfile("judy");
    expect(item).toEqual({
      userId: "judy",
      latestUpload: { key: current.key, eventTime: at(2), sequencer: expect.any(String), eTag: current.eTag },
      lastEvent: { key: current.key, eventTime: at(3), sequencer: expect.any(String) },
      revision: 2,
    });
    // Delivered late: an upload older than the removed avatar (its object still exists) ...
    expect(await outcomes(s3Event(created(old, at(1))))).toEqual(["stale"]);
    // ... and the deleted object's own duplicate create event.
    expect(await outcomes(s3Event(currentCreated))).toEqual(["stale"]);
    expect(await aws.getProfile("judy")).toEqual(item);
  });

  it("applies an upload made before a delete but delivered after it, as in-order processing would", async () => {
    const first = await upload("profile-pictures/ken/first.png", "image/png");
    const second = await upload("profile-pictures/ken/second.png", "image/png");
    await aws.deleteObject(first.key);
    const events = s3Event(created(first, at(1)), removed(first.key, at(3)), created(second, at(2)));
    expect(await outcomes(events)).toEqual(["skipped:object-gone", "unchanged", "accepted"]);
    expect(await aws.getProfile("ken")).toEqual(expect.objectContaining({ avatarKey: second.key, avatarUpdatedAt: at(2) }));
    expect(await aws.getProfile("ken")).toMatchObject({ lastEvent: { key: first.key, eventTime: at(3) } });
  });

  it("keeps the avatar when an older picture is deleted after a newer upload", async () => {
    const old = await upload("profile-pictures/liam/old.png", "image/png");
    const current = await upload("profile-pictures/liam/new.png", "image/png");
    expect(await outcomes(s3Event(created(old, at(1)), created(current, at(2))))).toEqual(["accepted", "accepted"]);
    const item = await aws.getProfile("liam");
    await aws.deleteObject(old.key);
    expect(await outcomes(s3Event(removed(old.key, at(3))))).toEqual(["unchanged"]);
    expect(await aws.getProfile("liam")).toEqual({ ...item, lastEvent: { key: old.key, eventTime: at(3), sequencer: expect.any(String) }, revision: 3 });
  });

  it("keeps a newer re-upload of the same key when the older delete arrives late", async () => {
    const first = await upload("profile-pictures/mia/a.png", "image/png");
    expect(await outcomes(s3Event(created(first, at(1))))).toEqual(["accepted"]);
    const deleteEvent = removed(first.key, at(2));
    const again = await upload(first.key, "image/jpeg", 4096);
    expect(await outcomes(s3Event(created(again, at(3)), deleteEvent))).toEqual(["accepted", "unchanged"]);
    expect(await aws.getProfile("mia")).toMatchObject({ avatarKey: first.key, avatarContentType: "image/jpeg", avatarUpdatedAt: at(3), avatarETag: again.eTag });
    // The first upload's event, replayed now, is older than the newest upload: it changes nothing.
    expect(await outcomes(s3Event(created(first, at(1))))).toEqual(["stale"]);
    expect(await aws.getProfile("mia")).toMatchObject({ avatarETag: again.eTag, avatarUpdatedAt: at(3) });
  });

  it("skips an upload whose object was deleted before HeadObject", async () => {
    const object = await upload("profile-pictures/nina/gone.png", "image/png");
    await aws.deleteObject(object.key);
    expect(await outcomes(s3Event(created(object, at(1))))).toEqual(["skipped:object-gone"]);
    expect(await aws.getProfile("nina")).toMatchObject({ latestUpload: { key: object.key }, lastEvent: { key: object.key } });
    expect(await aws.getProfile("nina")).not.toHaveProperty("avatarKey");
    expect(callsFor(aws.bucket).filter((c) => c.action === "s3:ListBucket" && c.status === 404)).not.toHaveLength(0);
  });

  it.each<[string, unknown]>([
    ["no Records", {}],
    ["Records not an array", { Records: "nope" }],
    ["S3 test event", { Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "b" }],
    ["null event", null],
    ["an SQS record", { Records: [{ eventSource: "aws:sqs", body: "{}" }] }],
    ["a record without s3.object", { Records: [{ eventSource: "aws:s3", eventName: "ObjectCreated:Put", s3: {} }] }],
  ])("logs and returns on malformed input (%s)", async (_case, event) => {
    const before = aws.recorder.calls().length;
    await expect(handler(event as S3Event)).resolves.toBeDefined();
    expect(aws.recorder.calls().length).toBe(before);
    expect(logLines.at(-1)).toMatchObject({ level: "warn", outcome: "malformed" });
  });

  /** Answers every DynamoDB request about `userId` with a real DynamoDB error body. */
  const failFor = (userId: string, type: Parameters<typeof dynamoDbError>[0]): FaultInjector => {
    return (req) => ((req.json?.Key as { userId?: { S?: string } } | undefined)?.userId?.S === userId ? dynamoDbError(type) : undefined);
  };

  it("throws on throttling after the SDK's own retry, without a partial write", async () => {
    const object = await upload("profile-pictures/oscar/a.png", "image/png");
    aws.setDynamoFault(failFor("oscar", "ThrottlingException"));
    const error = await handler(s3Event(created(object, at(1)))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: { name: string }) => e.name)).toEqual(["ThrottlingException"]);
    expect(callsFor("profile-table").filter((c) => c.injected && c.status === 400)).toHaveLength(2);
    expect(await aws.getProfile("oscar")).toBeUndefined();
    expect(logLines).toContainEqual(expect.objectContaining({ level: "error", userId: "oscar", outcome: "failed", transient: true }));
  });

  it("processes every record when one fails transiently, and a retry of the event completes it", async () => {
    const uploads = await Promise.all(["pat", "quinn", "rob"].map((u) => upload(`profile-pictures/${u}/a.png`, "image/png")));
    const event = s3Event(...uploads.map((o, i) => created(o, at(i + 1))));
    aws.setDynamoFault(failFor("quinn", "InternalServerError")); // 500: transient, SDK retries once
    await expect(handler(event)).rejects.toThrow(/1 of 3 record\(s\) failed \(profile-pictures\/quinn\/a.png\)/);
    expect(logLines).toContainEqual(expect.objectContaining({ userId: "quinn", outcome: "failed", errorName: "InternalServerError", transient: true }));
    expect(await aws.getProfile("pat")).toMatchObject({ avatarKey: uploads[0].key });
    expect(await aws.getProfile("quinn")).toBeUndefined();
    expect(await aws.getProfile("rob")).toMatchObject({ avatarKey: uploads[2].key });
    aws.setDynamoFault(undefined);
    expect(await outcomes(event)).toEqual(["stale", "accepted", "stale"]);
    expect(await aws.getProfile("quinn")).toMatchObject({ avatarKey: uploads[1].key });
  });

  it.each<[string, FaultResponse, boolean]>([
    ["a dropped connection", "reset", true],
    ["a 503 SlowDown", { status: 503, headers: { "x-amz-request-id": "0A1B2C3D4E5F6789" } }, true],
    ["a 403 (role without s3:GetObject, or missing object without s3:ListBucket)", { status: 403, headers: { "x-amz-request-id": "0A1B2C3D4E5F6789" } }, false],
  ])("fails the record and throws on %s from HeadObject", async (_case, fault, transient) => {
    const object = await upload(`profile-pictures/sam-${String(transient)}-${_case.length}/a.png`, "image/png");
    aws.setS3Fault((req) => (req.method === "HEAD" && req.resource.endsWith(object.key) ? fault : undefined));
    await expect(handler(s3Event(created(object, at(1))))).rejects.toThrow(AggregateError);
    expect(callsFor(object.key).filter((c) => c.injected).length).toBe(transient ? 2 : 1);
    expect(logLines.at(-1)).toMatchObject({ level: "error", key: object.key, outcome: "failed", transient });
  });

  it.each(["PROFILE_TABLE_NAME", "UPLOADS_BUCKET_NAME"])("throws when %s is missing (a deployment error, not an input error)", async (name) => {
    const value = process.env[name];
    delete process.env[name];
    try {
      await expect(handler(s3Event())).rejects.toThrow(new RegExp(name));
    } finally {
      process.env[name] = value;
    }
  });

  it("needs exactly GetItem and UpdateItem on the table, GetObject under profile-pictures/ and ListBucket for 404s", () => {
    // s3:ListBucket is implied by the "object-gone" path: without it S3 answers 403, not 404.
    expect(aws.recorder.actions()).toEqual(new Set(["dynamodb:GetItem", "dynamodb:UpdateItem", "s3:GetObject", "s3:ListBucket"]));
    const observed = aws.recorder.observed();
    const resourcesOf = (action: string) => [...new Set(observed.filter((c) => c.action === action).map((c) => c.resource))];
    expect(resourcesOf("dynamodb:GetItem")).toEqual([aws.tableName]);
    expect(resourcesOf("dynamodb:UpdateItem")).toEqual([aws.tableName]);
    expect(resourcesOf("s3:ListBucket")).toEqual([aws.bucket]);
    for (const resource of resourcesOf("s3:GetObject")) expect(resource).toMatch(new RegExp(`^${aws.bucket}/profile-pictures/[^/]+/.+`));
  });
});
