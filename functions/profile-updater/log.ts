/**
 * Structured logs: one JSON object per line, so that CloudWatch Logs Insights can filter on
 * `outcome`, `userId` or `key`. Levels map to console methods (Lambda tags them INFO/WARN/ERROR).
 */
export type LogLevel = "info" | "warn" | "error";

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, logger: "profile-updater", message, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
