import { findPrPlan } from "../../scripts/ci/find-pr-plan";
import { fakeGithub, Handler } from "../support/github-api";

const merge = "m".repeat(40);
const head = "h".repeat(40);
const run = (id: number, run_number: number, extra: object = {}) => ({ id, run_number, html_url: `https://github.example/runs/${id}`, head_sha: head, conclusion: "success", event: "pull_request", ...extra });

async function withApi(handler: Handler, fn: (url: string) => Promise<void>) {
  const api = await fakeGithub(handler);
  try {
    await fn(api.url);
  } finally {
    await api.close();
  }
}

describe("find the reviewed prod plan of a merged pull request", () => {
  const options = (apiUrl: string) => ({ apiUrl, repository: "acme/infra", token: "t", sha: merge, workflow: "pull-request.yml" });

  it("picks the newest successful pull-request run on the PR's last commit", async () => {
    await withApi(
      (_, url) => {
        if (url.pathname === `/repos/acme/infra/commits/${merge}/pulls`) {
          return { status: 200, json: [{ number: 3, merged_at: null, merge_commit_sha: "x", head: { sha: "other" } }, { number: 7, merged_at: "2026-12-01T10:00:00Z", merge_commit_sha: merge, head: { sha: head } }] };
        }
        if (url.pathname === "/repos/acme/infra/actions/workflows/pull-request.yml/runs") {
          expect(Object.fromEntries(url.searchParams)).toEqual({ event: "pull_request", head_sha: head, status: "success", per_page: "50" });
          return { status: 200, json: { workflow_runs: [run(10, 4), run(12, 6), run(11, 5), run(13, 7, { conclusion: "failure" }), run(14, 8, { head_sha: "stale" })] } };
        }
        return undefined;
      },
      async (url) => expect(await findPrPlan(options(url))).toEqual({ found: true, prNumber: 7, headSha: head, runId: 12, runUrl: "https://github.example/runs/12" }),
    );
  });

  it("finds nothing to apply for a direct push", async () => {
    await withApi(
      () => ({ status: 200, json: [] }),
      async (url) => expect(await findPrPlan(options(url))).toEqual({ found: false, reason: expect.stringContaining("merged no pull request (a direct push)") }),
    );
  });

  it("fails when the merged pull request has no successful plan run", async () => {
    await withApi(
      (_, url) =>
        url.pathname.endsWith("/pulls")
          ? { status: 200, json: [{ number: 7, merged_at: "2026-12-01T10:00:00Z", merge_commit_sha: merge, head: { sha: head } }] }
          : { status: 200, json: { workflow_runs: [] } },
      async (url) => expect(findPrPlan(options(url))).rejects.toThrow(`pull request #7 has no successful pull-request.yml run on its last commit ${head}`),
    );
  });
});
