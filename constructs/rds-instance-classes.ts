/**
 * Memory of RDS instance classes, and PostgreSQL's default connection limit that follows from it
 * (RDS sets max_connections to LEAST(DBInstanceClassMemory / 9531392, 5000)). Used for alarm
 * thresholds ("connections near the class's maximum", "freeable memory low").
 *
 * The memory per size is regular within a family: burstable t (micro 1 GiB ... 2xlarge 32 GiB),
 * general purpose m (8 GiB per large), memory optimized r (16 GiB per large), x2g (32 GiB per large).
 */
const GIB = 1024 ** 3;
const PER_LARGE_GIB: Readonly<Record<string, number>> = { m: 8, r: 16, x: 32 };
const BURSTABLE_GIB: Readonly<Record<string, number>> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16, "2xlarge": 32 };
/** DBInstanceClassMemory is what is left after the OS and RDS processes: about 90 % of the nominal memory. */
const CLASS_MEMORY_SHARE = 0.9;

/** Nominal memory of `db.<family>.<size>` in GiB, or undefined for a family this table does not know. */
export function rdsMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.([a-z]+)\d+[a-z]*\.(\w+)$/.exec(instanceClass);
  if (!match) return undefined;
  const [, family, size] = match;
  if (family === "t") return BURSTABLE_GIB[size];
  const perLarge = PER_LARGE_GIB[family];
  if (perLarge === undefined) return undefined;
  if (size === "large") return perLarge;
  if (size === "xlarge") return perLarge * 2;
  const n = /^(\d+)xlarge$/.exec(size);
  return n ? perLarge * 2 * Number(n[1]) : undefined;
}

/** PostgreSQL's default max_connections on RDS for the class (approximate: see CLASS_MEMORY_SHARE). */
export function rdsMaxConnections(instanceClass: string): number | undefined {
  const gib = rdsMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.min(Math.floor((gib * GIB * CLASS_MEMORY_SHARE) / 9531392), 5000);
}

export const RDS_BYTES_PER_GIB = GIB;
