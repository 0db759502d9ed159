/**
 * The app behind a real TLS-terminating proxy, as behind the edge (issue "HTTPS at the edge"): a
 * local HTTPS server (throwaway CA, openssl) forwards to the app over plain HTTP and adds
 * `X-Forwarded-Proto: https`, as CloudFront's origin custom header does. The app trusts that
 * header only from its trusted proxy (TRUST_PROXY=127.0.0.1 here, `true` on EC2 where only the
 * edge reaches port 8080): through the proxy its session cookie is Secure and it sends HSTS;
 * straight to the app (plain HTTP) neither.
 */
import { readFileSync, mkdtempSync, rmSync } from "fs";
import http from "http";
import https from "https";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { makeCertificates } from "../support/postgres-cluster";
import { startWebApp, WebAppUnderTest } from "../support/web-app";
import { uniqueEmail, WebClient } from "../support/web-client";

let web: WebAppUnderTest;
let proxy: https.Server;
let proxyPort: number;
let ca: Buffer;
let certDir: string;

beforeAll(async () => {
  certDir = mkdtempSync(join(tmpdir(), "tls-proxy-"));
  makeCertificates(certDir);
  ca = readFileSync(join(certDir, "ca.crt"));
  web = await startWebApp({ TRUST_PROXY: "127.0.0.1" });
  const target = new URL(web.url);
  proxy = https.createServer({ key: readFileSync(join(certDir, "server.key")), cert: readFileSync(join(certDir, "server.crt")) }, (req, res) => {
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, "x-forwarded-proto": "https" } },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyPort = (proxy.address() as AddressInfo).port;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((resolve) => proxy.close(() => resolve()));
  await web.close();
  rmSync(certDir, { recursive: true, force: true });
});

/** POST JSON over HTTPS to the proxy, verifying its certificate against the throwaway CA. */
function postThroughProxy(path: string, body: unknown): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = https.request(
      { host: "localhost", port: proxyPort, method: "POST", path, ca, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(data) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

const PASSWORD = "correct horse battery";

test("through the TLS-terminating proxy the session cookie is Secure and HSTS is sent", async () => {
  const reply = await postThroughProxy("/api/signup", { email: uniqueEmail("tls"), name: "Behind TLS", password: PASSWORD });
  expect(reply.status).toBe(201);
  const cookie = (reply.headers["set-cookie"] ?? []).join("\n");
  expect(cookie).toMatch(/^sid=[^;]+;/);
  expect(cookie).toMatch(/;\s*Secure/i);
  expect(cookie).toMatch(/HttpOnly/i);
  expect(reply.headers["strict-transport-security"]).toMatch(/^max-age=\d+/);
});

test("without the proxy (plain HTTP to the app) the cookie is not Secure and there is no HSTS", async () => {
  const reply = await new WebClient(web.url).postJson("/api/signup", { email: uniqueEmail("plain"), name: "Plain HTTP", password: PASSWORD });
  expect(reply.status).toBe(201);
  expect(reply.headers.getSetCookie().join("\n")).not.toMatch(/Secure/i);
  expect(reply.headers.get("strict-transport-security")).toBeNull();
});
