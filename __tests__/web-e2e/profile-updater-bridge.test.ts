/**
 * The S3 -> Lambda stand-in of `npm run local`: which s3rver events reach the handler, in which
 * shape (keys URL-encoded as S3 does, a valid bucket ARN), and Lambda's retries.
 */
import type { S3Event } from "aws-lambda";
import { decodeEventKey } from "../../functions/profile-updater/keys";
import { encodeEventKey, ProfileUpdaterBridge, toLambdaEvent } from "../../scripts/local/profile-updater-bridge";

/** An event as s3rver 3.7.1 emits it (models/event.js): raw key, malformed ARN. */
function s3rverEvent(key: string, eventName = "ObjectCreated:Put", bucket = "local-uploads") {
  return {
    Records: [
      {
        eventVersion: "2.0",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: "2026-12-01T10:00:00.000Z",
        eventName,
        s3: { s3SchemaVersion: "1.0", configurationId: "testConfigId", bucket: { name: bucket, arn: `arn:aws:s3: : :${bucket}` }, object: { key, sequencer: "18B2E6A4F10", size: 10, eTag: "abc" } },
      },
    ],
  };
}

describe("toLambdaEvent", () => {
  it.each(["profile-pictures/u1/me.png", "profile-pictures/u1/my photo+1 é%.png", "profile-pictures/u1/日本.webp"])("encodes %s as S3 does, and the handler decodes it back", (key) => {
    const event = toLambdaEvent(s3rverEvent(key), "local-uploads")!;
    const record = event.Records[0];
    expect(record.s3.object.key).toBe(encodeEventKey(key));
    expect(decodeEventKey(record.s3.object.key)).toBe(key);
    expect(record.s3.bucket.arn).toBe("arn:aws:s3:::local-uploads");
    expect(record.s3.object).toMatchObject({ sequencer: "18B2E6A4F10", size: 10, eTag: "abc" });
  });

  it("encodes a space as + and keeps slashes", () => {
    expect(encodeEventKey("profile-pictures/u 1/a b+c.png")).toBe("profile-pictures/u+1/a+b%2Bc.png");
  });

  it("passes removals and drops what the bucket notification filters out", () => {
    expect(toLambdaEvent(s3rverEvent("profile-pictures/u1/a.png", "ObjectRemoved:Delete"), "local-uploads")?.Records).toHaveLength(1);
    expect(toLambdaEvent(s3rverEvent("uploads/u1/a.txt"), "local-uploads")).toBeUndefined();
    expect(toLambdaEvent(s3rverEvent("profile-pictures/u1/a.png", "ObjectCreated:Put", "other-bucket"), "local-uploads")).toBeUndefined();
    expect(toLambdaEvent({ nothing: true }, "local-uploads")).toBeUndefined();
  });
});

describe("ProfileUpdaterBridge", () => {
  const event = toLambdaEvent(s3rverEvent("profile-pictures/u1/a.png"), "local-uploads")!;

  it("retries a failed invocation twice, then gives up with a log line", async () => {
    const lines: string[] = [];
    let calls = 0;
    const invoke = async (): Promise<void> => {
      calls += 1;
      throw new Error("throttled");
    };
    const bridge = new ProfileUpdaterBridge({ bucket: "local-uploads", invoke, log: (l) => lines.push(l), retryDelaysMs: [1, 1] });
    await bridge.deliver(event);
    expect(calls).toBe(3);
    expect(bridge.stats).toEqual({ delivered: 0, failed: 1 });
    expect(lines.at(-1)).toBe("profile-updater: ObjectCreated:Put profile-pictures/u1/a.png: FAILED after 3 attempts: throttled");
  });

  it("succeeds on a retry", async () => {
    let calls = 0;
    const invoke = async (): Promise<void> => {
      calls += 1;
      if (calls === 1) throw new Error("5xx");
    };
    const bridge = new ProfileUpdaterBridge({ bucket: "local-uploads", invoke, retryDelaysMs: [1, 1] });
    await bridge.deliver(event);
    expect([calls, bridge.stats]).toEqual([2, { delivered: 1, failed: 0 }]);
  });

  it("holds events until released, and idle() waits for deliveries in flight", async () => {
    const invoked: S3Event[] = [];
    let finish!: () => void;
    const bridge = new ProfileUpdaterBridge({ bucket: "local-uploads", invoke: (e) => (invoked.push(e), new Promise<void>((r) => (finish = r))) });
    bridge.hold();
    bridge.onS3Event(s3rverEvent("profile-pictures/u1/a.png"));
    bridge.onS3Event(s3rverEvent("uploads/u1/ignored.txt"));
    expect(invoked).toEqual([]);
    const held = bridge.release();
    expect(held).toHaveLength(1);
    bridge.onS3Event(s3rverEvent("profile-pictures/u1/b.png"));
    expect(invoked).toHaveLength(1);
    let idle = false;
    const waiting = bridge.idle().then(() => (idle = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(idle).toBe(false);
    finish();
    await waiting;
    expect(bridge.stats.delivered).toBe(1);
  });
});
