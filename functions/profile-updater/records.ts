/**
 * Turns one untrusted entry of `event.Records` into a typed profile event, or says why not.
 * Nothing here throws: malformed input is a value, logged by the caller.
 */
import { decodeEventKey, parseProfileKey } from "./keys";
import { EventVersion, normalizeEventTime, normalizeSequencer } from "./ordering";

export type EventKind = "created" | "removed";

export interface ProfileEvent {
  readonly kind: EventKind;
  readonly eventName: string;
  readonly bucket: string;
  /** Decoded object key. */
  readonly key: string;
  readonly userId: string;
  /** Object size from the record (created events). */
  readonly size?: number;
  /** ETag from the record, without quotes. */
  readonly eTag?: string;
  /** Version id from the record (versioned bucket): the version created, or the one deleted. */
  readonly versionId?: string;
  readonly version: EventVersion;
}

export type ParsedRecord =
  | { readonly type: "event"; readonly event: ProfileEvent }
  /** A well-formed S3 record this function does not act on (other prefix, other event type, ...). */
  | { readonly type: "skip"; readonly reason: string; readonly key?: string; readonly eventName?: string }
  /** Not an S3 event record, or one missing required fields. */
  | { readonly type: "malformed"; readonly reason: string; readonly key?: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function eventKind(eventName: string): EventKind | undefined {
  const name = eventName.startsWith("s3:") ? eventName.slice(3) : eventName;
  if (name.startsWith("ObjectCreated:")) return "created";
  if (name.startsWith("ObjectRemoved:")) return "removed";
  return undefined;
}

export function unquoteETag(eTag: string | undefined): string | undefined {
  if (eTag === undefined || eTag === "") return undefined;
  return eTag.replace(/^"(.*)"$/, "$1");
}

/** `uploadsBucket`: records of any other bucket are skipped (defence in depth: only it notifies). */
export function parseRecord(record: unknown, uploadsBucket: string): ParsedRecord {
  if (!isObject(record)) return { type: "malformed", reason: "record is not an object" };
  if (record.eventSource !== "aws:s3") return { type: "malformed", reason: "not an S3 record (eventSource)" };
  const s3 = record.s3;
  const object = isObject(s3) ? s3.object : undefined;
  const bucket = isObject(s3) && isObject(s3.bucket) ? s3.bucket.name : undefined;
  if (!isObject(object) || typeof object.key !== "string" || typeof bucket !== "string" || bucket === "") {
    return { type: "malformed", reason: "record has no s3.bucket.name / s3.object.key" };
  }
  const rawKey = object.key;
  if (bucket !== uploadsBucket) return { type: "skip", reason: "other-bucket", key: rawKey };
  if (typeof record.eventName !== "string") return { type: "malformed", reason: "record has no eventName", key: rawKey };
  const eventName = record.eventName;
  const kind = eventKind(eventName);
  if (kind === undefined) return { type: "skip", reason: "ignored-event-type", key: rawKey, eventName };

  const key = decodeEventKey(rawKey);
  if (key === undefined) return { type: "malformed", reason: "object key is not valid URL encoding", key: rawKey };
  const parsedKey = parseProfileKey(key);
  if (!parsedKey.ok) return { type: "skip", reason: `invalid-key:${parsedKey.reason}`, key, eventName };

  const eventTime = normalizeEventTime(record.eventTime);
  if (eventTime === undefined) return { type: "malformed", reason: "eventTime is not an ISO-8601 time", key };
  const sequencer = normalizeSequencer(object.sequencer);
  if (sequencer === undefined) return { type: "malformed", reason: "s3.object.sequencer is not hexadecimal", key };

  const size = typeof object.size === "number" ? object.size : undefined;
  const eTag = typeof object.eTag === "string" ? unquoteETag(object.eTag) : undefined;
  const versionId = typeof object.versionId === "string" && object.versionId !== "" ? object.versionId : undefined;
  return {
    type: "event",
    event: { kind, eventName, bucket, key, userId: parsedKey.userId, size, eTag, versionId, version: { eventTime, sequencer, key } },
  };
}
