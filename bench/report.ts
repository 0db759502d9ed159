/** The benchmark's table: every measurement with min / median / max and its target. */
import Table from "cli-table3";
import type { Stats } from "./measure";

type Results = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const s = (x: Stats | undefined, unit = "s", digits = 2): string =>
  x ? `${x.median.toFixed(digits)} ${unit} (${x.min.toFixed(digits)}–${x.max.toFixed(digits)}, n=${x.runs})` : "—";
const kb = (bytes: number | undefined): string => (bytes === undefined ? "—" : `${(bytes / 1000).toFixed(1)} kB`);
const verdict = (value: number | undefined, limit: number): string => (value === undefined ? "—" : value <= limit ? "met" : "NOT met");
const atLeast = (value: number | undefined, limit: number): string => (value === undefined ? "—" : value >= limit ? "met" : "NOT met");

export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly met: string;
}

export function rows(r: Results): Row[] {
  const synth = r.synth;
  const cli = r.cli;
  const tests = r.tests;
  const lambda = r.lambda;
  const out: Row[] = [
    { measure: `synth app (${synth?.command ?? "cdktf.json app"}), warm`, value: s(synth?.appSeconds), target: "", met: "" },
    { measure: "synth app, cold (no ts-cache, bundle rebuilt)", value: s(synth?.appColdSeconds), target: "", met: "" },
    { measure: "bare require of cdktf + deep provider imports", value: s(synth?.bareRequireSeconds), target: "", met: "" },
    { measure: "synth app / bare require (medians)", value: `${synth?.ratioToBareRequire ?? "—"}×`, target: "≤ 1.5×", met: verdict(synth?.ratioToBareRequire, 1.5) },
    { measure: "same app through tsx (before)", value: synth?.tsxSeconds ? `${s(synth.tsxSeconds)}, ${synth.tsxRatioToBareRequire}×` : "—", target: "", met: "" },
    { measure: "peak RSS of the synth app", value: s(synth?.peakRssMiB, "MiB", 0), target: "", met: "" },
    { measure: "cdktf synth (end to end)", value: s(cli?.cdktfSynthSeconds), target: "", met: "" },
    { measure: "cdktf synth --app 'npx ts-node main.ts'", value: s(cli?.tsNodeSeconds), target: "", met: "" },
    { measure: "cdktf synth / ts-node variant", value: `${cli?.ratioToTsNode ?? "—"}×`, target: "≤ 0.5×", met: verdict(cli?.ratioToTsNode, 0.5) },
    { measure: "npm test (tsc + all jest incl. terraform), warm", value: s(tests?.full?.warmSeconds, "s", 1), target: "≤ 45 s", met: verdict(tests?.full?.warmSeconds?.median, 45) },
    { measure: "npm test, cold", value: tests?.full ? `${tests.full.coldSeconds.toFixed(1)} s` : "—", target: "", met: "" },
    { measure: "npm run test:unit (tsc + jest, no terraform), warm", value: s(tests?.unit?.warmSeconds, "s", 1), target: "≤ 10 s", met: verdict(tests?.unit?.warmSeconds?.median, 10) },
    { measure: "npm run test:unit, cold", value: tests?.unit ? `${tests.unit.coldSeconds.toFixed(1)} s` : "—", target: "", met: "" },
  ];
  for (const [name, v] of Object.entries<any>(lambda?.variants ?? {})) { // eslint-disable-line @typescript-eslint/no-explicit-any
    const isDeployed = name === "deployed";
    out.push(
      { measure: `Lambda ${v.description}: index.js / zip contents / zip`, value: `${kb(v.indexJsBytes)} / ${kb(v.unzippedBytes)} / ${kb(v.zippedBytes)}`, target: isDeployed ? "≤ 400 kB unzipped (index.js)" : "", met: isDeployed ? verdict(v.indexJsBytes, 400_000) : "" },
      { measure: `Lambda ${v.description}: init (require in a fresh process)`, value: `${s(v.initMs, "ms", 1)}; process − empty node: ${v.processOverEmptyMs} ms`, target: isDeployed ? "≤ 40 ms" : "", met: isDeployed ? verdict(v.initMs.median, 40) : "" },
    );
  }
  if (lambda) {
    const e = lambda.perEvent;
    out.push(
      { measure: "empty node -e 0 (for reference)", value: s(lambda.emptyNodeMs, "ms", 1), target: "", met: "" },
      { measure: "per event: handler (deployed bundle)", value: s(e.handlerMs, "ms"), target: "", met: "" },
      { measure: "per event: raw HeadObject + plain UpdateItem", value: s(e.rawUpdateItemPlusHeadObjectMs, "ms"), target: "", met: "" },
      { measure: "per event: handler / raw", value: s(e.ratio, "×"), target: "≤ 1.3×", met: verdict(e.ratio.median, 1.3) },
      { measure: "per event: raw HeadObject + the handler's conditional UpdateItem", value: s(e.rawSameConditionalUpdateMs, "ms"), target: "", met: "" },
      { measure: "per event: handler / same requests", value: s(e.ratioToSameRequests, "×"), target: "", met: "" },
    );
  }
  const web = r.web;
  if (web) {
    const u = web.upload;
    out.push(
      { measure: `GET /api/me, ${web.connections} connections (${web.durationSeconds} s runs): requests/s`, value: s(web.me.requestsPerSecond, "req/s", 0), target: "", met: "" },
      { measure: "GET /api/me: p99 latency", value: s(web.me.p99Ms, "ms", 0), target: "", met: "" },
      { measure: "Fastify hello world, same connections: requests/s", value: s(web.helloWorld.requestsPerSecond, "req/s", 0), target: "", met: "" },
      { measure: "Fastify hello world: p99 latency", value: s(web.helloWorld.p99Ms, "ms", 0), target: "", met: "" },
      { measure: "local stand-ins, same concurrency: PGlite indexed SELECT / dynalite GetItem", value: `${s(web.standIns.pgliteSelectPerSecond, "/s", 0)} / ${s(web.standIns.dynaliteGetItemPerSecond, "/s", 0)}`, target: "", met: "" },
      { measure: "local stand-ins: SELECT then GetItem (what an uncached /api/me waits for)", value: s(web.standIns.selectThenGetItemPerSecond, "/s", 0), target: "", met: "" },
      { measure: "GET /api/me / SELECT then GetItem (medians)", value: `${web.meRatioToStandIns}×`, target: "", met: "" },
      { measure: "GET /api/me / hello world (requests/s, medians)", value: `${web.meRatioToHelloWorld}×`, target: "≥ 0.5×", met: atLeast(web.meRatioToHelloWorld, 0.5) },
      { measure: `${u.mib} MiB upload through the app`, value: s(u.appMiBPerSecond, "MiB/s", 0), target: "", met: "" },
      { measure: `${u.mib} MiB direct PutObject, same S3 server`, value: s(u.directPutMiBPerSecond, "MiB/s", 0), target: "", met: "" },
      { measure: "upload through the app / direct PUT (throughput)", value: `${u.ratioToDirectPut}×`, target: "≥ 0.7×", met: atLeast(u.ratioToDirectPut, 0.7) },
      { measure: "app's peak RSS growth during the upload", value: s(u.appPeakRssGrowthMiB, "MiB", 1), target: "< 64 MiB", met: u.appPeakRssGrowthMiB.median < 64 ? "met" : "NOT met" },
    );
  }
  return out;
}

export function printTable(results: Results): void {
  const table = new Table({ head: ["measure", "median (min–max)", "target", ""], style: { head: [], border: [] }, wordWrap: true, colWidths: [52, 52, 22, 9] });
  for (const row of rows(results)) table.push([row.measure, row.value, row.target, row.met]);
  const m = results.machine ?? {};
  process.stdout.write(`\nBenchmark ${results.date} — ${m.nproc} × ${m.cpu}, ${m.ramGiB} GiB, node ${m.node}, ${m.terraform}\n`);
  process.stdout.write(`${table.toString()}\n`);
}

/** Markdown version of the table (for bench/README.md). */
export function markdownTable(results: Results): string {
  const lines = ["| measure | median (min–max) | target | |", "|---|---|---|---|"];
  for (const row of rows(results)) lines.push(`| ${row.measure} | ${row.value} | ${row.target} | ${row.met} |`);
  return lines.join("\n");
}
