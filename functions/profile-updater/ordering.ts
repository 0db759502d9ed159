/**
 * Ordering of S3 events: which upload is the newest, which event is the watermark (state.ts).
 *
 * An event's version is (eventTime, sequencer, key), compared in that order:
 * - `eventTime` is normalized to `Date#toISOString()` (always `YYYY-MM-DDTHH:mm:ss.sssZ`), so that
 *   byte-wise string comparison is chronological.
 * - `sequencer` breaks ties. AWS: "The sequencers can be of different lengths. To compare these
 *   values, first right pad the shorter value with zeros, and then do a lexicographical
 *   comparison." (Amazon S3 User Guide, "Event message structure"; older editions of the guide said
 *   "left pad", the current one says right pad.) Right-padding with "0" — the smallest hex digit —
 *   is the same as removing trailing zeros and comparing the rest byte-wise. So the stored
 *   sequencer is upper-case hex without trailing zeros ("0" when nothing is left).
 * - AWS also says sequencers of different keys are not comparable. For two different keys at the
 *   same millisecond the rule above still gives a total, deterministic order (every delivery order
 *   converges on the same winner), it just does not claim to be the real order. The key is the last
 *   tie-breaker; the same key, time and sequencer is a duplicate, never "newer".
 * - Time comes first even for one key, because only a total order makes "the newest" independent
 *   of delivery order (mixing per-key sequencer order with cross-key time order can cycle). Should
 *   S3 ever stamp two events of one key with times in the opposite order of their sequencers, the
 *   item still converges and stays honest: the upload taken as newest is then not the object S3
 *   serves, so there is no avatar until the next upload.
 */
export interface EventVersion {
  readonly eventTime: string;
  readonly sequencer: string;
  readonly key: string;
}

/** ISO-8601 with milliseconds in UTC, or `undefined` when the input is not a date. */
export function normalizeEventTime(raw: unknown): string | undefined {
  if (typeof raw !== "string" || raw === "") return undefined;
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString();
}

/**
 * Comparable form of a sequencer (see above). A missing sequencer is the smallest value ("0");
 * something that is not hex is `undefined` (malformed record).
 */
export function normalizeSequencer(raw: unknown): string | undefined {
  if (raw === undefined || raw === null || raw === "") return "0";
  if (typeof raw !== "string" || !/^[0-9a-fA-F]+$/.test(raw)) return undefined;
  const trimmed = raw.toUpperCase().replace(/0+$/, "");
  return trimmed === "" ? "0" : trimmed;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The order of events: (eventTime, sequencer, key). */
export function compareVersions(a: EventVersion, b: EventVersion): number {
  return compareStrings(a.eventTime, b.eventTime) || compareStrings(a.sequencer, b.sequencer) || compareStrings(a.key, b.key);
}
