/**
 * POST /api/signup, /api/login, /api/logout (contract: DESIGN.md "Web app contract").
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { dummyHash, hashPassword, verifyPassword } from "../auth/password";
import { endSession, startSession } from "../context";
import { EmailTakenError } from "../db/store";
import { ApiError, badField } from "../errors";

const EMAIL = /^[^\s@\u0000-\u001f]+@[^\s@\u0000-\u001f.]+(\.[^\s@\u0000-\u001f.]+)+$/;
const MAX_PASSWORD_LENGTH = 1024;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

function body(request: FastifyRequest): Record<string, unknown> {
  const value = request.body;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ApiError(400, "invalid_body", "Send a JSON object.");
  }
  return value as Record<string, unknown>;
}

function text(fields: Record<string, unknown>, field: string): string {
  const value = fields[field];
  if (value === undefined || value === null) throw badField(field, `${field} is required.`);
  if (typeof value !== "string") throw badField(field, `${field} must be a string.`);
  return value;
}

export function validEmail(fields: Record<string, unknown>): string {
  const email = text(fields, "email").trim();
  if (email.length > 254 || !EMAIL.test(email)) throw badField("email", "Enter a valid email address.");
  return email;
}

function validPassword(fields: Record<string, unknown>): string {
  const password = text(fields, "password");
  if (Array.from(password).length < 8) throw badField("password", "The password needs at least 8 characters.");
  if (password.length > MAX_PASSWORD_LENGTH) throw badField("password", `The password can have at most ${MAX_PASSWORD_LENGTH} characters.`);
  return password;
}

function validName(fields: Record<string, unknown>): string {
  const name = text(fields, "name").trim().normalize("NFC");
  const length = Array.from(name).length;
  if (length < 1 || length > 100) throw badField("name", "The name needs 1 to 100 characters.");
  if (CONTROL.test(name)) throw badField("name", "The name cannot contain control characters.");
  return name;
}

export async function authRoutes(app: FastifyInstance): Promise<void> {
  app.post("/api/signup", async (request, reply) => {
    const fields = body(request);
    const email = validEmail(fields);
    const name = validName(fields);
    const password = validPassword(fields);
    const { store } = app.webapp;
    let userId: string;
    try {
      userId = (await store.createUser({ email, name, passwordHash: await hashPassword(password) })).id;
    } catch (error) {
      if (error instanceof EmailTakenError) throw new ApiError(409, "email_taken", "An account with this email exists already.", "email");
      throw error;
    }
    await startSession(request, reply, userId);
    return reply.code(201).send({ userId });
  });

  app.post("/api/login", async (request, reply) => {
    const fields = body(request);
    const email = text(fields, "email").trim();
    const password = text(fields, "password");
    const { store, throttle } = app.webapp;
    const wait = throttle.retryAfter(request.ip, email);
    if (wait > 0) {
      throw new ApiError(429, "too_many_attempts", "Too many failed logins. Try again later.", undefined, { "retry-after": String(wait) });
    }
    throttle.begin(request.ip, email);
    const user = email.length <= 254 && password.length <= MAX_PASSWORD_LENGTH ? await store.findUserByEmail(email) : undefined;
    // An unknown email costs one scrypt too, so that the answer's timing does not tell which case it is.
    const ok = await verifyPassword(password.slice(0, MAX_PASSWORD_LENGTH), user?.passwordHash ?? (await dummyHash()));
    if (!user || !ok) throw new ApiError(401, "invalid_credentials", "Wrong email or password.");
    throttle.succeeded(request.ip, email);
    await startSession(request, reply, user.id);
    return reply.code(200).send({ userId: user.id });
  });

  // Logout takes no body: whatever is sent (any type, empty JSON, ...) is drained and ignored.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => {
      payload.on("error", () => undefined).resume().once("end", () => done(null, undefined));
    });
    scope.post("/api/logout", async (request, reply) => {
      await endSession(request, reply);
      return reply.code(204).send();
    });
  });
}
