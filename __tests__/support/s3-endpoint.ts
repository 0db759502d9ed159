/**
 * A real S3-compatible endpoint for tests: s3rver (npm) on 127.0.0.1, a random free port and a
 * temporary directory. Measured with SDK 3.1169.0 against s3rver 3.7.1:
 * - HeadObject returns the stored Content-Type, Content-Length and ETag; a missing key is a 404
 *   that the SDK surfaces as `NotFound`.
 * - s3rver checks SigV4 signatures (wrong credentials -> 403), so requests must be signed with
 *   LOCAL_CREDENTIALS and a proxy in front of it must keep the Host header.
 * - A client whose endpoint is an IP address uses path-style URLs without `forcePathStyle`.
 * - PutObject with a *stream* body is stored with its `aws-chunked` framing unless the client sets
 *   `requestChecksumCalculation: "WHEN_REQUIRED"`; Buffer bodies are stored as sent. The test
 *   client below sets it anyway.
 * Also: builders of S3 event records (as S3 delivers them to Lambda: URL-encoded keys).
 */
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import type { S3Event, S3EventRecord } from "aws-lambda";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "./dynalite";

interface S3rverOptions {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}
interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
  httpServer?: Server;
}
// s3rver ships no type declarations.
const S3rver = require("s3rver") as new (options: S3rverOptions) => S3rverInstance;

export interface LocalS3 {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startS3Endpoint(buckets: string[]): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: async () => {
      const closing = server.close();
      server.httpServer?.closeAllConnections();
      await closing;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A client straight to the endpoint (not through any recorder). Destroy it when done. */
export function directS3Client(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    maxAttempts: 1,
  });
}

/** How S3 writes a key into an event record: form-style URL encoding, `/` kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/gi, "/");
}

export interface RecordOptions {
  readonly bucket: string;
  /** The decoded key; it is encoded as S3 does unless `rawKey` is given. */
  readonly key: string;
  readonly rawKey?: string;
  readonly eventTime: string;
  readonly sequencer: string;
  readonly size?: number;
  readonly eTag?: string;
  /** `s3.object.versionId` (versioned buckets). */
  readonly versionId?: string;
  readonly eventName?: string;
}

export function s3Record(options: RecordOptions): S3EventRecord {
  const { bucket, eventTime, sequencer } = options;
  const object: S3EventRecord["s3"]["object"] = { key: options.rawKey ?? encodeEventKey(options.key), sequencer } as S3EventRecord["s3"]["object"];
  if (options.size !== undefined) object.size = options.size;
  if (options.eTag !== undefined) object.eTag = options.eTag.replace(/"/g, "");
  if (options.versionId !== undefined) object.versionId = options.versionId;
  return {
    eventVersion: "2.1",
    eventSource: "aws:s3",
    awsRegion: LOCAL_REGION,
    eventTime,
    eventName: options.eventName ?? "ObjectCreated:Put",
    userIdentity: { principalId: "AWS:AIDAEXAMPLE" },
    requestParameters: { sourceIPAddress: "127.0.0.1" },
    responseElements: { "x-amz-request-id": "C3D13FE58DE4C810", "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD" },
    s3: {
      s3SchemaVersion: "1.0",
      configurationId: "profile-pictures",
      bucket: { name: bucket, ownerIdentity: { principalId: "A3NL1KOZZKExample" }, arn: `arn:aws:s3:::${bucket}` },
      object,
    },
  };
}

export function removedRecord(options: Omit<RecordOptions, "size" | "eTag">): S3EventRecord {
  return s3Record({ eventName: "ObjectRemoved:Delete", ...options });
}

export function s3Event(...records: S3EventRecord[]): S3Event {
  return { Records: records };
}
