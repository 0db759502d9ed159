/**
 * Error classification. Two outcomes are normal and never thrown: a failed condition check (another
 * invocation wrote the item first: read and decide again) and an object that no longer exists. Everything else fails the record; the
 * handler throws after the whole event so that Lambda retries it (the handler is idempotent).
 * `transient` only labels the log line: throttling, 5xx and network errors are expected to pass on
 * retry; others (access denied, validation) need a fix, and the retry/failure destination keeps the
 * event until then.
 */
const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
  "LimitExceededException",
  "TransactionConflictException",
  "ConcurrentUpdateConflict", // process-record.ts: other invocations kept changing the same item
]);

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH"]);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

function shape(error: unknown): SdkErrorShape {
  return typeof error === "object" && error !== null ? (error as SdkErrorShape) : {};
}

export function errorName(error: unknown): string {
  const name = shape(error).name;
  return typeof name === "string" ? name : typeof error;
}

export function httpStatus(error: unknown): number | undefined {
  return shape(error).$metadata?.httpStatusCode;
}

export function isConditionalCheckFailed(error: unknown): boolean {
  return errorName(error) === "ConditionalCheckFailedException";
}

/** HeadObject on a missing key: 404 `NotFound` (the role may list the bucket) or `NoSuchKey`. */
export function isObjectGone(error: unknown): boolean {
  const name = errorName(error);
  return name === "NotFound" || name === "NoSuchKey" || httpStatus(error) === 404;
}

export function isTransient(error: unknown): boolean {
  const e = shape(error);
  const status = httpStatus(error);
  if (THROTTLING_NAMES.has(errorName(error)) || e.$retryable) return true;
  if (status !== undefined) return status >= 500 || status === 429;
  // No HTTP response at all: a network error or a socket timeout. The SDK's retry layer attaches
  // `$metadata` to every error it rethrows, so an SDK error without a status never got an answer.
  if (e.$metadata !== undefined) return true;
  return (typeof e.code === "string" && NETWORK_CODES.has(e.code)) || ["TimeoutError", "RequestTimeout"].includes(errorName(error));
}

export function describeError(error: unknown): Record<string, unknown> {
  const e = shape(error);
  return {
    errorName: errorName(error),
    errorMessage: typeof e.message === "string" ? e.message : String(error),
    httpStatus: httpStatus(error),
    transient: isTransient(error),
  };
}
