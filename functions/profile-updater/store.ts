/**
 * The user's item in the profile table (partition key `userId`) <-> ProfileState.
 *
 * Item attributes written by the updater:
 * - `avatarKey`, `avatarContentType`, `avatarSize`, `avatarUpdatedAt` (event time of the upload),
 *   `avatarVersionId` (when the bucket reports one), `avatarETag`: the avatar (contract, DESIGN.md);
 *   all absent when the user has none.
 * - `lastRejectedUpload` `{ key, reason, eventTime, sequencer, contentType?, size?, versionId? }`:
 *   present while the newest upload is served by S3 but not acceptable.
 * - `latestUpload` `{ key, eventTime, sequencer, versionId?, eTag? }`: the newest upload seen.
 * - `lastEvent` `{ key, eventTime, sequencer }`: the newest event seen, whatever its outcome.
 * - `revision`: incremented by every change; each write is conditional on the revision it read.
 * Attributes of the earlier schema (`avatarSequencer`, `avatarRemoved*`) are read once, to seed
 * `latestUpload`, and removed by the first write.
 */
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionalCheckFailed } from "./errors";
import type { EventVersion } from "./ordering";
import type { Avatar, ProfileState, Rejection, UploadRef } from "./state";

export interface StoredState {
  readonly state: ProfileState;
  /** `undefined`: no item, or one written before revisions existed. */
  readonly revision?: number;
}

const LEGACY = ["avatarSequencer", "avatarRemovedKey", "avatarRemovedUpdatedAt", "avatarRemovedSequencer", "avatarRemovedAt"];
const AVATAR_ATTRIBUTES = ["avatarKey", "avatarContentType", "avatarSize", "avatarUpdatedAt", "avatarVersionId", "avatarETag"];
const MANAGED = [...AVATAR_ATTRIBUTES, "lastRejectedUpload", "latestUpload", "lastEvent"];

type Item = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const isObject = (v: unknown): v is Item => typeof v === "object" && v !== null;

function versionOf(v: unknown): EventVersion | undefined {
  if (!isObject(v)) return undefined;
  const [key, eventTime, sequencer] = [str(v.key), str(v.eventTime), str(v.sequencer)];
  return key !== undefined && eventTime !== undefined && sequencer !== undefined ? { key, eventTime, sequencer } : undefined;
}

function avatarOf(item: Item): Avatar | undefined {
  const [key, contentType, updatedAt] = [str(item.avatarKey), str(item.avatarContentType), str(item.avatarUpdatedAt)];
  if (key === undefined || contentType === undefined || updatedAt === undefined || typeof item.avatarSize !== "number") return undefined;
  return { key, contentType, size: item.avatarSize, updatedAt, versionId: str(item.avatarVersionId), eTag: str(item.avatarETag) };
}

/** Items of the earlier schema: their avatar (or removed avatar) was the newest upload it knew of. */
function legacyUpload(item: Item): UploadRef | undefined {
  if (str(item.avatarKey) && str(item.avatarUpdatedAt)) {
    return { key: str(item.avatarKey)!, eventTime: str(item.avatarUpdatedAt)!, sequencer: str(item.avatarSequencer) ?? "0" };
  }
  if (str(item.avatarRemovedKey) && str(item.avatarRemovedUpdatedAt)) {
    return { key: str(item.avatarRemovedKey)!, eventTime: str(item.avatarRemovedUpdatedAt)!, sequencer: str(item.avatarRemovedSequencer) ?? "0" };
  }
  return undefined;
}

export function stateOf(item: Item | undefined): StoredState {
  if (item === undefined) return { state: {} };
  const upload = versionOf(item.latestUpload);
  const latestUpload = upload ? { ...upload, versionId: str((item.latestUpload as Item).versionId), eTag: str((item.latestUpload as Item).eTag) } : legacyUpload(item);
  const rejection = isObject(item.lastRejectedUpload) && versionOf(item.lastRejectedUpload) ? (item.lastRejectedUpload as unknown as Rejection) : undefined;
  const state: ProfileState = { latestUpload, lastEvent: versionOf(item.lastEvent), avatar: avatarOf(item), rejection };
  return { state, revision: typeof item.revision === "number" ? item.revision : undefined };
}

/** The managed attributes of `state` (absent ones are not listed). */
export function attributesOf(state: ProfileState): Item {
  const { avatar, rejection, latestUpload, lastEvent } = state;
  const clean = (o: Item | undefined): Item | undefined => (o === undefined ? undefined : Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)));
  const attributes: Item = {
    avatarKey: avatar?.key,
    avatarContentType: avatar?.contentType,
    avatarSize: avatar?.size,
    avatarUpdatedAt: avatar?.updatedAt,
    avatarVersionId: avatar?.versionId,
    avatarETag: avatar?.eTag,
    lastRejectedUpload: clean(rejection as Item | undefined),
    latestUpload: clean(latestUpload as Item | undefined),
    lastEvent: lastEvent && { key: lastEvent.key, eventTime: lastEvent.eventTime, sequencer: lastEvent.sequencer },
  };
  return clean(attributes)!;
}

export async function readState(ddb: DynamoDBDocumentClient, tableName: string, userId: string): Promise<StoredState> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: { userId }, ConsistentRead: true }));
  return stateOf(out.Item);
}

/** JSON with object keys sorted, to compare attribute values. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(",")}}`;
  return JSON.stringify(value);
}

/**
 * Writes `next` if the item is still at `read.revision`; `false` when another invocation changed it
 * in between (the caller reads and decides again). When nothing changes, the write only checks the
 * revision, so that a decision is never based on an S3 answer older than the last change.
 */
export async function writeState(ddb: DynamoDBDocumentClient, tableName: string, userId: string, read: StoredState, next: ProfileState): Promise<boolean> {
  const names: Record<string, string> = { "#revision": "revision" };
  const values: Record<string, unknown> = {};
  let condition: string;
  if (read.revision === undefined) condition = "attribute_not_exists(#revision)";
  else {
    condition = "#revision = :read";
    values[":read"] = read.revision;
  }
  const before = attributesOf(read.state);
  const after = attributesOf(next);
  let update: string;
  if (read.revision !== undefined && canonical(before) === canonical(after)) {
    update = "SET #revision = :read";
  } else {
    const set: string[] = ["#revision = :next"];
    const remove: string[] = [];
    values[":next"] = (read.revision ?? 0) + 1;
    // An item without a revision (none yet, or of the earlier schema) gets every attribute it
    // should not have removed; later writes remove only what they had.
    const fresh = read.revision === undefined;
    for (const [i, name] of [...MANAGED, ...(fresh ? LEGACY : [])].entries()) {
      const value = after[name];
      if (value === undefined && before[name] === undefined && !fresh) continue;
      names[`#a${i}`] = name;
      if (value === undefined) remove.push(`#a${i}`);
      else {
        set.push(`#a${i} = :a${i}`);
        values[`:a${i}`] = value;
      }
    }
    update = `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`;
  }
  try {
    await ddb.send(new UpdateCommand({ TableName: tableName, Key: { userId }, UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values }));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}
