/**
 * The HTML pages: `/` (sign up, log in) and `/profile` (picture, uploads, log out), plus their two
 * static assets. Pages are rendered on the server from the app's own JSON API (through
 * `inject`, with the visitor's cookie), so they rely on exactly the contract any other client
 * relies on, and never on the API's internals.
 *
 * - HTML: `Cache-Control: no-store`, a strict CSP (scripts and styles from this origin only; no
 *   inline code), `Referrer-Policy: no-referrer` (pages hold presigned URLs).
 * - Assets: content-hashed URLs, cached for a year (`immutable`), ETag for conditional requests.
 * - `/profile` without a valid session redirects to `/` (303); `/` with one, to `/profile`.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { Asset, ASSETS, IMMUTABLE } from "./assets";
import { originOf, pageHeaders } from "./html";
import { homePage, Me, profilePage, UploadItem } from "./views";

function serveAsset(app: FastifyInstance, asset: Asset): void {
  app.get(asset.path, async (request, reply) => {
    reply.headers({ "content-type": asset.contentType, "cache-control": IMMUTABLE, etag: asset.etag, "x-content-type-options": "nosniff" });
    if (request.headers["if-none-match"] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  });
}

interface ApiAnswer<T> {
  readonly status: number;
  readonly body: T;
}

/** Calls the app's own JSON API as the visitor (same cookie). */
async function callApi<T>(app: FastifyInstance, request: FastifyRequest, url: string): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (request.headers.cookie) headers.cookie = request.headers.cookie;
  const response = await app.inject({ method: "GET", url, headers, remoteAddress: request.ip });
  return { status: response.statusCode, body: response.statusCode === 200 ? (response.json() as T) : (undefined as T) };
}

function sendPage(reply: FastifyReply, body: string, imageOrigins: readonly string[] = []): FastifyReply {
  return reply.code(200).headers(pageHeaders(imageOrigins)).send(body);
}

export const pagesPlugin: FastifyPluginAsync = async (app) => {
  serveAsset(app, ASSETS.styles);
  serveAsset(app, ASSETS.script);

  app.get("/", async (request, reply) => {
    // Signed in already: straight to the profile.
    if (request.headers.cookie && (await callApi<Me>(app, request, "/api/me")).status === 200) {
      return reply.code(303).headers({ location: "/profile", "cache-control": "no-store" }).send();
    }
    return sendPage(reply, homePage());
  });

  app.get("/profile", async (request, reply) => {
    const [me, uploads] = await Promise.all([
      callApi<Me>(app, request, "/api/me"),
      callApi<{ items: UploadItem[] }>(app, request, "/api/uploads"),
    ]);
    if (me.status === 401 || uploads.status === 401) {
      return reply.code(303).headers({ location: "/", "cache-control": "no-store" }).send();
    }
    if (me.status !== 200 || uploads.status !== 200) {
      request.log.error({ me: me.status, uploads: uploads.status }, "profile page: the API did not answer 200");
      return reply.code(503).headers({ ...pageHeaders([]), "retry-after": "5" }).send("<!doctype html><title>Unavailable</title><p>The service is not available right now. Try again in a moment.</p>");
    }
    const origins = [me.body.avatar?.url, ...uploads.body.items.map((item) => item.url)].map(originOf).filter((o): o is string => o !== undefined);
    return sendPage(reply, profilePage(me.body, uploads.body.items, [...new Set(origins)]), [...new Set(origins)]);
  });
};
