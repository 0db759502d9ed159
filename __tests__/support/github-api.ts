import { createServer, IncomingMessage, Server, ServerResponse } from "http";
import { AddressInfo } from "net";

export interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly body?: unknown;
}

export type Handler = (method: string, url: URL, body: unknown) => { status: number; json: unknown } | undefined;

/** A loopback HTTP server answering like the parts of GitHub's REST API a test declares, recording every request. */
export async function fakeGithub(handler: Handler): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      const body = text ? (JSON.parse(text) as unknown) : undefined;
      requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const answer = handler(req.method!, new URL(req.url!, "http://localhost"), body) ?? { status: 404, json: { message: "Not Found" } };
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
