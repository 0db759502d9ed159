/**
 * What every route (and the pages plugin) reaches through `request.server.webapp`, and the
 * session helpers built on it. `currentUser(request)` is the one call pages need: the signed-in
 * user, or undefined.
 */
import { randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AwsClients } from "./aws";
import { TtlCache } from "./cache";
import type { LoginThrottle } from "./auth/throttle";
import type { WebConfig } from "./config";
import { unauthorized } from "./errors";
import type { Store, User } from "./db/store";

export interface WebAppContext {
  readonly config: WebConfig;
  readonly store: Store;
  readonly aws: AwsClients;
  readonly throttle: LoginThrottle;
  /** Session token -> user (or undefined), for SESSION_CACHE_MS; logout drops the entry at once. */
  readonly sessions: TtlCache<User | undefined>;
}

/**
 * How long a session lookup is reused. Logout (in this process, the only one serving an
 * environment) revokes at once; only an expiry or a change made outside the app takes up to this long.
 */
export const SESSION_CACHE_MS = 10_000;

export function sessionCache(): TtlCache<User | undefined> {
  return new TtlCache<User | undefined>(SESSION_CACHE_MS);
}

declare module "fastify" {
  interface FastifyInstance {
    webapp: WebAppContext;
  }
}

export const SESSION_COOKIE = "sid";
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;

const lookups = new WeakMap<FastifyRequest, Promise<User | undefined>>();

function sessionToken(request: FastifyRequest): string | undefined {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value ? unsigned.value : undefined;
}

/** The signed-in user of this request (one database lookup per request), or undefined. */
export function currentUser(request: FastifyRequest): Promise<User | undefined> {
  let lookup = lookups.get(request);
  if (!lookup) {
    const token = sessionToken(request);
    const { store, sessions } = request.server.webapp;
    lookup = token === undefined ? Promise.resolve(undefined) : sessions.get(token, () => store.userForSession(token));
    lookups.set(request, lookup);
  }
  return lookup;
}

/** The signed-in user, or a 401 ApiError. */
export async function requireUser(request: FastifyRequest): Promise<User> {
  const user = await currentUser(request);
  if (!user) throw unauthorized();
  return user;
}

/** HTTPS as the client sees it: the socket, or X-Forwarded-Proto from a trusted proxy (TRUST_PROXY). */
export function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https";
}

function cookieOptions(request: FastifyRequest) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure: isHttps(request), signed: true };
}

export async function startSession(request: FastifyRequest, reply: FastifyReply, userId: string): Promise<void> {
  const token = randomBytes(32).toString("base64url");
  await request.server.webapp.store.createSession(userId, token, SESSION_TTL_SECONDS);
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(request), maxAge: SESSION_TTL_SECONDS });
}

export async function endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const token = sessionToken(request);
  if (token !== undefined) {
    await request.server.webapp.store.deleteSession(token);
    request.server.webapp.sessions.delete(token);
  }
  reply.clearCookie(SESSION_COOKIE, cookieOptions(request));
}
