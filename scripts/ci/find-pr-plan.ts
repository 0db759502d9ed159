/**
 * For a push to the default branch: which pull request it merged, and the successful run of the
 * pull-request workflow on that pull request's last commit, whose prod plan artifact the gated prod
 * job applies (the plan the reviewers saw in the PR comment).
 *
 *   find-pr-plan.ts <workflow file name>   (GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA; GITHUB_API_URL,
 *                                           GITHUB_OUTPUT optional) → outputs found, pr_number, head_sha, run_id
 *
 * A push that merged no pull request (a direct push) has nothing to apply: found=false.
 */
import { appendFileSync } from "fs";

export interface FindOptions {
  readonly apiUrl: string;
  readonly repository: string;
  readonly token: string;
  /** The pushed commit (the merge, squash or rebase commit on the default branch). */
  readonly sha: string;
  /** File name of the pull-request workflow, e.g. "pull-request.yml". */
  readonly workflow: string;
  readonly fetch?: typeof fetch;
}

export type Found = { readonly found: false; readonly reason: string } | { readonly found: true; readonly prNumber: number; readonly headSha: string; readonly runId: number; readonly runUrl: string };

interface Pull {
  readonly number: number;
  readonly merged_at?: string | null;
  readonly merge_commit_sha?: string | null;
  readonly head: { readonly sha: string };
}

interface Run {
  readonly id: number;
  readonly run_number: number;
  readonly html_url: string;
  readonly head_sha: string;
  readonly conclusion?: string | null;
  readonly event: string;
}

export async function findPrPlan(options: FindOptions): Promise<Found> {
  const http = options.fetch ?? fetch;
  const api = `${options.apiUrl.replace(/\/$/, "")}/repos/${options.repository}`;
  const get = async (path: string) => {
    const response = await http(`${api}${path}`, {
      headers: { authorization: `Bearer ${options.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28" },
    });
    if (!response.ok) throw new Error(`GitHub API GET ${path}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response.json() as Promise<unknown>;
  };
  const pulls = (await get(`/commits/${options.sha}/pulls`)) as Pull[];
  const pull = pulls.find((p) => p.merged_at && p.merge_commit_sha === options.sha);
  if (!pull) return { found: false, reason: `commit ${options.sha} merged no pull request (a direct push): there is no reviewed prod plan to apply` };
  const query = new URLSearchParams({ event: "pull_request", head_sha: pull.head.sha, status: "success", per_page: "50" });
  const { workflow_runs: runs = [] } = (await get(`/actions/workflows/${encodeURIComponent(options.workflow)}/runs?${query}`)) as { workflow_runs?: Run[] };
  const ok = runs.filter((r) => r.head_sha === pull.head.sha && r.conclusion === "success" && r.event === "pull_request").sort((a, b) => b.run_number - a.run_number);
  if (ok.length === 0) {
    throw new Error(`pull request #${pull.number} has no successful ${options.workflow} run on its last commit ${pull.head.sha}: no reviewed prod plan to apply`);
  }
  return { found: true, prNumber: pull.number, headSha: pull.head.sha, runId: ok[0].id, runUrl: ok[0].html_url };
}

async function main(args: string[]): Promise<number> {
  const env = process.env;
  const missing = ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "GITHUB_SHA"].filter((k) => !env[k]);
  if (args.length !== 1 || missing.length > 0) {
    process.stderr.write(`Usage: find-pr-plan.ts <workflow file name>${missing.length ? ` (missing ${missing.join(", ")})` : ""}\n`);
    return 1;
  }
  const result = await findPrPlan({ apiUrl: env.GITHUB_API_URL ?? "https://api.github.com", repository: env.GITHUB_REPOSITORY!, token: env.GITHUB_TOKEN!, sha: env.GITHUB_SHA!, workflow: args[0] });
  const outputs = result.found
    ? { found: "true", pr_number: String(result.prNumber), head_sha: result.headSha, run_id: String(result.runId), run_url: result.runUrl }
    : { found: "false" };
  process.stdout.write(result.found ? `Pull request #${result.prNumber}: plan from run ${result.runUrl}\n` : `${result.reason}\n`);
  if (env.GITHUB_OUTPUT) appendFileSync(env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v}\n`).join(""));
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}
