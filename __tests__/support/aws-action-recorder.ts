/**
 * Server-side recorder of the IAM actions a client needs: an HTTP proxy placed in front of a local
 * AWS-compatible server (dynalite, s3rver). Every request that reaches the proxy is mapped to the
 * IAM action and resource it requires, then forwarded unchanged (Host header included, so SigV4
 * signatures still verify) — or answered by an injected fault. Because it records on the wire, it
 * works the same for a handler imported in-process and for an esbuild bundle run in a child process.
 *
 * One call is implied rather than seen: S3 answers a GetObject/HeadObject on a missing key with 404
 * only if the caller also has s3:ListBucket on the bucket, otherwise with 403 (HeadObject API
 * reference, "Permissions"). s3rver does not model IAM, so when it answers 404 the recorder also
 * records `s3:ListBucket` on the bucket, with a `note`: code that relies on the 404 needs that grant.
 *
 * Resources: the table name for DynamoDB (`profile-table`, i.e. `arn:aws:dynamodb:<region>:<account>:table/profile-table`),
 * `<bucket>/<key>` for S3 objects and `<bucket>` for bucket-level calls.
 */
import { Agent, createServer, IncomingHttpHeaders, IncomingMessage, request as httpRequest, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import * as zlib from "node:zlib";

export type AwsService = "dynamodb" | "s3";

export interface RecordedCall {
  readonly action: string;
  readonly resource: string;
}

/** One request as the proxy saw it. */
export interface ObservedRequest extends RecordedCall {
  readonly service: AwsService;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The parsed JSON body (DynamoDB), when there is one. */
  readonly json?: Record<string, unknown>;
}

export interface ObservedCall extends RecordedCall {
  readonly service: AwsService;
  /** HTTP status returned to the client; `undefined` when the connection was reset. */
  status?: number;
  readonly injected: boolean;
  /** Why a call is recorded that was not literally made (see the implied s3:ListBucket above). */
  readonly note?: string;
}

/** A canned answer instead of forwarding, or `"reset"` to drop the connection (network error). */
export type FaultResponse = { readonly status: number; readonly headers?: Record<string, string>; readonly body?: string } | "reset";
export type FaultInjector = (request: ObservedRequest) => FaultResponse | undefined;

export class ActionRecorder {
  private readonly log: ObservedCall[] = [];

  record(call: ObservedCall): void {
    this.log.push(call);
  }

  /** Every call in arrival order (retries included). */
  calls(): readonly ObservedCall[] {
    return this.log;
  }

  /** The distinct (action, resource) pairs observed, sorted. */
  observed(): RecordedCall[] {
    const unique = new Map(this.log.map((c) => [`${c.action}\u0000${c.resource}`, { action: c.action, resource: c.resource }]));
    return [...unique.values()].sort((a, b) => (a.action + a.resource < b.action + b.resource ? -1 : 1));
  }

  /** The distinct actions observed. */
  actions(): Set<string> {
    return new Set(this.log.map((c) => c.action));
  }

  reset(): void {
    this.log.length = 0;
  }
}

/** DynamoDB JSON protocol: `X-Amz-Target: DynamoDB_20120810.<Operation>` -> `dynamodb:<Operation>`. */
export function dynamoDbCalls(headers: IncomingHttpHeaders, json: Record<string, unknown> | undefined): RecordedCall[] {
  const target = String(headers["x-amz-target"] ?? "");
  const action = `dynamodb:${target.split(".").pop() || "Unknown"}`;
  const tables = new Set<string>();
  if (typeof json?.TableName === "string") tables.add(json.TableName);
  for (const field of ["RequestItems"]) {
    const value = json?.[field];
    if (value && typeof value === "object") Object.keys(value).forEach((t) => tables.add(t));
  }
  for (const item of Array.isArray(json?.TransactItems) ? (json.TransactItems as Record<string, { TableName?: string }>[]) : []) {
    Object.values(item).forEach((op) => op?.TableName && tables.add(op.TableName));
  }
  return (tables.size ? [...tables] : ["*"]).map((resource) => ({ action, resource }));
}

const OBJECT_SUBRESOURCE_ACTIONS: Record<string, Record<string, string>> = {
  tagging: { GET: "s3:GetObjectTagging", PUT: "s3:PutObjectTagging", DELETE: "s3:DeleteObjectTagging" },
  acl: { GET: "s3:GetObjectAcl", PUT: "s3:PutObjectAcl" },
};

/** S3 REST: path-style (`/<bucket>/<key>`) or virtual-hosted (`<bucket>.<host>/<key>`) requests. */
export function s3Call(method: string, rawPath: string, headers: IncomingHttpHeaders): RecordedCall {
  const url = new URL(rawPath, "http://proxy.invalid");
  const host = String(headers.host ?? "").replace(/:\d+$/, "");
  const pathStyle = /^[\d.]+$/.test(host) || host === "localhost" || host.startsWith("[");
  const segments = url.pathname.split("/").slice(1);
  const bucket = decodeURIComponent(pathStyle ? (segments.shift() ?? "") : host.split(".")[0]);
  const key = segments.map((s) => decodeURIComponent(s)).join("/");
  const q = url.searchParams;
  if (key === "") {
    const bucketAction: Record<string, string> = {
      GET: q.has("uploads") ? "s3:ListBucketMultipartUploads" : "s3:ListBucket",
      HEAD: "s3:ListBucket",
      PUT: "s3:CreateBucket",
      DELETE: "s3:DeleteBucket",
    };
    // DeleteObjects (POST /<bucket>?delete) needs s3:DeleteObject on each key of its XML body.
    if (method === "POST" && q.has("delete")) return { action: "s3:DeleteObject", resource: `${bucket}/*` };
    return { action: bucketAction[method] ?? `s3:Unknown${method}`, resource: bucket };
  }
  const resource = `${bucket}/${key}`;
  for (const [sub, actions] of Object.entries(OBJECT_SUBRESOURCE_ACTIONS)) {
    if (q.has(sub)) return { action: actions[method] ?? `s3:Unknown${method}`, resource };
  }
  const versioned = q.has("versionId");
  const objectAction: Record<string, string> = {
    GET: versioned ? "s3:GetObjectVersion" : "s3:GetObject",
    HEAD: versioned ? "s3:GetObjectVersion" : "s3:GetObject",
    PUT: "s3:PutObject",
    POST: "s3:PutObject",
    DELETE: versioned ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
  };
  return { action: objectAction[method] ?? `s3:Unknown${method}`, resource };
}

/** A DynamoDB error exactly as the service sends it (JSON 1.0 body, `__type`, CRC32 header). */
export function dynamoDbError(
  type: "ThrottlingException" | "ProvisionedThroughputExceededException" | "InternalServerError",
  status = type === "InternalServerError" ? 500 : 400,
): FaultResponse {
  const namespace = type === "ThrottlingException" ? "com.amazon.coral.availability" : "com.amazonaws.dynamodb.v20120810";
  const messages = {
    ThrottlingException: "Rate of requests exceeds the allowed throughput.",
    ProvisionedThroughputExceededException:
      "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
    InternalServerError: "Internal server error",
  };
  const body = JSON.stringify({ __type: `${namespace}#${type}`, message: messages[type] });
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": randomUUID().replace(/-/g, "").toUpperCase() };
  const crc32 = (zlib as { crc32?: (data: string) => number }).crc32;
  if (crc32) headers["x-amz-crc32"] = String(crc32(body));
  return { status, headers, body };
}

/** Calls a response implies: a 404 on an object read is only a 404 with s3:ListBucket on the bucket. */
function impliedCalls(call: ObservedCall, status: number | undefined): ObservedCall[] {
  if (call.service !== "s3" || status !== 404 || !["s3:GetObject", "s3:GetObjectVersion"].includes(call.action)) return [];
  const bucket = call.resource.split("/")[0];
  const note = "S3 answers 404 (not 403) for a missing key only with s3:ListBucket on the bucket";
  return [{ action: "s3:ListBucket", resource: bucket, service: "s3", status, injected: call.injected, note }];
}

export interface RecordingProxy {
  readonly endpoint: string;
  /** Replaces the fault injector (undefined: forward everything). */
  setFault(fault: FaultInjector | undefined): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function parseJson(service: AwsService, body: Buffer): Record<string, unknown> | undefined {
  if (service !== "dynamodb" || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Starts a recording proxy on 127.0.0.1 (random port) in front of `upstream` (`http://host:port`). */
export async function startRecordingProxy(options: { service: AwsService; upstream: string; recorder: ActionRecorder; fault?: FaultInjector }): Promise<RecordingProxy> {
  const { service, recorder } = options;
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true });
  let fault = options.fault;

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, observed: ObservedCall[]): void => {
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (upstreamRes) => {
        observed.forEach((c) => (c.status = upstreamRes.statusCode));
        observed.flatMap((c) => impliedCalls(c, c.status)).forEach((c) => recorder.record(c));
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    out.on("error", () => res.destroy());
    out.end(body);
  };

  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      const method = req.method ?? "GET";
      const path = req.url ?? "/";
      const json = parseJson(service, body);
      const calls = service === "dynamodb" ? dynamoDbCalls(req.headers, json) : [s3Call(method, path, req.headers)];
      const answer = fault?.({ service, method, path, headers: req.headers, body, json, ...calls[0] });
      const observed: ObservedCall[] = calls.map((c) => ({ ...c, service, injected: answer !== undefined }));
      observed.forEach((c) => recorder.record(c));
      if (answer === "reset") return void req.socket.destroy();
      if (answer) {
        observed.forEach((c) => (c.status = answer.status));
        observed.flatMap((c) => impliedCalls(c, c.status)).forEach((c) => recorder.record(c));
        res.writeHead(answer.status, answer.headers ?? {});
        return void res.end(answer.body ?? "");
      }
      forward(req, res, body, observed);
    }, () => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setFault: (next) => {
      fault = next;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
