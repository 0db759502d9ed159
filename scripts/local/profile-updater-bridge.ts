/**
 * Stands in for the S3 -> Lambda notification of the stacks (`s3:ObjectCreated:*`,
 * `s3:ObjectRemoved:*`, filter prefix `profile-pictures/`): turns s3rver's events into the events
 * S3 sends to Lambda and invokes the real profile-updater handler with them, asynchronously, with
 * Lambda's retry policy for asynchronous invocations (2 retries; shortened delays).
 *
 * s3rver's records differ from S3's in two ways that matter, both fixed here: the object key is
 * not URL-encoded (S3 encodes it form-style, and the handler decodes it), and the bucket ARN is
 * malformed.
 *
 * Tests can `hold()` deliveries and replay the held events in any order (late / out-of-order
 * delivery), and `idle()` waits until every delivery has finished.
 */
import type { S3Event, S3EventRecord } from "aws-lambda";

export const PROFILE_PICTURES_PREFIX = "profile-pictures/";

export type Invoke = (event: S3Event) => Promise<unknown>;

export interface BridgeOptions {
  readonly bucket: string;
  readonly invoke: Invoke;
  /** One line per delivery outcome (default: none). */
  readonly log?: (line: string) => void;
  /** Delays before each retry; Lambda retries an asynchronous invocation twice. */
  readonly retryDelaysMs?: readonly number[];
}

/** How S3 writes a key into an event record: form-style URL encoding, `/` kept. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/gi, "/");
}

interface S3rverRecord {
  readonly eventName?: string;
  readonly s3?: { bucket?: { name?: string }; object?: { key?: string } };
}

/** The S3 -> Lambda event for one s3rver event, or undefined when the notification filter drops it. */
export function toLambdaEvent(raw: unknown, bucket: string): S3Event | undefined {
  const records = (raw as { Records?: S3rverRecord[] } | undefined)?.Records;
  if (!Array.isArray(records)) return undefined;
  const kept: S3EventRecord[] = [];
  for (const record of records) {
    const key = record.s3?.object?.key;
    const name = record.s3?.bucket?.name;
    const eventName = record.eventName ?? "";
    if (typeof key !== "string" || name !== bucket || !key.startsWith(PROFILE_PICTURES_PREFIX)) continue;
    if (!eventName.startsWith("ObjectCreated:") && !eventName.startsWith("ObjectRemoved:")) continue;
    const copy = JSON.parse(JSON.stringify(record)) as S3EventRecord;
    copy.s3.object.key = encodeEventKey(key);
    copy.s3.bucket.arn = `arn:aws:s3:::${bucket}`;
    copy.s3.configurationId = "profile-pictures";
    kept.push(copy);
  }
  return kept.length > 0 ? { Records: kept } : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ProfileUpdaterBridge {
  private readonly pending = new Set<Promise<void>>();
  private held: S3Event[] | undefined;
  private delivered = 0;
  private failed = 0;

  constructor(private readonly options: BridgeOptions) {}

  /** Listener for s3rver's `event`. */
  readonly onS3Event = (raw: unknown): void => {
    const event = toLambdaEvent(raw, this.options.bucket);
    if (event === undefined) return;
    if (this.held) this.held.push(event);
    else this.deliver(event);
  };

  /** From now on, queue events instead of delivering them. */
  hold(): void {
    this.held ??= [];
  }

  /** Stops holding; returns the queued events, undelivered, in arrival order. */
  release(): S3Event[] {
    const events = this.held ?? [];
    this.held = undefined;
    return events;
  }

  /** Invokes the handler with `event` (retried like an asynchronous Lambda invocation). */
  deliver(event: S3Event): Promise<void> {
    const delivery = this.invokeWithRetries(event).finally(() => this.pending.delete(delivery));
    this.pending.add(delivery);
    return delivery;
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  get stats(): { delivered: number; failed: number } {
    return { delivered: this.delivered, failed: this.failed };
  }

  private async invokeWithRetries(event: S3Event): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [1000, 2000];
    const keys = event.Records.map((r) => `${r.eventName} ${decodeURIComponent(r.s3.object.key.replace(/\+/g, "%20"))}`).join(", ");
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.options.invoke(event);
        this.delivered += 1;
        this.options.log?.(`profile-updater: ${keys}: done${attempt > 0 ? ` (attempt ${attempt + 1})` : ""}`);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (attempt >= delays.length) {
          this.failed += 1;
          this.options.log?.(`profile-updater: ${keys}: FAILED after ${attempt + 1} attempts: ${message}`);
          return;
        }
        this.options.log?.(`profile-updater: ${keys}: attempt ${attempt + 1} failed (${message}); retrying`);
        await sleep(delays[attempt]);
      }
    }
  }
}
