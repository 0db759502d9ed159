/**
 * The cost estimate's data: priced lines and the context pricers use to make them. A line is
 * priced from the price table (scripts/cost/price-table.json), is free (a type the table lists as
 * free), or is "not priced" (no price known): never a silent 0.
 */
import type { UsageConfig } from "../../environments/config";
import { Stack, StackResource } from "../stack-json";
import { PriceBook } from "./prices";

/** fixed: by the configuration alone; usage: from the environment's usage assumptions. */
export type Basis = "fixed" | "usage" | "free" | "not priced";

export interface CostLine {
  /** Terraform address of the resource, or `usage.<field>` for a usage line covering several resources. */
  readonly address: string;
  readonly type: string;
  /** Construct path below the stack, when known. */
  readonly path?: string;
  /** Stable id of the line within its address ("instance-hours", "storage", ...): compares environments and plans. */
  readonly key: string;
  /** What is priced, e.g. "Instance hours (t4g.micro, Linux)". */
  readonly item: string;
  readonly quantity?: number;
  readonly unit?: string;
  readonly unitPriceUsd?: number;
  /** Monthly USD, rounded to cents; null when not priced. */
  readonly monthlyUsd: number | null;
  readonly basis: Basis;
  /** The price table entry used (`id` region). */
  readonly price?: string;
  /** How it was computed, or why it is not priced. */
  readonly note?: string;
  /** For usage lines: the resources the usage is spread over. */
  readonly covers?: readonly string[];
}

export const round2 = (usd: number): number => Math.round(usd * 100) / 100;

export interface LineSpec {
  readonly key: string;
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  /** Price table id; the price is looked up in the resource's region. */
  readonly priceId: string;
  /** Multiplies quantity × unit price (e.g. the Multi-AZ factor). */
  readonly factor?: number;
  readonly note?: string;
  readonly basis?: "fixed" | "usage";
}

/** What a pricer needs: the stack, the prices, the usage assumptions, and line builders. */
export class PricingContext {
  private readonly providerRegions = new Map<string, string>();

  constructor(
    readonly stack: Stack,
    readonly prices: PriceBook,
    readonly usage: UsageConfig | undefined,
    readonly defaultRegion: string,
  ) {
    for (const p of stack.json.provider?.aws ?? []) {
      if (typeof p.region === "string") this.providerRegions.set(typeof p.alias === "string" ? `aws.${p.alias}` : "aws", p.region);
    }
  }

  /** The region of the stack's default AWS provider. */
  defaultRegionOfStack(): string {
    return this.providerRegions.get("aws") ?? this.defaultRegion;
  }

  /** The region a resource is created in (its provider's region). */
  regionOf(r: StackResource): string {
    const provider = typeof r.body.provider === "string" ? r.body.provider : "aws";
    return this.providerRegions.get(provider) ?? this.providerRegions.get("aws") ?? this.defaultRegion;
  }

  /** A priced line for `r`, or a "not priced" line naming the missing price. */
  line(r: StackResource, spec: LineSpec, region: string = this.regionOf(r)): CostLine {
    const entry = this.prices.find(spec.priceId, region);
    const base = { address: r.address, type: r.type, path: r.path, key: spec.key, item: spec.item, quantity: spec.quantity, unit: spec.unit };
    if (!entry) {
      return { ...base, monthlyUsd: null, basis: "not priced", note: `no price "${spec.priceId}" for ${region} in scripts/cost/price-table.json` };
    }
    const monthly = spec.quantity * entry.usd * (spec.factor ?? 1);
    return {
      ...base,
      unitPriceUsd: entry.usd,
      monthlyUsd: round2(monthly),
      basis: spec.basis ?? "fixed",
      price: `${entry.id} ${entry.region}`,
      note: spec.note,
    };
  }

  notPriced(r: StackResource, key: string, item: string, note: string): CostLine {
    return { address: r.address, type: r.type, path: r.path, key, item, monthlyUsd: null, basis: "not priced", note };
  }

  /**
   * A usage line driven by `usage.<field>`, covering `resources` (priced in the first one's region).
   * Without usage assumptions the line is "not priced", never 0.
   */
  usageLine(field: keyof UsageConfig, resources: readonly StackResource[], spec: Omit<LineSpec, "quantity" | "basis"> & { quantity: (u: UsageConfig) => number }): CostLine {
    const address = `usage.${field}`;
    const covers = resources.map((r) => r.address);
    const type = resources[0].type;
    if (!this.usage) {
      return { address, type, key: spec.key, item: spec.item, monthlyUsd: null, basis: "not priced", note: "no usage assumptions given", covers };
    }
    const line = this.line(resources[0], { ...spec, quantity: spec.quantity(this.usage), basis: "usage" });
    return { ...line, address, path: undefined, covers };
  }
}

export interface Estimate {
  readonly environment: string;
  readonly region: string;
  readonly currency: "USD";
  /** Date of the price table. */
  readonly priceDate: string;
  readonly lines: readonly CostLine[];
  readonly fixedMonthlyUsd: number;
  readonly usageMonthlyUsd: number;
  readonly monthlyTotalUsd: number;
  /** Lines without a price (their cost is unknown, not 0). */
  readonly notPriced: number;
}
