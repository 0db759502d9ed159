/**
 * profile-updater: S3 `ObjectCreated:*` / `ObjectRemoved:*` events under `profile-pictures/` of the
 * uploads bucket (env `UPLOADS_BUCKET_NAME`) -> the user's avatar attributes in the profile table
 * (env `PROFILE_TABLE_NAME`, key `userId`). The rule is in state.ts.
 *
 * - Every record of an event is processed; failed records are thrown together at the end so that
 *   Lambda retries the event. Replays are harmless: the item is a function of the events seen and
 *   of what S3 serves, so processing an event again changes nothing.
 * - Malformed input is logged and dropped (a retry could not fix it); records of another bucket
 *   are skipped.
 * - One structured log line per record (key, userId, outcome).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { S3Event } from "aws-lambda";
import { describeError, errorName } from "./errors";
import { log } from "./log";
import { applyEvent, Applied, Dependencies, Outcome } from "./process-record";
import { parseRecord } from "./records";

// Created once per container. Default configuration: region, credentials, retries and endpoints
// (AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL_S3) come from the environment.
const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
const s3 = new S3Client({});

export interface RecordResult {
  readonly index: number;
  readonly outcome: Outcome;
  readonly key?: string;
  readonly userId?: string;
  readonly reason?: string;
}

export interface HandlerResult {
  readonly results: RecordResult[];
}

interface Handled {
  readonly result: RecordResult;
  readonly error?: unknown;
}

async function handleRecord(deps: Dependencies, record: unknown, index: number): Promise<Handled> {
  const parsed = parseRecord(record, deps.bucket);
  if (parsed.type !== "event") {
    const outcome = parsed.type === "malformed" ? "malformed" : "skipped";
    const result: RecordResult = { index, outcome, key: parsed.key, reason: parsed.reason };
    log(outcome === "malformed" ? "warn" : "info", `record ${outcome}`, { ...result });
    return { result };
  }
  const { event } = parsed;
  const base = { index, key: event.key, userId: event.userId };
  const context = { eventName: event.eventName, eventTime: event.version.eventTime, sequencer: event.version.sequencer, versionId: event.versionId, size: event.size };
  try {
    const applied: Applied = await applyEvent(deps, event);
    log("info", "record processed", { ...base, outcome: applied.outcome, reason: applied.reason, ...context, contentType: applied.contentType });
    return { result: { ...base, outcome: applied.outcome, reason: applied.reason } };
  } catch (error) {
    log("error", "record failed", { ...base, outcome: "failed", ...context, ...describeError(error) });
    return { result: { ...base, outcome: "failed", reason: errorName(error) }, error };
  }
}

export const handler = async (event: S3Event): Promise<HandlerResult> => {
  const tableName = process.env.PROFILE_TABLE_NAME;
  if (!tableName) throw new Error("profile-updater: environment variable PROFILE_TABLE_NAME is not set");
  const bucket = process.env.UPLOADS_BUCKET_NAME;
  if (!bucket) throw new Error("profile-updater: environment variable UPLOADS_BUCKET_NAME is not set");
  const records: unknown = (event as { Records?: unknown } | null | undefined)?.Records;
  if (!Array.isArray(records) || records.length === 0) {
    log("warn", "event has no S3 records; nothing to do", { outcome: "malformed", eventKeys: event && typeof event === "object" ? Object.keys(event) : typeof event });
    return { results: [] };
  }

  const deps: Dependencies = { ddb, s3, tableName, bucket };
  const results: RecordResult[] = [];
  const errors: unknown[] = [];
  for (const [index, record] of records.entries()) {
    const { result, error } = await handleRecord(deps, record, index);
    if (result.outcome === "failed") errors.push(error);
    results.push(result);
  }
  if (errors.length > 0) {
    const failedKeys = results.filter((r) => r.outcome === "failed").map((r) => r.key);
    throw new AggregateError(errors, `profile-updater: ${errors.length} of ${records.length} record(s) failed (${failedKeys.join(", ")}); the event will be retried`);
  }
  return { results };
};
