/** EC2: instance hours, detailed monitoring, public IPv4, EBS volumes and DLM snapshots. */
import { asArray, literal, referencesIn, StackResource } from "../../stack-json";
import { CostLine, PricingContext } from "../model";

/** Metrics per instance AWS's CloudWatch pricing example bills for EC2 detailed monitoring. */
export const DETAILED_MONITORING_METRICS = 7;
/** gp3 includes 3,000 IOPS and 125 MiB/s. */
const GP3_FREE_IOPS = 3000;
const GP3_FREE_THROUGHPUT = 125;

const isTrue = (v: unknown) => v === true || v === "true";
const num = (v: unknown): number | undefined => {
  const s = literal(v);
  return s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
};

/** The launch template an instance is launched from (synthesized JSON reference), if any. */
function launchTemplateOf(r: StackResource, ctx: PricingContext): StackResource | undefined {
  const address = referencesIn(r.body.launch_template, ctx.stack).find((a) => a.startsWith("aws_launch_template."));
  return address ? ctx.stack.resources.get(address) : undefined;
}

/** Lines of one EBS volume: GB-month, and IOPS/throughput above gp3's baseline. */
function volumeLines(r: StackResource, ctx: PricingContext, label: string, size: number | undefined, type: string, iops?: number, throughput?: number): CostLine[] {
  if (size === undefined) return [ctx.notPriced(r, `${label}-storage`, `${label}: EBS storage`, "size not known at synth (AMI default)")];
  if (type !== "gp3" && type !== "gp2") return [ctx.notPriced(r, `${label}-storage`, `${label}: EBS ${type} storage`, `no price for EBS volume type ${type}`)];
  const lines = [ctx.line(r, { key: `${label}-storage`, item: `${label}: EBS ${type} storage`, quantity: size, unit: "GB-month", priceId: `ebs.${type}.storage` })];
  if (type === "gp3" && iops !== undefined && iops > GP3_FREE_IOPS) {
    lines.push(ctx.line(r, { key: `${label}-iops`, item: `${label}: gp3 IOPS above 3,000`, quantity: iops - GP3_FREE_IOPS, unit: "IOPS-month", priceId: "ebs.gp3.iops" }));
  }
  if (type === "gp3" && throughput !== undefined && throughput > GP3_FREE_THROUGHPUT) {
    lines.push(ctx.line(r, { key: `${label}-throughput`, item: `${label}: gp3 throughput above 125 MiB/s`, quantity: throughput - GP3_FREE_THROUGHPUT, unit: "MiB/s-month", priceId: "ebs.gp3.throughput" }));
  }
  return lines;
}

export function priceInstance(r: StackResource, ctx: PricingContext): CostLine[] {
  const lt = launchTemplateOf(r, ctx);
  const ltBody = lt?.body ?? {};
  const hours = ctx.prices.hoursPerMonth;
  const lines: CostLine[] = [];

  const instanceType = literal(r.body.instance_type) ?? literal(ltBody.instance_type);
  if (instanceType === undefined) lines.push(ctx.notPriced(r, "instance-hours", "Instance hours", "instance type not known at synth"));
  else lines.push(ctx.line(r, { key: "instance-hours", item: `Instance hours (${instanceType}, Linux, on-demand)`, quantity: hours, unit: "hours", priceId: `ec2.instance.${instanceType}` }));

  // Root volume: the instance's own block, else the launch template's mapping for the root device.
  const root = asArray(r.body.root_block_device)[0];
  const ltRoot = asArray<Record<string, unknown>>(ltBody.block_device_mappings).map((m) => asArray(m.ebs)[0]).find(Boolean);
  const rootSpec = root ?? ltRoot ?? {};
  lines.push(...volumeLines(r, ctx, "root volume", num(rootSpec.volume_size), literal(rootSpec.volume_type) ?? "gp3", num(rootSpec.iops), num(rootSpec.throughput)));

  // Detailed monitoring: `monitoring` is a boolean on the instance and a block on a launch template.
  const monitoring = typeof r.body.monitoring === "boolean" || typeof r.body.monitoring === "string"
    ? isTrue(r.body.monitoring)
    : isTrue(asArray(r.body.monitoring)[0]?.enabled) || isTrue(asArray(ltBody.monitoring)[0]?.enabled);
  if (monitoring) {
    lines.push(ctx.line(r, { key: "detailed-monitoring", item: `Detailed monitoring (${DETAILED_MONITORING_METRICS} metrics at 1-minute resolution)`, quantity: DETAILED_MONITORING_METRICS, unit: "metric-months", priceId: "ec2.detailed-monitoring-metric" }));
  }

  const publicIp =
    isTrue(r.body.associate_public_ip_address) ||
    (typeof r.body.public_ip === "string" && r.body.public_ip !== "") ||
    asArray<Record<string, unknown>>(ltBody.network_interfaces).some((n) => isTrue(n.associate_public_ip_address));
  if (publicIp) {
    lines.push(ctx.line(r, { key: "public-ipv4", item: "Public IPv4 address", quantity: hours, unit: "hours", priceId: "vpc.public-ipv4" }));
  }
  return lines;
}

export function priceEbsVolume(r: StackResource, ctx: PricingContext): CostLine[] {
  return volumeLines(r, ctx, "volume", num(r.body.size), literal(r.body.type) ?? "gp2", num(r.body.iops), num(r.body.throughput));
}

/**
 * DLM snapshots of the volumes whose tags match the policy's target tags: the first snapshot
 * stores the whole volume, each retained one after it the day's change (usage.snapshotChangedGbPerDay).
 */
export function priceDlmPolicy(r: StackResource, ctx: PricingContext): CostLine[] {
  const details = asArray(r.body.policy_details)[0] ?? {};
  const targetTags = (details.target_tags ?? {}) as Record<string, unknown>;
  const volumes = [...ctx.stack.resources.values()].filter((v) => {
    if (v.mode !== "managed" || v.type !== "aws_ebs_volume") return false;
    const tags = (v.body.tags ?? {}) as Record<string, unknown>;
    return Object.keys(targetTags).length > 0 && Object.entries(targetTags).every(([k, value]) => tags[k] === value);
  });
  const retain = Math.max(0, ...asArray(details.schedule).map((s) => num(asArray(s.retain_rule)[0]?.count) ?? 0));
  const sizes = volumes.map((v) => num(v.body.size));
  if (volumes.length === 0 || retain === 0 || sizes.some((s) => s === undefined)) {
    return [ctx.notPriced(r, "snapshots", "EBS snapshots", "targeted volumes, their sizes or the retention are not known at synth")];
  }
  if (!ctx.usage) return [ctx.notPriced(r, "snapshots", "EBS snapshots", "no usage assumptions given (usage.snapshotChangedGbPerDay)")];
  const full = sizes.reduce<number>((sum, s) => sum + (s ?? 0), 0);
  const stored = full + ctx.usage.snapshotChangedGbPerDay * volumes.length * (retain - 1);
  return [
    ctx.line(r, {
      key: "snapshots",
      item: `EBS snapshots: ${retain} retained of ${volumes.length} volume(s), ${full} GB full + usage.snapshotChangedGbPerDay per later snapshot`,
      quantity: stored,
      unit: "GB-month",
      priceId: "ebs.snapshot",
      basis: "usage",
    }),
  ];
}
