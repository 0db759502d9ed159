/**
 * Items written before the item kept `latestUpload`, `lastEvent` and `revision` (they had
 * `avatarSequencer` and an `avatarRemoved*` tombstone): the first event after the change reads them
 * as their newest upload, keeps what is still true and drops the old attributes.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { S3Event } from "aws-lambda";
import { HandlerOnLocalAws, startHandlerOnLocalAws } from "./support/handler-on-local-aws";
import { LocalAws } from "./support/local-aws";
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

const at = (s: number) => `2026-11-20T10:00:0${s}.000Z`;
const outcomes = async (event: S3Event) => (await handler(event)).results.map((r) => (r.reason ? `${r.outcome}:${r.reason}` : r.outcome));
const legacy = (item: Record<string, unknown>) => aws.dynamo.send(new PutCommand({ TableName: aws.tableName, Item: item }));

describe("items of the earlier schema", () => {
  it("keep their avatar while S3 still serves it (same type and size), and lose the old attributes", async () => {
    const key = "profile-pictures/olga/me.png";
    const { eTag } = await aws.putObject(key, Buffer.alloc(512, 3), "image/png");
    await legacy({ userId: "olga", avatarKey: key, avatarContentType: "image/png", avatarSize: 512, avatarUpdatedAt: at(1), avatarSequencer: "0A01" });
    await aws.putObject("profile-pictures/olga/old.png", Buffer.alloc(8), "image/png");
    await aws.deleteObject("profile-pictures/olga/old.png");
    expect(await outcomes(s3Event(removedRecord({ bucket: aws.bucket, key: "profile-pictures/olga/old.png", eventTime: at(2), sequencer: "0B01" })))).toEqual(["unchanged"]);
    expect(await aws.getProfile("olga")).toEqual({
      userId: "olga",
      avatarKey: key,
      avatarContentType: "image/png",
      avatarSize: 512,
      avatarUpdatedAt: at(1),
      avatarETag: eTag, // learnt from S3, which serves the same type and size
      latestUpload: { key, eventTime: at(1), sequencer: "0A01" },
      lastEvent: { key: "profile-pictures/olga/old.png", eventTime: at(2), sequencer: "0B01" },
      revision: 1,
    });
  });

  it("keep a removed avatar removed: an older upload delivered late stays out", async () => {
    const old = "profile-pictures/piet/old.png";
    const { eTag, size } = await aws.putObject(old, Buffer.alloc(64, 1), "image/png");
    await legacy({ userId: "piet", avatarRemovedKey: "profile-pictures/piet/gone.png", avatarRemovedUpdatedAt: at(5), avatarRemovedSequencer: "0C01", avatarRemovedAt: at(6) });
    expect(await outcomes(s3Event(s3Record({ bucket: aws.bucket, key: old, eventTime: at(3), sequencer: "0D01", size, eTag })))).toEqual(["stale"]);
    const item = await aws.getProfile("piet");
    expect(item).not.toHaveProperty("avatarKey");
    expect(Object.keys(item!).filter((k) => k.startsWith("avatarRemoved"))).toEqual([]);
  });
});
