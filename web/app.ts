/**
 * The Fastify application: plugins, security headers, error handling and the routes of the web
 * app contract (DESIGN.md). `buildApp` takes ready dependencies; `start` (server.ts) makes them.
 */
import { STATUS_CODES } from "node:http";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import type { WebAppContext } from "./context";
import { isHttps } from "./context";
import { installErrorHandlers, sendError } from "./errors";
import { pagesPlugin } from "./pages";
import { authRoutes } from "./routes/auth";
import { healthRoutes } from "./routes/health";
import { meRoutes } from "./routes/me";
import { uploadRoutes } from "./routes/uploads";

export interface BuildOptions {
  /** Fastify logger: true (JSON lines on stdout, the default), false (tests). */
  readonly logger?: boolean;
  readonly cookieSecret: string;
}

/** JSON bodies are small: sign-up and login only. */
export const JSON_BODY_LIMIT = 16 * 1024;

export async function buildApp(context: WebAppContext, options: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? true,
    trustProxy: context.config.trustProxy,
    bodyLimit: JSON_BODY_LIMIT,
    // No request takes longer than this to arrive (a 100 MiB upload on a slow link included).
    requestTimeout: 15 * 60 * 1000,
    // Requests that are not HTTP at all (Node's parser fails): answered in the error shape too.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return void socket.destroy();
      const tooLarge = error.code === "HPE_HEADER_OVERFLOW";
      const status = tooLarge ? 431 : 400;
      const body = JSON.stringify({ error: tooLarge ? { code: "headers_too_large", message: "The request headers are too large." } : { code: "bad_request", message: "The request is not valid HTTP." } });
      socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    },
    // Errors raised before routing (a malformed URL) get the contract's error shape too.
    frameworkErrors: (error, _request, reply) => {
      sendError(reply, 400, "bad_request", error.code === "FST_ERR_BAD_URL" ? "The URL is malformed." : "The request is invalid.");
    },
  });
  app.decorate("webapp", context);
  installErrorHandlers(app);

  // Defaults for every response; a route (e.g. a page) that set its own value keeps it.
  app.addHook("onSend", async (request, reply) => {
    const defaults: Record<string, string> = { "x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "DENY" };
    if (isHttps(request)) defaults["strict-transport-security"] = "max-age=31536000; includeSubDomains";
    if (request.url.startsWith("/api/")) defaults["cache-control"] = "no-store";
    for (const [name, value] of Object.entries(defaults)) if (!reply.hasHeader(name)) reply.header(name, value);
  });

  // JSON routes take JSON only: without Fastify's default text/plain parser, other types get 415.
  app.removeContentTypeParser("text/plain");
  await app.register(cookie, { secret: options.cookieSecret });
  await app.register(multipart, { throwFileSizeLimit: true });
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(meRoutes);
  await app.register(uploadRoutes);
  await app.register(pagesPlugin);
  return app;
}
