/**
 * The one sticky pull-request comment with the plan summaries, rewritten on every push.
 *
 *   pr-comment.ts build <plansDir> <env>... [--run-url <url>] [--commit <sha>] [--artifact <name>] > comment.md
 *   pr-comment.ts post <comment.md>      (GITHUB_TOKEN, GITHUB_REPOSITORY, PR_NUMBER; GITHUB_API_URL optional)
 *
 * `build` reads each <plansDir>/<env>/summary.md (whatever sections it has: counts, destructive
 * changes, updates, cost, ...), saved-plan.json (the plan's sha256) and gate.md (the destructive-
 * change gate's verdict, when the workflow ran it). `post` edits the comment carrying MARKER, or
 * creates it: one comment per pull request, whatever the number of pushes.
 */
import { existsSync, readFileSync } from "fs";
import { join } from "path";

export const MARKER = "<!-- cdktf-plan-summaries -->";
/** GitHub refuses comment bodies over 65,536 characters. */
export const MAX_BODY = 65_000;

export interface EnvironmentPlan {
  readonly name: string;
  /** summary.md, or undefined when the plan failed. */
  readonly summary?: string;
  readonly planSha256?: string;
  /** The destructive-change gate's Markdown verdict, when it ran. */
  readonly gate?: string;
}

export interface CommentContext {
  readonly commit?: string;
  readonly runUrl?: string;
  readonly artifact?: string;
}

/** Headings of summary.md nest under the environment's section. */
const demote = (markdown: string) => markdown.replace(/^(#{1,4}) /gm, (_, hashes: string) => `${hashes}## `);

function headlineOf(summary: string | undefined): string {
  if (summary === undefined) return "❌ plan failed (see the run log)";
  return /^\*\*(.+?)\*\*/m.exec(summary)?.[1] ?? "see summary";
}

function truncate(text: string, max: number, note: string): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf("\n", max - note.length);
  return `${text.slice(0, cut > 0 ? cut : max - note.length)}\n\n${note}`;
}

export function buildComment(plans: readonly EnvironmentPlan[], context: CommentContext = {}): string {
  const head = [
    MARKER,
    `## Terraform plans${context.commit ? ` for ${context.commit.slice(0, 7)}` : ""}`,
    "",
    "| environment | plan | destructive changes | plan file sha256 |",
    "| --- | --- | --- | --- |",
    ...plans.map((p) => `| \`${p.name}\` | ${headlineOf(p.summary)} | ${p.gate === undefined ? "not gated" : p.gate.split("\n")[0]} | ${p.planSha256 ? `\`${p.planSha256.slice(0, 12)}…\`` : "—"} |`),
    "",
  ].join("\n");
  const foot = [
    "",
    "---",
    `Plan files${context.artifact ? ` (artifact \`${context.artifact}\`)` : ""}${context.runUrl ? ` are attached to [this run](${context.runUrl})` : " are attached to the workflow run"}. A merge to the default branch deploys dev; prod applies exactly the prod plan above after approval in the \`prod\` environment, and refuses if the state or the code changed since. This comment is updated on every push.`,
  ].join("\n");
  const budget = Math.floor((MAX_BODY - head.length - foot.length) / Math.max(plans.length, 1)) - 200;
  const sections = plans.map((p) => {
    const gate = p.gate && p.gate.includes("\n") ? `${p.gate}\n\n` : "";
    const body = p.summary === undefined ? "_No plan: the plan step failed. The run log has terraform's error._" : demote(p.summary.trim());
    const full = truncate(`${gate}${body}`, budget, `_Truncated: the full summary is \`${p.name}/summary.md\` in the plan artifact._`);
    return [`<details${p.gate?.startsWith("❌") || p.summary === undefined ? " open" : ""}>`, `<summary><b>${p.name}</b>: ${headlineOf(p.summary)}</summary>`, "", full, "", "</details>"].join("\n");
  });
  return [head, ...sections, foot].join("\n");
}

export function readEnvironmentPlan(plansDir: string, name: string): EnvironmentPlan {
  const dir = join(plansDir, name);
  const read = (file: string) => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), "utf8") : undefined);
  const record = read("saved-plan.json");
  return {
    name,
    summary: read("summary.md"),
    planSha256: record ? (JSON.parse(record) as { planSha256?: string }).planSha256 : undefined,
    gate: read("gate.md")?.trim(),
  };
}

export interface PostOptions {
  readonly apiUrl: string;
  readonly repository: string;
  readonly issueNumber: number;
  readonly token: string;
  readonly body: string;
  readonly fetch?: typeof fetch;
}

interface IssueComment {
  readonly id: number;
  readonly body?: string;
  readonly user?: { readonly type?: string };
}

/** Edits the bot's comment that carries MARKER, or creates it. Returns what it did. */
export async function postComment(options: PostOptions): Promise<{ action: "created" | "updated"; id: number }> {
  const http = options.fetch ?? fetch;
  const base = `${options.apiUrl.replace(/\/$/, "")}/repos/${options.repository}/issues`;
  const headers = { authorization: `Bearer ${options.token}`, accept: "application/vnd.github+json", "x-github-api-version": "2022-11-28", "content-type": "application/json" };
  const call = async (url: string, init: RequestInit = {}) => {
    const response = await http(url, { ...init, headers });
    if (!response.ok) throw new Error(`GitHub API ${init.method ?? "GET"} ${url}: ${response.status} ${(await response.text()).slice(0, 300)}`);
    return response.json() as Promise<unknown>;
  };
  for (let page = 1; ; page++) {
    const comments = (await call(`${base}/${options.issueNumber}/comments?per_page=100&page=${page}`)) as IssueComment[];
    const mine = comments.find((c) => c.user?.type === "Bot" && c.body?.includes(MARKER));
    if (mine) {
      await call(`${base}/comments/${mine.id}`, { method: "PATCH", body: JSON.stringify({ body: options.body }) });
      return { action: "updated", id: mine.id };
    }
    if (comments.length < 100) break;
  }
  const created = (await call(`${base}/${options.issueNumber}/comments`, { method: "POST", body: JSON.stringify({ body: options.body }) })) as IssueComment;
  return { action: "created", id: created.id };
}

async function main(args: string[]): Promise<number> {
  const opt = (name: string) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  const positionals = args.filter((a, i) => !a.startsWith("--") && !(i > 0 && args[i - 1].startsWith("--")));
  const [command, ...rest] = positionals;
  if (command === "build" && rest.length >= 2) {
    const [plansDir, ...envs] = rest;
    process.stdout.write(`${buildComment(envs.map((e) => readEnvironmentPlan(plansDir, e)), { commit: opt("--commit"), runUrl: opt("--run-url"), artifact: opt("--artifact") })}\n`);
    return 0;
  }
  if (command === "post" && rest.length === 1) {
    const env = process.env;
    const missing = ["GITHUB_TOKEN", "GITHUB_REPOSITORY", "PR_NUMBER"].filter((k) => !env[k]);
    if (missing.length > 0) throw new Error(`pr-comment post needs ${missing.join(", ")}`);
    const result = await postComment({
      apiUrl: env.GITHUB_API_URL ?? "https://api.github.com",
      repository: env.GITHUB_REPOSITORY!,
      issueNumber: Number(env.PR_NUMBER),
      token: env.GITHUB_TOKEN!,
      body: readFileSync(rest[0], "utf8"),
    });
    process.stdout.write(`Comment ${result.id} ${result.action}.\n`);
    return 0;
  }
  process.stderr.write("Usage: pr-comment.ts build <plansDir> <env>... [--commit <sha>] [--run-url <url>] [--artifact <name>] | post <comment.md>\n");
  return 1;
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
