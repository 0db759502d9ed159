/**
 * What one S3 record does to the profile table: read the user's item, ask S3 what it serves now for
 * the newest upload's key, decide (state.ts), write conditionally on the revision read.
 *
 * Why the result does not depend on delivery order: the decision uses only maxima of the events
 * seen and an S3 answer. Every processing ends in a successful conditional write (a no-change write
 * still checks the revision), so writes are serialized and each one read the item after the
 * previous one. The last write therefore (a) knows the newest upload of all processed events and
 * (b) asked S3 after every action whose event was processed before it, i.e. it sees the final
 * object. A write that lost the race reads and decides again; after MAX_ATTEMPTS it fails the
 * record (transient) and Lambda retries the event.
 */
import { HeadObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { isObjectGone } from "./errors";
import { compareVersions } from "./ordering";
import { ProfileEvent, unquoteETag } from "./records";
import { decide, latestUploadAfter, Observation, UploadStatus } from "./state";
import { readState, writeState } from "./store";

export interface Dependencies {
  readonly ddb: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly tableName: string;
  readonly bucket: string;
}

export type Outcome =
  | "accepted" // this upload is the newest and the avatar
  | "rejected" // this upload is the newest, S3 serves it, its type or size is not allowed: no avatar
  | "removed" // the avatar is gone after this event (its object deleted, overwritten, ...)
  | "restored" // an avatar exists after this event and did not before (e.g. a delete marker removed)
  | "unchanged" // the avatar is the same before and after this event
  | "stale" // an upload event older than (or equal to) the newest upload already seen
  | "skipped" // nothing to do (see reason)
  | "malformed" // not an S3 record we can read
  | "failed"; // error; the handler throws after the whole event

export interface Applied {
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly contentType?: string;
}

/** Attempts of read-decide-write when other invocations keep changing the same item. */
export const MAX_ATTEMPTS = 8;

export class ConcurrentUpdateError extends Error {
  override readonly name = "ConcurrentUpdateConflict";
}

async function observe(deps: Dependencies, key: string): Promise<Observation | undefined> {
  try {
    const head = await deps.s3.send(new HeadObjectCommand({ Bucket: deps.bucket, Key: key }));
    return { versionId: head.VersionId, eTag: unquoteETag(head.ETag), contentType: head.ContentType, size: head.ContentLength };
  } catch (error) {
    if (isObjectGone(error)) return undefined;
    throw error;
  }
}

function outcomeOf(event: ProfileEvent, isNewestUpload: boolean, status: UploadStatus, hadAvatar: boolean, hasAvatar: boolean): Applied {
  if (event.kind === "created") {
    if (!isNewestUpload) return { outcome: "stale" };
    if (status === "accepted" || status === "rejected") return { outcome: status };
    return { outcome: "skipped", reason: status };
  }
  if (hadAvatar && !hasAvatar) return { outcome: "removed" };
  if (!hadAvatar && hasAvatar) return { outcome: "restored" };
  return { outcome: "unchanged" };
}

export async function applyEvent(deps: Dependencies, event: ProfileEvent): Promise<Applied> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const read = await readState(deps.ddb, deps.tableName, event.userId);
    const upload = latestUploadAfter(read.state, event);
    const observed = upload === undefined ? undefined : await observe(deps, upload.key);
    const { state, status } = decide(read.state, event, observed);
    if (!(await writeState(deps.ddb, deps.tableName, event.userId, read, state))) continue;
    const previous = read.state.latestUpload;
    const isNewestUpload = event.kind === "created" && (previous === undefined || compareVersions(event.version, previous) > 0);
    const applied = outcomeOf(event, isNewestUpload, status, read.state.avatar !== undefined, state.avatar !== undefined);
    const reason = applied.reason ?? (status === "rejected" ? state.rejection?.reason : undefined);
    return { ...applied, reason, contentType: state.avatar?.contentType ?? state.rejection?.contentType };
  }
  throw new ConcurrentUpdateError(`the item of user ${JSON.stringify(event.userId)} changed during each of ${MAX_ATTEMPTS} attempts`);
}
