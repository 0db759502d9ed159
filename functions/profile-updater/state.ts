/**
 * The profile flow's rule, as pure functions (no I/O), so that it can be checked as a property.
 *
 * The rule: a user's avatar is their NEWEST upload (the newest `ObjectCreated` event under
 * `profile-pictures/<userId>/`, events ordered by `compareVersions`), provided that
 *   1. S3 still serves exactly that object for its key (same version id, or the same ETag where S3
 *      reports no version id), and
 *   2. its content is acceptable (`validateUpload` on what S3 reports for it).
 * Otherwise the user has no avatar. So an upload that was later deleted, overwritten (with anything,
 * including rejected content) or whose version was deleted is never the avatar, and an older upload
 * never comes back in its place. A delete acts through S3's answer: deleting a non-current version
 * changes nothing (S3 still serves the same object); a plain delete or a delete marker removes the
 * avatar; removing that delete marker again brings it back, because S3 serves the version again.
 *
 * The state is a function of the SET of events seen (the newest upload and the newest event are
 * maxima) plus one observation of S3, so any delivery order, duplicate or delay gives the same item
 * once the last event is processed: the handler observes S3 after all the user's actions happened
 * (see process-record.ts for why concurrent invocations cannot spoil that).
 */
import { compareVersions, EventVersion } from "./ordering";
import type { ProfileEvent } from "./records";
import { RejectionReason, validateUpload } from "./validation";

/** The newest upload seen: which object it created. */
export interface UploadRef extends EventVersion {
  readonly versionId?: string;
  readonly eTag?: string;
}

export interface Avatar {
  readonly key: string;
  readonly contentType: string;
  readonly size: number;
  /** Event time of the upload (ISO-8601). */
  readonly updatedAt: string;
  readonly versionId?: string;
  readonly eTag?: string;
}

export interface Rejection extends EventVersion {
  readonly reason: RejectionReason;
  readonly contentType?: string;
  readonly size?: number;
  readonly versionId?: string;
}

export interface ProfileState {
  /** Newest upload seen, whatever became of it. */
  readonly latestUpload?: UploadRef;
  /** Watermark: the newest event seen, of any kind and outcome. */
  readonly lastEvent?: EventVersion;
  /** Present when the newest upload is what S3 serves and its content is acceptable. */
  readonly avatar?: Avatar;
  /** Present when the newest upload is what S3 serves and its content is not acceptable. */
  readonly rejection?: Rejection;
}

/** What HeadObject (no VersionId: the object S3 serves now) says; `undefined` when there is none. */
export interface Observation {
  readonly versionId?: string;
  readonly eTag?: string;
  readonly contentType?: string;
  readonly size?: number;
}

/** How the newest upload stands after an event. */
export type UploadStatus = "none" | "accepted" | "rejected" | "object-gone" | "superseded";

function newer<T extends EventVersion>(a: T | undefined, b: T | undefined): T | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareVersions(b, a) > 0 ? b : a;
}

function uploadOf(event: ProfileEvent): UploadRef | undefined {
  if (event.kind !== "created") return undefined;
  return { ...event.version, versionId: event.versionId, eTag: event.eTag };
}

/** The newest upload once `event` is seen: the key whose current object decides the avatar. */
export function latestUploadAfter(state: ProfileState, event: ProfileEvent): UploadRef | undefined {
  return newer(state.latestUpload, uploadOf(event));
}

const real = (versionId: string | undefined): string | undefined => (versionId && versionId !== "null" ? versionId : undefined);

/**
 * Does S3 serve exactly this upload's object? Version ids decide where both sides have one (a
 * versioned bucket); ETags must agree where both sides have one. Without either (an item written
 * before version ids were recorded), the type and size the avatar was accepted with must match.
 */
export function servesUpload(upload: UploadRef, observed: Observation, legacy?: Avatar): boolean {
  const [a, b] = [real(upload.versionId), real(observed.versionId)];
  let compared = false;
  if (a !== undefined && b !== undefined) {
    if (a !== b) return false;
    compared = true;
  }
  if (upload.eTag !== undefined && observed.eTag !== undefined) {
    if (upload.eTag !== observed.eTag) return false;
    compared = true;
  }
  if (compared) return true;
  return legacy !== undefined && legacy.key === upload.key && legacy.size === observed.size && legacy.contentType === observed.contentType;
}

export interface Decision {
  readonly state: ProfileState;
  readonly status: UploadStatus;
}

/**
 * The state after `event`, given the observation of the newest upload's key (`undefined`: S3
 * serves nothing there). `previous` is the stored state, used only through its maxima (and, for an
 * item from before version ids were recorded, its avatar as identity evidence).
 */
export function decide(previous: ProfileState, event: ProfileEvent, observed: Observation | undefined): Decision {
  const latestUpload = latestUploadAfter(previous, event);
  const lastEvent = newer(previous.lastEvent, event.version);
  if (latestUpload === undefined) return { state: { lastEvent }, status: "none" };
  const base = { latestUpload, lastEvent };
  if (observed === undefined) return { state: base, status: "object-gone" };
  const legacy = latestUpload.eTag === undefined && latestUpload.versionId === undefined ? previous.avatar : undefined;
  if (!servesUpload(latestUpload, observed, legacy)) return { state: base, status: "superseded" };

  const versionId = real(latestUpload.versionId) ?? real(observed.versionId);
  const eTag = latestUpload.eTag ?? observed.eTag;
  const verdict = validateUpload(observed.contentType, observed.size);
  if (verdict.accepted) {
    const avatar: Avatar = { key: latestUpload.key, contentType: verdict.contentType, size: verdict.size, updatedAt: latestUpload.eventTime, versionId, eTag };
    return { state: { ...base, avatar }, status: "accepted" };
  }
  const { eventTime, sequencer, key } = latestUpload;
  const rejection: Rejection = { key, eventTime, sequencer, reason: verdict.reason, contentType: verdict.contentType, size: verdict.size, versionId };
  return { state: { ...base, rejection }, status: "rejected" };
}
