/**
 * `npm run cost:refresh-prices [-- --dry-run] [--service <code>]`: refreshes scripts/cost/price-table.json
 * from the AWS Price List bulk API (public, no credentials): for each (service code, region) of the
 * table it streams the current offer file (CSV) from pricing.us-east-1.amazonaws.com and updates
 * every entry matched by (serviceCode, region, usageType, operation) with its first-tier on-demand
 * USD price and today's date. Entries without exactly one price are reported and left unchanged.
 * Needs internet access; tests never run it (they test the parsing and matching only).
 */
import { writeFileSync } from "fs";
import { createInterface } from "readline";
import { Readable } from "stream";
import type { ReadableStream as WebReadableStream } from "stream/web";
import { parseArgs } from "util";
import { loadPriceTable, PRICE_FILE, PriceEntry, PriceTable } from "./prices";

const ENDPOINT = "https://pricing.us-east-1.amazonaws.com";

/** One row of an offer file, by normalized column name (lower case, no spaces: "usagetype", "priceperunit"). */
export type OfferRow = Readonly<Record<string, string>>;

/** Splits one CSV line of an offer file (every field quoted, quotes doubled inside). */
export function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') (value += '"'), (i += 2);
        else if (line[i] === '"') break;
        else value += line[i++];
      }
      fields.push(value);
      i += 2; // closing quote and comma
    } else {
      const end = line.indexOf(",", i);
      fields.push(line.slice(i, end < 0 ? line.length : end));
      i = end < 0 ? line.length + 1 : end + 1;
    }
  }
  return fields;
}

/**
 * The rows of an offer CSV: metadata lines first, then a header row starting with "SKU". Column
 * names are normalized ("Usage Type", "usageType" -> "usagetype") as their spelling varies by offer.
 */
export async function* offerRows(lines: AsyncIterable<string> | Iterable<string>): AsyncGenerator<OfferRow> {
  let header: string[] | undefined;
  for await (const line of lines) {
    if (!header) {
      if (line.startsWith('"SKU"')) header = parseCsvLine(line).map((h) => h.toLowerCase().replace(/[\s_-]/g, ""));
      continue;
    }
    if (line.trim() === "") continue;
    const fields = parseCsvLine(line);
    yield Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ""]));
  }
}

/** Does this row give an on-demand USD price (of any tier) of `entry`? */
export function matches(entry: PriceEntry, row: OfferRow): boolean {
  return (
    row.termtype === "OnDemand" &&
    row.usagetype === entry.usageType &&
    (!entry.operation || row.operation === entry.operation) &&
    (row.currency ?? "USD") === "USD" &&
    // EC2 lists capacity reservations under the same usage type: only used capacity is on-demand.
    (row.capacitystatus === undefined || row.capacitystatus === "" || row.capacitystatus === "Used")
  );
}

export interface Refreshed {
  readonly entry: PriceEntry;
  /** The new entry, or undefined when the offer file has no single price for it. */
  readonly updated?: PriceEntry;
  readonly problem?: string;
}

/** Updates `entries` (one service and region) from the rows of their offer file. */
export async function refreshFromRows(entries: readonly PriceEntry[], rows: AsyncIterable<OfferRow>, today: string): Promise<Refreshed[]> {
  // The first paid tier: the lowest starting range with a price above 0 (a free first tier, such
  // as data transfer's first GB, is the account's free tier, which the estimate does not deduct).
  const tiers = new Map<PriceEntry, { start: number; usd: number }[]>(entries.map((e) => [e, []]));
  for await (const row of rows) {
    for (const entry of entries) {
      const usd = Number(row.priceperunit);
      if (matches(entry, row) && Number.isFinite(usd) && usd > 0) tiers.get(entry)!.push({ start: Number(row.startingrange || 0), usd });
    }
  }
  return entries.map((entry) => {
    const paid = tiers.get(entry)!;
    const first = Math.min(...paid.map((t) => t.start));
    const found = [...new Set(paid.filter((t) => t.start === first).map((t) => t.usd))];
    if (found.length === 0) return { entry, problem: "no on-demand price in the offer file" };
    if (found.length > 1) return { entry, problem: `ambiguous: ${found.join(", ")} USD (add an operation)` };
    return { entry, updated: { ...entry, usd: found[0], date: today } };
  });
}

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(`${ENDPOINT}${path}`);
  if (!response.ok) throw new Error(`GET ${ENDPOINT}${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The current offer file (CSV) of a service in a region ("global": the whole offer). */
async function offerCsvUrl(serviceCode: string, region: string): Promise<string> {
  const index = await getJson<{ offers: Record<string, { currentVersionUrl: string; currentRegionIndexUrl?: string }> }>("/offers/v1.0/aws/index.json");
  const offer = index.offers[serviceCode];
  if (!offer) throw new Error(`no offer "${serviceCode}" in the Price List index`);
  let url = offer.currentVersionUrl;
  if (region !== "global" && offer.currentRegionIndexUrl) {
    const regions = await getJson<{ regions: Record<string, { currentVersionUrl: string }> }>(offer.currentRegionIndexUrl);
    const regional = regions.regions[region];
    if (!regional) throw new Error(`offer ${serviceCode} has no region ${region}`);
    url = regional.currentVersionUrl;
  }
  return `${ENDPOINT}${url.replace(/\.json$/, ".csv")}`;
}

/** Streams the lines of a (large: hundreds of MB for EC2) offer CSV without holding it in memory. */
async function* csvLines(url: string): AsyncGenerator<string> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
  yield* createInterface({ input: Readable.fromWeb(response.body as WebReadableStream), crlfDelay: Infinity });
}

export async function refreshTable(table: PriceTable, options: { services?: readonly string[]; log: (line: string) => void }): Promise<PriceTable> {
  const today = new Date().toISOString().slice(0, 10);
  const groups = new Map<string, PriceEntry[]>();
  for (const entry of table.prices) {
    if (options.services && !options.services.includes(entry.serviceCode)) continue;
    const key = `${entry.serviceCode} ${entry.region}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const replaced = new Map<PriceEntry, PriceEntry>();
  for (const [key, entries] of groups) {
    const [serviceCode, region] = key.split(" ");
    const url = await offerCsvUrl(serviceCode, region);
    options.log(`${serviceCode} ${region}: ${entries.length} price(s) from ${url}`);
    for (const r of await refreshFromRows(entries, offerRows(csvLines(url)), today)) {
      if (r.updated) {
        replaced.set(r.entry, r.updated);
        if (r.updated.usd !== r.entry.usd) options.log(`  ${r.entry.id} ${region}: ${r.entry.usd} -> ${r.updated.usd} USD per ${r.entry.unit}`);
      } else {
        options.log(`  ${r.entry.id} ${region} (${r.entry.usageType}): ${r.problem}; kept ${r.entry.usd} of ${r.entry.date}`);
      }
    }
  }
  const prices = table.prices.map((p) => replaced.get(p) ?? p);
  return { ...table, prices, date: prices.map((p) => p.date).sort()[0] };
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { "dry-run": { type: "boolean", default: false }, service: { type: "string", multiple: true } } });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const table = await refreshTable(loadPriceTable(), { services: values.service, log });
  if (values["dry-run"]) return log("dry run: price-table.json not written"), 0;
  writeFileSync(PRICE_FILE, `${JSON.stringify(table, null, 2)}\n`);
  log(`wrote ${PRICE_FILE} (prices of ${table.date})`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`refresh failed, price table unchanged: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
