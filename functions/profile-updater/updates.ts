/**
 * The three writes of the profile updater, each one conditional `UpdateItem` on the user's item
 * (partition key `userId`), so that a record is applied atomically or not at all.
 *
 * Item attributes:
 * - `avatarKey`, `avatarContentType`, `avatarSize`, `avatarUpdatedAt` (contract) and
 *   `avatarSequencer`: the current avatar and the version of the event that set it.
 * - `avatarRemovedKey`, `avatarRemovedUpdatedAt`, `avatarRemovedSequencer`, `avatarRemovedAt`:
 *   tombstone left when the current avatar's object is deleted. It keeps the *removed avatar's*
 *   version (copied from the item in the same UpdateItem), so an upload event delivered late is
 *   applied exactly when in-order processing would have applied it: one older than the removed
 *   avatar stays out, one newer than it (uploaded before the delete, delivered after) gets in.
 *   An accepted upload clears the tombstone (its own version is newer, so nothing changes).
 * - `lastRejectedUpload` `{ key, reason, eventTime, sequencer, contentType?, size? }`.
 */
import type { UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { EventVersion, newerThanStored, VersionPaths } from "./ordering";
import type { RejectionReason } from "./validation";

/** Placeholders of the event's version in every expression below. */
const EVENT: VersionPaths = { eventTime: ":eventTime", sequencer: ":sequencer", key: ":key" };
const AVATAR: VersionPaths = { eventTime: "#avatarUpdatedAt", sequencer: "#avatarSequencer", key: "#avatarKey" };
const TOMBSTONE: VersionPaths = { eventTime: "#avatarRemovedUpdatedAt", sequencer: "#avatarRemovedSequencer", key: "#avatarRemovedKey" };
const REJECTION: VersionPaths = {
  eventTime: "#lastRejectedUpload.#eventTime",
  sequencer: "#lastRejectedUpload.#sequencer",
  key: "#lastRejectedUpload.#key",
};
const AVATAR_NAMES = {
  "#avatarKey": "avatarKey",
  "#avatarContentType": "avatarContentType",
  "#avatarSize": "avatarSize",
  "#avatarUpdatedAt": "avatarUpdatedAt",
  "#avatarSequencer": "avatarSequencer",
};
const TOMBSTONE_NAMES = {
  "#avatarRemovedKey": "avatarRemovedKey",
  "#avatarRemovedUpdatedAt": "avatarRemovedUpdatedAt",
  "#avatarRemovedSequencer": "avatarRemovedSequencer",
  "#avatarRemovedAt": "avatarRemovedAt",
};
const VERSION_FIELD_NAMES = { "#eventTime": "eventTime", "#sequencer": "sequencer", "#key": "key" };

function versionValues(version: EventVersion): Record<string, string> {
  return { ":eventTime": version.eventTime, ":sequencer": version.sequencer, ":key": version.key };
}

export interface AcceptedUpload {
  readonly userId: string;
  readonly version: EventVersion;
  readonly contentType: string;
  readonly size: number;
}

/** Sets the avatar if this upload is newer than the current avatar and than its removal. */
export function acceptedUploadUpdate(tableName: string, upload: AcceptedUpload): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { userId: upload.userId },
    UpdateExpression:
      "SET #avatarKey = :key, #avatarContentType = :contentType, #avatarSize = :size, " +
      "#avatarUpdatedAt = :eventTime, #avatarSequencer = :sequencer " +
      "REMOVE #avatarRemovedKey, #avatarRemovedUpdatedAt, #avatarRemovedSequencer, #avatarRemovedAt",
    ConditionExpression: `${newerThanStored(AVATAR, EVENT)} AND ${newerThanStored(TOMBSTONE, EVENT)}`,
    ExpressionAttributeNames: { ...AVATAR_NAMES, ...TOMBSTONE_NAMES },
    ExpressionAttributeValues: { ...versionValues(upload.version), ":contentType": upload.contentType, ":size": upload.size },
  };
}

export interface RejectedUpload {
  readonly userId: string;
  readonly version: EventVersion;
  readonly reason: RejectionReason;
  readonly contentType?: string;
  readonly size?: number;
}

/** Records the rejection unless a newer one is already recorded; the avatar is left alone. */
export function rejectedUploadUpdate(tableName: string, rejection: RejectedUpload): UpdateCommandInput {
  const { version } = rejection;
  return {
    TableName: tableName,
    Key: { userId: rejection.userId },
    UpdateExpression: "SET #lastRejectedUpload = :rejection",
    ConditionExpression: newerThanStored(REJECTION, EVENT),
    ExpressionAttributeNames: { "#lastRejectedUpload": "lastRejectedUpload", ...VERSION_FIELD_NAMES },
    ExpressionAttributeValues: {
      ...versionValues(version),
      ":rejection": {
        key: version.key,
        reason: rejection.reason,
        eventTime: version.eventTime,
        sequencer: version.sequencer,
        contentType: rejection.contentType,
        size: rejection.size,
      },
    },
  };
}

/**
 * Removes the avatar if the deleted object is the current avatar and the deletion is newer than
 * the upload that set it (a newer re-upload of the same key survives a late delete event).
 */
export function removedObjectUpdate(tableName: string, userId: string, version: EventVersion): UpdateCommandInput {
  return {
    TableName: tableName,
    Key: { userId },
    // "SET a = b REMOVE b" reads b before the update (DynamoDB's attribute-rename idiom).
    UpdateExpression:
      "SET #avatarRemovedKey = #avatarKey, #avatarRemovedUpdatedAt = #avatarUpdatedAt, " +
      "#avatarRemovedSequencer = #avatarSequencer, #avatarRemovedAt = :eventTime " +
      "REMOVE #avatarKey, #avatarContentType, #avatarSize, #avatarUpdatedAt, #avatarSequencer",
    ConditionExpression: `#avatarKey = :key AND ${newerThanStored(AVATAR, EVENT)}`,
    ExpressionAttributeNames: { ...AVATAR_NAMES, ...TOMBSTONE_NAMES },
    ExpressionAttributeValues: versionValues(version),
  };
}
