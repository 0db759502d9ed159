/**
 * The Fastify application: plugins, security headers, error handling and the routes of the web
 * app contract (DESIGN.md). `buildApp` takes ready dependencies; `start` (server.ts) makes them.
 */
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import Fastify, { type FastifyInstance } from "fastify";
import type { WebAppContext } from "./context";
import { isHttps } from "./context";
import { installErrorHandlers } from "./errors";
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
  });
  app.decorate("webapp", context);
  installErrorHandlers(app);

  app.addHook("onSend", async (request, reply) => {
    reply.header("x-content-type-options", "nosniff");
    reply.header("referrer-policy", "same-origin");
    reply.header("x-frame-options", "DENY");
    if (isHttps(request)) reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    if (request.url.startsWith("/api/")) reply.header("cache-control", "no-store");
  });

  await app.register(cookie, { secret: options.cookieSecret });
  await app.register(multipart, { throwFileSizeLimit: true });
  await app.register(healthRoutes);
  await app.register(authRoutes);
  await app.register(meRoutes);
  await app.register(uploadRoutes);
  await app.register(pagesPlugin);
  return app;
}
