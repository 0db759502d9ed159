/**
 * The pages plugin on its own (a Fastify instance with only the plugin, over a real socket:
 * Fastify's `inject` loads the ESM-only `cookie` package, which jest's sandbox cannot) and the
 * rendering of the pages: escaping, the CSP, caching of the assets.
 */
import type { AddressInfo } from "node:net";
import Fastify, { FastifyInstance } from "fastify";
import { ASSETS } from "../../web/pages/assets";
import { contentSecurityPolicy, escapeHtml, html, originOf, pageHeaders } from "../../web/pages/html";
import { profilePage } from "../../web/pages/views";
import { pagesPlugin } from "../../web/pages";

const S3 = "https://uploads.s3.eu-west-1.amazonaws.com";
const me = {
  userId: "0b0c9e49-5c8e-4a4e-9d1e-3f4b9f0b8d11",
  email: "o'brien+test@example.com",
  name: `<script>alert("x")</script> & "Bob"`,
  createdAt: "2026-12-01T10:00:00.000Z",
  avatar: { key: "profile-pictures/0b0c/me.png", contentType: "image/png", size: 10, updatedAt: "2026-12-01T10:01:00.000Z", url: `${S3}/profile-pictures/0b0c/me.png?X-Amz-Signature=abc&x-id=GetObject` },
};
const uploads = { items: [{ key: "uploads/0b0c/a", name: `"><img src=x onerror=alert(1)>.txt`, size: 2048, contentType: "text/plain", createdAt: "2026-12-01T10:02:00.000Z", url: `${S3}/uploads/0b0c/a?sig=1` }] };

let app: FastifyInstance;
let base: string;

beforeAll(async () => {
  app = Fastify({ logger: false });
  await app.register(pagesPlugin);
  await app.listen({ port: 0, host: "127.0.0.1" });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

interface Res {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  rawPayload: Buffer;
}
async function get(url: string, headers: Record<string, string> = {}): Promise<Res> {
  const res = await fetch(`${base}${url}`, { headers, redirect: "manual" });
  const rawPayload = Buffer.from(await res.arrayBuffer());
  return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: rawPayload.toString("utf8"), rawPayload };
}
afterAll(() => app.close());

describe("GET /", () => {
  it("serves the sign-up and log-in forms with no-store and a CSP without inline code", async () => {
    const res = await get("/");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["content-security-policy"]).toBe(contentSecurityPolicy([]));
    expect(res.headers["content-security-policy"]).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(res.body).toContain(`<script src="${ASSETS.script.path}" defer></script>`);
    expect(res.body).not.toMatch(/<script>|<style>|<[^>]*\son[a-z]+=/); // no inline script, style or handler
    for (const id of ["signup-email", "signup-name", "signup-password", "login-email", "login-password"]) {
      expect(res.body).toContain(`<label for="${id}">`);
      expect(res.body).toContain(`id="${id}-error" data-error-for="${id.split("-")[1]}"`);
    }
  });
});

describe("the profile page (rendering)", () => {
  // GET /profile itself reads the API through Fastify's inject, which jest cannot load (see above):
  // the route runs against the real API in profile-flow.test.ts and browser.test.ts.
  it("renders the API's data escaped, with the avatar and the allowed image origins", () => {
    const page = profilePage(me, uploads.items, [S3]);
    expect(page).toContain(escapeHtml(me.name));
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("<img src=x");
    expect(page).toContain(`src="${escapeHtml(me.avatar.url)}"`);
    expect(page).toContain(`data-avatar-key="${me.avatar.key}"`);
    expect(page).toContain(`data-img-origins="${S3}"`);
    expect(page).toContain("2.0 KiB · 2026-12-01 10:02 UTC");
    expect(page).not.toMatch(/<script>|<style>|<[^>]*\son[a-z]+=/); // no inline code, no handler attribute
  });

  it("shows a placeholder with the name's initial without an avatar", () => {
    const page = profilePage({ ...me, name: "zoë", avatar: null }, [], []);
    expect(page).toContain('role="img" aria-label="No profile picture yet">Z</div>');
    expect(page).toContain('<p id="uploads-empty" class="muted">No files yet.</p>');
  });

  it("allows images from the given origins only", () => {
    expect(pageHeaders([S3])["content-security-policy"]).toContain(`img-src 'self' data: ${S3};`);
    expect(pageHeaders([])["content-security-policy"]).toContain("img-src 'self' data:;");
    expect(originOf(me.avatar.url)).toBe(S3);
    expect(originOf("javascript:alert(1)")).toBeUndefined();
  });
});

describe("static assets", () => {
  it.each(Object.values(ASSETS))("$path: content type, a year of immutable caching, 304 on a matching ETag", async (asset) => {
    expect(asset.path).toMatch(/^\/static\/app\.[0-9a-f]{16}\.(css|js)$/);
    const res = await get(asset.path);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(asset.contentType);
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(res.rawPayload).toEqual(asset.body);
    const again = await get(asset.path, { "if-none-match": String(res.headers.etag) });
    expect([again.statusCode, again.body]).toEqual([304, ""]);
  });

  it("the script parses as JavaScript", () => {
    expect(() => new Function(ASSETS.script.body.toString("utf8"))).not.toThrow();
  });
});

describe("html``", () => {
  it("escapes interpolations, joins arrays and keeps nested templates", () => {
    const items = ["a&b", "<i>"].map((x) => html`<li>${x}</li>`);
    expect(html`<ul title="${`"q'`}">${items}${null}${false}</ul>`.value).toBe(`<ul title="&quot;q&#39;"><li>a&amp;b</li><li>&lt;i&gt;</li></ul>`);
  });
});
