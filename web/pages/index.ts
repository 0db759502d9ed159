/**
 * Placeholder pages (GET / and GET /profile), replaced by the real pages. They show how a page
 * knows the signed-in user: `currentUser(request)` from web/context.ts.
 */
import type { FastifyPluginAsync } from "fastify";
import { currentUser } from "../context";

const page = (title: string, body: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body>${body}</body></html>`;

export const pagesPlugin: FastifyPluginAsync = async (app) => {
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(page("Web app", "<h1>Web app</h1>")));
  app.get("/profile", async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.redirect("/");
    return reply.type("text/html; charset=utf-8").send(page("Profile", "<h1>Profile</h1>"));
  });
};
