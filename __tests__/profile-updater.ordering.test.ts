/**
 * The four delivery-order failures reported in issue 15, as readable examples on the real handler
 * (dynalite + s3rver), each delivered in both orders; then the versioned-bucket cases that s3rver
 * cannot serve (it has no versioning), on the handler's decision with a simulated versioned bucket.
 */
import type { S3Event } from "aws-lambda";
import { parseRecord } from "../functions/profile-updater/records";
import { decide, latestUploadAfter, ProfileState } from "../functions/profile-updater/state";
import { HandlerOnLocalAws, startHandlerOnLocalAws } from "./support/handler-on-local-aws";
import { LocalAws } from "./support/local-aws";
import { Content, ModelEvent, SimulatedBucket } from "./support/profile-model";
import { removedRecord, s3Event, s3Record } from "./support/s3-endpoint";

type HandlerModule = typeof import("../functions/profile-updater");

let aws: LocalAws;
let handler: HandlerModule["handler"];

let local: HandlerOnLocalAws;

beforeAll(async () => {
  local = await startHandlerOnLocalAws();
  ({ aws, handler } = local);
});

afterAll(() => local?.stop());

const at = (ms: number) => new Date(Date.parse("2026-11-25T10:00:00.000Z") + ms).toISOString();
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(8, 1)]); // 16 bytes
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

async function put(key: string, body: Buffer, type: string, eventTime: string, sequencer: string, versionId?: string) {
  const { eTag, size } = await aws.putObject(key, body, type);
  return s3Record({ bucket: aws.bucket, key, eventTime, sequencer, size, eTag, versionId });
}

async function deliverEach(...records: S3Event["Records"]): Promise<void> {
  for (const record of records) await handler(s3Event(record));
}

const avatarOf = async (userId: string) => {
  const item = await aws.getProfile(userId);
  return item?.avatarKey === undefined ? undefined : { key: item.avatarKey, type: item.avatarContentType, size: item.avatarSize, eTag: item.avatarETag };
};

describe.each([
  ["in order", false],
  ["in reverse order", true],
])("issue 15's delivery-order failures, delivered %s", (_order, reverse) => {
  const deliver = (...records: S3Event["Records"]) => deliverEach(...(reverse ? [...records].reverse() : records));
  const user = (name: string) => `${name}-${reverse ? "rev" : "fwd"}`;

  it("rejected content overwriting the avatar's key is not served as the avatar (SVG with script)", async () => {
    const key = `profile-pictures/${user("uA")}/avatar.png`;
    const png = await put(key, PNG, "image/png", at(1), "0A01");
    const svg = await put(key, SVG, "image/svg+xml", at(2), "0A02");
    await deliver(png, svg);
    expect(await avatarOf(user("uA"))).toBeUndefined();
    expect(await aws.getProfile(user("uA"))).toMatchObject({ lastRejectedUpload: { key, reason: "unsupported-content-type", contentType: "image/svg+xml" } });
  });

  it("rejected content overwriting the avatar's key is not served as the avatar (a 6 MiB PNG)", async () => {
    const key = `profile-pictures/${user("uB")}/avatar.png`;
    const png = await put(key, PNG, "image/png", at(1), "0A01");
    const big = await put(key, Buffer.alloc(6 * 1024 * 1024, 1), "image/png", at(2), "0A02");
    await deliver(png, big);
    expect(await avatarOf(user("uB"))).toBeUndefined();
    expect(await aws.getProfile(user("uB"))).toMatchObject({ lastRejectedUpload: { key, reason: "too-large", size: 6 * 1024 * 1024 } });
  });

  it("a deleted picture does not come back: upload k1 (delayed), upload k2, delete k2 ends with no avatar", async () => {
    const [k1, k2] = ["k1.png", "k2.png"].map((f) => `profile-pictures/${user("uC")}/${f}`);
    const first = await put(k1, PNG, "image/png", at(1), "0B01");
    const second = await put(k2, PNG, "image/png", at(2), "0C01");
    await aws.deleteObject(k2);
    const deleted = removedRecord({ bucket: aws.bucket, key: k2, eventTime: at(3), sequencer: "0C02" });
    await deliverEach(...(reverse ? [deleted, second, first] : [second, deleted, first])); // k1's event arrives last
    expect(await avatarOf(user("uC"))).toBeUndefined();
    expect(await aws.getProfile(user("uC"))).toMatchObject({ latestUpload: { key: k2 }, lastEvent: { key: k2, eventTime: at(3) } });
  });

  it("the same key overwritten PNG -> SVG ends the same whichever event arrives first", async () => {
    const key = `profile-pictures/${user("uD")}/me.png`;
    const png = await put(key, PNG, "image/png", at(1), "0D01");
    const svg = await put(key, SVG, "image/svg+xml", at(2), "0D02");
    await deliver(svg, png);
    const item = await aws.getProfile(user("uD"));
    expect(item).not.toHaveProperty("avatarKey");
    expect(item).toMatchObject({ latestUpload: { key, sequencer: "0D02" }, lastRejectedUpload: { key, contentType: "image/svg+xml" } });
  });

  it("deleting a non-current version leaves the current avatar alone", async () => {
    const key = `profile-pictures/${user("uE")}/me.png`;
    const v1 = await put(key, Buffer.from("first version of the picture"), "image/png", at(1), "0E01", "version-1");
    const v2 = await put(key, PNG, "image/png", at(2), "0E02", "version-2");
    // S3 deleted version-1 only; the object it serves is still version-2 (as s3rver's is).
    const deleteV1 = removedRecord({ bucket: aws.bucket, key, eventTime: at(3), sequencer: "0E03", versionId: "version-1" });
    await deliver(v1, v2, deleteV1);
    expect(await avatarOf(user("uE"))).toEqual({ key, type: "image/png", size: PNG.length, eTag: v2.s3.object.eTag });
    expect(await aws.getProfile(user("uE"))).toMatchObject({ avatarVersionId: "version-2" });
  });
});

describe("versioned bucket (s3rver has no versioning: the handler's decision on a simulated bucket)", () => {
  const png: Content = { name: "png", contentType: "image/png", size: 16, eTag: "e-png" };
  const jpeg: Content = { name: "jpeg", contentType: "image/jpeg", size: 2048, eTag: "e-jpeg" };
  const key = "profile-pictures/vera/me.png";

  /** Delivers each event right after its action, as a prompt Lambda would; returns the avatar's version. */
  function run(act: (bucket: SimulatedBucket) => ModelEvent[]): { versionId?: string; eTag?: string } | undefined {
    const bucket = new SimulatedBucket("uploads-bucket", true);
    let state: ProfileState = {};
    for (const record of act(bucket).map((e) => e.record)) {
      const parsed = parseRecord(record, bucket.name);
      if (parsed.type !== "event") throw new Error(parsed.reason);
      const upload = latestUploadAfter(state, parsed.event);
      const served = upload && bucket.served(upload.key);
      const observed = served && { versionId: served.versionId, eTag: served.content.eTag, contentType: served.content.contentType, size: served.content.size };
      state = decide(state, parsed.event, observed).state;
    }
    return state.avatar && { versionId: state.avatar.versionId, eTag: state.avatar.eTag };
  }

  it("records the version id, and a delete of the non-current version changes nothing", () => {
    expect(run((b) => [b.put("vera", key, png), b.put("vera", key, jpeg), b.deleteVersion("vera", key, b.versionIds(key)[0])])).toEqual({ versionId: "v0002", eTag: "e-jpeg" });
  });

  it("a delete of the current version removes the avatar, although S3 serves the previous version again", () => {
    expect(run((b) => [b.put("vera", key, png), b.put("vera", key, jpeg), b.deleteVersion("vera", key, b.versionIds(key)[1])])).toBeUndefined();
  });

  it("a plain delete (delete marker) removes it; removing the delete marker brings it back, as S3 serves it again", () => {
    expect(run((b) => [b.put("vera", key, png), b.delete("vera", key)])).toBeUndefined();
    expect(run((b) => [b.put("vera", key, png), b.delete("vera", key), b.deleteVersion("vera", key, b.versionIds(key)[1])])).toEqual({ versionId: "v0001", eTag: "e-png" });
  });
});
