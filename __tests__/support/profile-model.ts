/**
 * The profile flow's reference model, for property tests: what the profile item must be after a
 * user's actions on the uploads bucket, written without the handler's code.
 *
 * - `SimulatedBucket` is S3 for one run: PUT, DELETE (a delete marker when versioned, removal when
 *   not) and DELETE of a version (versioned), each giving the event S3 would send, with eventTime
 *   (ms) and a sequencer that grows per key (sequencers of different keys are unrelated).
 * - `expectedItem(events, bucket)` is in-order processing, defined precisely:
 *   1. order the user's events by (eventTime, sequencer right-padded with zeros, key);
 *   2. the newest `ObjectCreated` event is the user's newest upload; the newest event of any kind is
 *      the watermark;
 *   3. the avatar is the newest upload if, after all actions, the bucket serves the very object
 *      (version) that upload created and its content is a JPEG/PNG/WebP of 1 byte .. 5 MiB; if the
 *      bucket serves it but the content is not acceptable, `lastRejectedUpload` says why; otherwise
 *      (deleted, overwritten, version deleted) there is neither.
 */
import type { S3EventRecord } from "aws-lambda";
import { s3Record } from "./s3-endpoint";

export const ACCEPTABLE_TYPES = ["image/jpeg", "image/png", "image/webp"];
export const LIMIT = 5 * 1024 * 1024;

export interface Content {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  /** The object's ETag (S3: MD5 of the bytes; equal bytes, equal ETag). */
  readonly eTag: string;
}

interface StoredVersion {
  readonly versionId: string;
  /** Undefined: a delete marker. */
  readonly content?: Content;
  /** The event of the PUT that created this version. */
  readonly createdBy?: ModelEvent;
}

export interface Served {
  readonly versionId?: string;
  readonly content: Content;
}

export interface ModelEvent {
  readonly userId: string;
  readonly key: string;
  readonly kind: "created" | "removed";
  readonly eventTime: string;
  readonly sequencer: string;
  readonly versionId?: string;
  /** Created events: what was put. */
  readonly content?: Content;
  readonly record: S3EventRecord;
}

const hex = (n: number, width: number): string => n.toString(16).toUpperCase().padStart(width, "0");

export class SimulatedBucket {
  private readonly versions = new Map<string, StoredVersion[]>();
  private readonly perKey = new Map<string, number>();
  private nextVersion = 1;
  private clock: number;

  constructor(
    readonly name: string,
    readonly versioned: boolean,
    startMs = Date.parse("2026-11-25T10:00:00.000Z"),
  ) {
    this.clock = startMs;
  }

  /** What a GET of `key` returns now (no version id: the current version). */
  served(key: string): Served | undefined {
    const current = this.versions.get(key)?.at(-1);
    if (current?.content === undefined) return undefined;
    return { versionId: this.versioned ? current.versionId : undefined, content: current.content };
  }

  /** The PUT whose object a GET of `key` returns now. */
  creatorOf(key: string): ModelEvent | undefined {
    return this.versions.get(key)?.at(-1)?.createdBy;
  }

  /** Version ids of `key`, oldest first (delete markers included). */
  versionIds(key: string): string[] {
    return (this.versions.get(key) ?? []).map((v) => v.versionId);
  }

  /** Moves the clock by `ms` (0: the next action happens in the same millisecond). */
  tick(ms: number): void {
    this.clock += ms;
  }

  put(userId: string, key: string, content: Content): ModelEvent {
    const versionId = `v${hex(this.nextVersion++, 4)}`;
    const createdBy = this.event(userId, key, "ObjectCreated:Put", this.versioned ? versionId : undefined, content);
    this.stack(key, this.versioned).push({ versionId, content, createdBy });
    return createdBy;
  }

  /** DELETE without a version id: a delete marker (versioned) or the object's removal. */
  delete(userId: string, key: string): ModelEvent {
    if (!this.versioned) {
      this.versions.delete(key);
      return this.event(userId, key, "ObjectRemoved:Delete");
    }
    const marker = { versionId: `v${hex(this.nextVersion++, 4)}` };
    this.stack(key, true).push(marker);
    return this.event(userId, key, "ObjectRemoved:DeleteMarkerCreated", marker.versionId);
  }

  /** DELETE of one version (or delete marker): the one before it becomes current if it was. */
  deleteVersion(userId: string, key: string, versionId: string): ModelEvent {
    const stack = this.stack(key, true);
    const i = stack.findIndex((v) => v.versionId === versionId);
    if (i >= 0) stack.splice(i, 1);
    return this.event(userId, key, "ObjectRemoved:Delete", versionId);
  }

  private stack(key: string, keep: boolean): StoredVersion[] {
    if (!keep) this.versions.set(key, []);
    if (!this.versions.has(key)) this.versions.set(key, []);
    return this.versions.get(key)!;
  }

  private event(userId: string, key: string, eventName: string, versionId?: string, content?: Content): ModelEvent {
    const n = (this.perKey.get(key) ?? 0) + 1;
    this.perKey.set(key, n);
    // Per key increasing; across keys unrelated (a per-key base from the key's text); never a trailing 0.
    const base = [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 0xffffff, 7);
    const sequencer = `00${hex(base, 6)}${hex(n, 6)}1`;
    const eventTime = new Date(this.clock).toISOString();
    const record = s3Record({ bucket: this.name, key, eventTime, sequencer, eventName, size: content?.size, eTag: content?.eTag, versionId });
    return { userId, key, kind: content ? "created" : "removed", eventTime, sequencer, versionId, content, record };
  }
}

/** (eventTime, sequencer right-padded with "0", key): the order in-order processing uses. */
export function compareEvents(a: ModelEvent, b: ModelEvent): number {
  const width = Math.max(a.sequencer.length, b.sequencer.length);
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return cmp(a.eventTime, b.eventTime) || cmp(a.sequencer.padEnd(width, "0"), b.sequencer.padEnd(width, "0")) || cmp(a.key, b.key);
}

function rejectionReason(content: Content): string | undefined {
  if (!ACCEPTABLE_TYPES.includes(content.contentType)) return "unsupported-content-type";
  if (content.size === 0) return "empty-object";
  if (content.size > LIMIT) return "too-large";
  return undefined;
}

/** The item attributes (all but `userId` and `revision`) that in-order processing gives. */
export function expectedItem(events: readonly ModelEvent[], bucket: SimulatedBucket): Record<string, unknown> {
  const ordered = [...events].sort(compareEvents);
  if (ordered.length === 0) return {};
  const last = ordered.at(-1)!;
  const upload = ordered.filter((e) => e.kind === "created").at(-1);
  const item: Record<string, unknown> = { lastEvent: { key: last.key, eventTime: last.eventTime, sequencer: last.sequencer } };
  if (upload === undefined) return item;
  item.latestUpload = { key: upload.key, eventTime: upload.eventTime, sequencer: upload.sequencer, eTag: upload.content!.eTag, ...(upload.versionId ? { versionId: upload.versionId } : {}) };
  // Served = the bucket serves the very object this upload created (not merely equal bytes).
  if (bucket.creatorOf(upload.key) !== upload) return item;
  const content = upload.content!;
  const reason = rejectionReason(content);
  const versionId = upload.versionId ? { versionId: upload.versionId } : {};
  if (reason === undefined) {
    return {
      ...item,
      avatarKey: upload.key,
      avatarContentType: content.contentType,
      avatarSize: content.size,
      avatarUpdatedAt: upload.eventTime,
      avatarETag: content.eTag,
      ...(upload.versionId ? { avatarVersionId: upload.versionId } : {}),
    };
  }
  const { key, eventTime, sequencer } = upload;
  return { ...item, lastRejectedUpload: { key, eventTime, sequencer, reason, contentType: content.contentType, size: content.size, ...versionId } };
}
