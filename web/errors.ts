/**
 * Every error leaves the app as `{ error: { code, message, field? } }` with a 4xx/5xx status:
 * the app's own ApiErrors, Fastify's and the multipart plugin's 4xx (bad JSON, wrong content type,
 * body or file too large, ...) and anything unexpected (500, logged, a generic message: never a
 * stack trace or an internal message in a response).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const badField = (field: string, message: string): ApiError => new ApiError(400, "invalid_field", message, field);
export const unauthorized = (): ApiError => new ApiError(401, "unauthorized", "Sign in first: no valid session.");

/** Fastify / plugin error codes mapped to a stable public code and message. */
const KNOWN: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: "invalid_json", message: "The body is not valid JSON." },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: "invalid_json", message: "The JSON body is empty." },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: "unsupported_media_type", message: "This content type is not accepted here." },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: "bad_request", message: "Content-Length does not match the body." },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: "payload_too_large", message: "The request body is too large." },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: "bad_request", message: "The content type is invalid." },
  FST_INVALID_MULTIPART_CONTENT_TYPE: { status: 415, code: "unsupported_media_type", message: "Send the file as multipart/form-data." },
  FST_REQ_FILE_TOO_LARGE: { status: 413, code: "file_too_large", message: "The file is too large." },
  FST_PARTS_LIMIT: { status: 413, code: "payload_too_large", message: "Too many parts in the form." },
  FST_FILES_LIMIT: { status: 413, code: "payload_too_large", message: "Send one file per request." },
  FST_FIELDS_LIMIT: { status: 413, code: "payload_too_large", message: "Too many fields in the form." },
  FST_PROTO_VIOLATION: { status: 400, code: "bad_request", message: "The form contains a forbidden field name." },
};

/** The database (or another server) cannot be reached: network errors and PostgreSQL's connection/shutdown classes. */
function isUnavailable(error: { code?: string; message?: string }): boolean {
  const code = error.code ?? "";
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"].includes(code) || /^(08|57P0)/.test(code) || /Connection terminated|timeout exceeded when trying to connect/.test(error.message ?? "");
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string, field?: string): FastifyReply {
  return reply.code(status).type("application/json; charset=utf-8").send({ error: field === undefined ? { code, message } : { code, message, field } });
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ApiError) {
      reply.headers(error.headers);
      return sendError(reply, error.statusCode, error.code, error.message, error.field);
    }
    const known = error.code ? KNOWN[error.code] : undefined;
    if (known) return sendError(reply, known.status, known.code, known.message);
    if ((error as FastifyError).validation) return sendError(reply, 400, "bad_request", "The request is invalid.");
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      request.log.info({ err: { code: error.code, message: error.message } }, "client error");
      return sendError(reply, status, "bad_request", "The request is invalid.");
    }
    if (isUnavailable(error)) {
      request.log.error({ err: error }, "a dependency is unavailable");
      return sendError(reply.header("retry-after", "5"), 503, "service_unavailable", "The service is unavailable right now. Try again in a moment.");
    }
    request.log.error({ err: error }, "unexpected error");
    return sendError(reply, 500, "internal_error", "Something went wrong on our side.");
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, "not_found", `No route ${request.method} ${request.url.split("?")[0]}.`));
}
