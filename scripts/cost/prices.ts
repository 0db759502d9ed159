/**
 * The committed price table (scripts/cost/price-table.json): on-demand USD prices per region, each with
 * its date and its AWS Price List identity (service code, usage type, operation), so that
 * scripts/cost/refresh-prices.ts can update it from the bulk offer files. No network access here.
 */
import { readFileSync } from "fs";
import { join } from "path";

export interface PriceEntry {
  /** Stable id used by the estimator, e.g. "ec2.instance.t4g.micro" (one entry per id and region). */
  readonly id: string;
  /** AWS region code, or "global" for services priced without a region (CloudFront, Budgets). */
  readonly region: string;
  /** Price List service code (offer code), e.g. "AmazonEC2". */
  readonly serviceCode: string;
  /** Price List usage type, e.g. "EU-BoxUsage:t4g.micro". */
  readonly usageType: string;
  /** Price List operation, when the usage type alone is ambiguous (e.g. "RunInstances" = Linux). */
  readonly operation?: string;
  /** Price List unit ("Hrs", "GB-Mo", "Requests", ...). */
  readonly unit: string;
  /** USD per unit (first pricing tier). */
  readonly usd: number;
  /** Day the price was entered or refreshed (YYYY-MM-DD). */
  readonly date: string;
  readonly source: string;
  readonly description: string;
}

export interface PriceTable {
  readonly description: string;
  readonly currency: "USD";
  /** Date of the table: the oldest entry's date. */
  readonly date: string;
  /** Hours in the average month (AWS uses 730). */
  readonly hoursPerMonth: number;
  readonly factors: { readonly rdsMultiAz: { readonly value: number; readonly description: string } };
  readonly prices: readonly PriceEntry[];
  /** Resource types that cost nothing themselves, with why (shown as "free", never as "not priced"). */
  readonly free: Readonly<Record<string, string>>;
}

export const PRICE_FILE = join(__dirname, "price-table.json");

let cached: PriceTable | undefined;

/** The committed table (read once). */
export function loadPriceTable(file: string = PRICE_FILE): PriceTable {
  if (file !== PRICE_FILE) return JSON.parse(readFileSync(file, "utf8")) as PriceTable;
  cached ??= JSON.parse(readFileSync(file, "utf8")) as PriceTable;
  return cached;
}

/** Lookups into one price table. */
export class PriceBook {
  private readonly byKey = new Map<string, PriceEntry>();

  constructor(readonly table: PriceTable = loadPriceTable()) {
    for (const entry of table.prices) this.byKey.set(`${entry.id} ${entry.region}`, entry);
  }

  get hoursPerMonth(): number {
    return this.table.hoursPerMonth;
  }

  /** The entry for `id` in `region` (a "global" entry serves every region), or undefined. */
  find(id: string, region: string): PriceEntry | undefined {
    return this.byKey.get(`${id} ${region}`) ?? this.byKey.get(`${id} global`);
  }

  /** Why a resource type costs nothing, when the table lists it as free. */
  freeReason(type: string): string | undefined {
    return this.table.free[type];
  }
}
