/**
 * A small HTTP client for the web app tests: fetch with one session cookie (as a browser keeps
 * it), JSON and multipart helpers, and raw multipart bodies for the cases fetch cannot send.
 */
export interface Reply<T = unknown> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export class WebClient {
  /** `name=value` of the session cookie, as the last Set-Cookie left it. */
  cookie: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(method: string, path: string, init: { body?: string | FormData | Buffer; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (this.cookie !== undefined && headers.cookie === undefined) headers.cookie = this.cookie;
    const response = await fetch(`${this.baseUrl}${path}`, { method, body: init.body, headers, redirect: "manual" });
    const setCookie = response.headers.getSetCookie();
    for (const line of setCookie) {
      const pair = line.split(";")[0];
      const value = pair.slice(pair.indexOf("=") + 1);
      this.cookie = value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line) ? undefined : pair;
    }
    const text = await response.text();
    let body: unknown = text;
    if ((response.headers.get("content-type") ?? "").includes("application/json") && text !== "") body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: body as T, text };
  }

  get<T = unknown>(path: string): Promise<Reply<T>> {
    return this.request<T>("GET", path);
  }

  postJson<T = unknown>(path: string, value: unknown): Promise<Reply<T>> {
    return this.request<T>("POST", path, { body: JSON.stringify(value), headers: { "content-type": "application/json" } });
  }

  upload<T = unknown>(path: string, bytes: Buffer, fileName = "file.bin", type = "application/octet-stream", field = "file"): Promise<Reply<T>> {
    const form = new FormData();
    form.append(field, new Blob([bytes], { type }), fileName);
    return this.request<T>("POST", path, { body: form });
  }

  async signup(email: string, name = "Test User", password = "correct horse battery"): Promise<string> {
    const reply = await this.postJson<{ userId: string }>("/api/signup", { email, name, password });
    if (reply.status !== 201) throw new Error(`signup failed: ${reply.status} ${reply.text}`);
    return reply.body.userId;
  }
}

let counter = 0;
/** A unique email per call (tests share one database per file). */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now()}-${counter}@example.com`;
}

/** Smallest valid images for sniffing: the magic numbers followed by filler bytes. */
export const IMAGES = {
  png: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]),
  jpeg: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]),
  webp: Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x40, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(64, 3)]),
};
