import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { buildComment, MARKER, MAX_BODY, postComment, readEnvironmentPlan } from "../../scripts/ci/pr-comment";
import { fakeGithub } from "../support/github-api";

const summary = (env: string, headline: string, extra = "") =>
  `# Plan summary: \`${env}\`\n\n**${headline}** (70 resources unchanged)\n\n## Destructive changes to stateful resources\n\nNone.\n${extra}`;

describe("PR comment body", () => {
  const dev = { name: "dev", summary: summary("dev", "1 to update"), planSha256: "a".repeat(64) };
  const prod = { name: "prod", summary: summary("prod", "2 to create", "\n## Cost delta\n\n| | monthly |\n| --- | --- |\n| total | +$12.00 |\n"), planSha256: "b".repeat(64), gate: "✅ No resource is deleted or replaced." };

  it("starts with the marker and has one row and one section per environment", () => {
    const body = buildComment([dev, prod], { commit: "0123456789abcdef", runUrl: "https://github.example/run/1", artifact: "plans" });
    expect(body.startsWith(`${MARKER}\n## Terraform plans for 0123456\n`)).toBe(true);
    expect(body).toContain("| `dev` | 1 to update | not gated | `aaaaaaaaaaaa…` |");
    expect(body).toContain("| `prod` | 2 to create | ✅ No resource is deleted or replaced. | `bbbbbbbbbbbb…` |");
    expect(body).toContain("<summary><b>prod</b>: 2 to create</summary>");
    expect(body).toContain("[this run](https://github.example/run/1)");
  });

  it("includes every section of summary.md, such as a cost delta, nested under the environment", () => {
    const body = buildComment([prod]);
    expect(body).toContain("### Plan summary: `prod`");
    expect(body).toContain("#### Cost delta");
    expect(body).toContain("| total | +$12.00 |");
  });

  it("opens the section of a failed plan or a failed gate, and says the plan failed", () => {
    const failed = buildComment([{ name: "prod" }, { ...dev, gate: "❌ 1 resource(s) deleted or replaced. Add the `allow-destroy` label\n\n- **DELETE** `aws_route.r`" }]);
    expect(failed).toContain("| `prod` | ❌ plan failed (see the run log) | not gated | — |");
    expect(failed.match(/<details open>/g)).toHaveLength(2);
    expect(failed).toContain("- **DELETE** `aws_route.r`");
  });

  it("stays under GitHub's size limit, truncating long summaries with a pointer to the artifact", () => {
    const huge = summary("prod", "900 to create", "\n" + "| `aws_x.y` | create |\n".repeat(10_000));
    const body = buildComment([{ ...dev, summary: huge }, { ...prod, summary: huge }]);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY);
    expect(body).toContain("_Truncated: the full summary is `prod/summary.md` in the plan artifact._");
    expect(body.endsWith("This comment is updated on every push.")).toBe(true);
  });

  it("reads summary.md, saved-plan.json and gate.md from the plan folders", () => {
    const dir = mkdtempSync(join(tmpdir(), "comment-"));
    try {
      mkdirSync(join(dir, "prod"));
      writeFileSync(join(dir, "prod", "summary.md"), prod.summary);
      writeFileSync(join(dir, "prod", "saved-plan.json"), JSON.stringify({ planSha256: prod.planSha256 }));
      writeFileSync(join(dir, "prod", "gate.md"), `${prod.gate}\n`);
      expect(readEnvironmentPlan(dir, "prod")).toEqual(prod);
      expect(readEnvironmentPlan(dir, "dev")).toEqual({ name: "dev", summary: undefined, planSha256: undefined, gate: undefined });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("sticky PR comment (GitHub REST API on loopback)", () => {
  const human = { id: 1, body: `quoting ${MARKER}`, user: { type: "User" } };
  const other = { id: 2, body: "LGTM", user: { type: "Bot" } };

  it("creates the comment when there is none, then edits that one on the next push", async () => {
    const comments: { id: number; body: string; user: { type: string } }[] = [human, other];
    const api = await fakeGithub((method, url, body) => {
      if (method === "GET" && url.pathname === "/repos/acme/infra/issues/7/comments") {
        const page = Number(url.searchParams.get("page"));
        return { status: 200, json: page === 1 ? comments : [] };
      }
      if (method === "POST" && url.pathname === "/repos/acme/infra/issues/7/comments") {
        comments.push({ id: 99, body: (body as { body: string }).body, user: { type: "Bot" } });
        return { status: 201, json: comments.at(-1) };
      }
      if (method === "PATCH" && url.pathname === "/repos/acme/infra/issues/comments/99") {
        comments.find((c) => c.id === 99)!.body = (body as { body: string }).body;
        return { status: 200, json: {} };
      }
      return undefined;
    });
    try {
      const post = (body: string) => postComment({ apiUrl: api.url, repository: "acme/infra", issueNumber: 7, token: "t0ken", body });
      expect(await post(`${MARKER}\nfirst`)).toEqual({ action: "created", id: 99 });
      expect(await post(`${MARKER}\nsecond`)).toEqual({ action: "updated", id: 99 });
      expect(comments.map((c) => c.body)).toEqual([human.body, "LGTM", `${MARKER}\nsecond`]);
      expect(api.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        "GET /repos/acme/infra/issues/7/comments?per_page=100&page=1",
        "POST /repos/acme/infra/issues/7/comments",
        "GET /repos/acme/infra/issues/7/comments?per_page=100&page=1",
        "PATCH /repos/acme/infra/issues/comments/99",
      ]);
      expect(new Set(api.requests.map((r) => r.authorization))).toEqual(new Set(["Bearer t0ken"]));
    } finally {
      await api.close();
    }
  });

  it("finds its comment on a later page", async () => {
    const page1 = Array.from({ length: 100 }, (_, i) => ({ id: i + 1, body: "chatter", user: { type: "User" } }));
    const api = await fakeGithub((method, url) => {
      if (method === "GET") return { status: 200, json: url.searchParams.get("page") === "1" ? page1 : [{ id: 500, body: `${MARKER}\nold`, user: { type: "Bot" } }] };
      if (method === "PATCH" && url.pathname.endsWith("/comments/500")) return { status: 200, json: {} };
      return undefined;
    });
    try {
      expect(await postComment({ apiUrl: api.url, repository: "acme/infra", issueNumber: 7, token: "t", body: "new" })).toEqual({ action: "updated", id: 500 });
    } finally {
      await api.close();
    }
  });

  it("fails with GitHub's status and message (e.g. no pull-requests: write)", async () => {
    const api = await fakeGithub((method) => (method === "GET" ? { status: 200, json: [] } : { status: 403, json: { message: "Resource not accessible by integration" } }));
    try {
      await expect(postComment({ apiUrl: api.url, repository: "acme/infra", issueNumber: 7, token: "t", body: "x" })).rejects.toThrow(/POST .*: 403 .*Resource not accessible by integration/);
    } finally {
      await api.close();
    }
  });
});
