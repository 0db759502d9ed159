/**
 * What one S3 record does to the profile table. Every path ends in a single conditional
 * `UpdateItem` or in no write at all, so a record is applied completely or not at all, and
 * replaying it changes nothing.
 */
import { DynamoDBDocumentClient, UpdateCommand, UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { HeadObjectCommand, HeadObjectCommandOutput, S3Client } from "@aws-sdk/client-s3";
import { isConditionalCheckFailed, isObjectGone } from "./errors";
import { ProfileEvent, unquoteETag } from "./records";
import { acceptedUploadUpdate, rejectedUploadUpdate, removedObjectUpdate } from "./updates";
import { validateUpload } from "./validation";

export interface Dependencies {
  readonly ddb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly tableName: string;
}

export type Outcome =
  | "accepted" // avatar set
  | "rejected" // type or size not allowed; lastRejectedUpload set, avatar untouched
  | "removed" // current avatar's object deleted; avatar attributes removed
  | "stale" // condition failed: a newer (or the same) event was already applied
  | "not-current-avatar" // removed object is not the current avatar, or a newer upload replaced it
  | "skipped" // nothing to do (see reason)
  | "malformed" // not an S3 record we can read
  | "failed"; // error; the handler throws after the whole event

export interface Applied {
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly contentType?: string;
}

/** Runs a conditional update; `false` when the condition did not hold (stale or duplicate event). */
async function conditionalUpdate(deps: Dependencies, input: UpdateCommandInput): Promise<boolean> {
  try {
    await deps.ddb.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionalCheckFailed(error)) return false;
    throw error;
  }
}

async function headObject(deps: Dependencies, event: ProfileEvent): Promise<HeadObjectCommandOutput | undefined> {
  try {
    return await deps.s3.send(new HeadObjectCommand({ Bucket: event.bucket, Key: event.key }));
  } catch (error) {
    if (isObjectGone(error)) return undefined;
    throw error;
  }
}

async function applyCreated(deps: Dependencies, event: ProfileEvent): Promise<Applied> {
  // The event has no content type: ask S3. A deleted object is skipped (its delete event follows).
  const head = await headObject(deps, event);
  if (head === undefined) return { outcome: "skipped", reason: "object-gone" };
  // Overwritten since this event: the object's own newer event will be (or was) applied instead.
  const currentETag = unquoteETag(head.ETag);
  if (event.eTag !== undefined && currentETag !== undefined && currentETag !== event.eTag) {
    return { outcome: "skipped", reason: "superseded" };
  }
  const verdict = validateUpload(head.ContentType, event.size ?? head.ContentLength);
  const { userId, version } = event;
  if (verdict.accepted) {
    const { contentType, size } = verdict;
    const written = await conditionalUpdate(deps, acceptedUploadUpdate(deps.tableName, { userId, version, contentType, size }));
    return written ? { outcome: "accepted", contentType } : { outcome: "stale", contentType };
  }
  const { reason, contentType, size } = verdict;
  const written = await conditionalUpdate(deps, rejectedUploadUpdate(deps.tableName, { userId, version, reason, contentType, size }));
  return { outcome: written ? "rejected" : "stale", reason, contentType };
}

async function applyRemoved(deps: Dependencies, event: ProfileEvent): Promise<Applied> {
  const written = await conditionalUpdate(deps, removedObjectUpdate(deps.tableName, event.userId, event.version));
  return { outcome: written ? "removed" : "not-current-avatar" };
}

export function applyEvent(deps: Dependencies, event: ProfileEvent): Promise<Applied> {
  return event.kind === "created" ? applyCreated(deps, event) : applyRemoved(deps, event);
}
