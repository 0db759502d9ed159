/** RDS (instance hours × Multi-AZ, storage, managed master secret, Performance Insights) and DynamoDB on-demand. */
import { asArray, literal, StackResource } from "../../stack-json";
import { CostLine, PricingContext } from "../model";

const isTrue = (v: unknown) => v === true || v === "true";
const num = (v: unknown): number | undefined => {
  const s = literal(v);
  return s !== undefined && /^\d+(\.\d+)?$/.test(s) ? Number(s) : undefined;
};
/** RDS gp3 includes 3,000 IOPS below 400 GB and 12,000 from 400 GB (engines other than SQL Server/Oracle). */
const rdsGp3BaselineIops = (gb: number) => (gb < 400 ? 3000 : 12000);
/** Performance Insights retention included at no charge (days). */
const PI_FREE_RETENTION_DAYS = 7;

export function priceDbInstance(r: StackResource, ctx: PricingContext): CostLine[] {
  const b = r.body;
  const lines: CostLine[] = [];
  const hours = ctx.prices.hoursPerMonth;
  const multiAz = isTrue(b.multi_az);
  const factor = multiAz ? ctx.prices.table.factors.rdsMultiAz.value : 1;
  const az = multiAz ? `Multi-AZ ×${factor}` : "Single-AZ";
  const engine = literal(b.engine);
  const instanceClass = literal(b.instance_class);
  if (engine !== "postgres") lines.push(ctx.notPriced(r, "instance-hours", `Instance hours (${engine ?? "unknown engine"})`, "only RDS for PostgreSQL is in the price table"));
  else if (!instanceClass) lines.push(ctx.notPriced(r, "instance-hours", "Instance hours", "instance class not known at synth"));
  else lines.push(ctx.line(r, { key: "instance-hours", item: `Instance hours (${instanceClass}, PostgreSQL, ${az})`, quantity: hours, unit: "hours", priceId: `rds.instance.postgres.${instanceClass}`, factor }));

  const storageType = literal(b.storage_type) ?? "gp2";
  const gb = num(b.allocated_storage);
  if (gb === undefined || (storageType !== "gp3" && storageType !== "gp2")) {
    lines.push(ctx.notPriced(r, "storage", `Storage (${storageType})`, gb === undefined ? "allocated storage not known at synth" : `no price for RDS storage type ${storageType}`));
  } else {
    lines.push(ctx.line(r, { key: "storage", item: `Storage ${storageType} (${az}; backups up to this size are free)`, quantity: gb, unit: "GB-month", priceId: `rds.storage.${storageType}`, factor }));
    const iops = num(b.iops);
    if (storageType === "gp3" && iops !== undefined && iops > rdsGp3BaselineIops(gb)) {
      lines.push(ctx.line(r, { key: "storage-iops", item: `gp3 IOPS above ${rdsGp3BaselineIops(gb)} (${az})`, quantity: iops - rdsGp3BaselineIops(gb), unit: "IOPS-month", priceId: "rds.storage.gp3.iops", factor }));
    }
  }

  if (isTrue(b.manage_master_user_password)) {
    lines.push(ctx.line(r, { key: "master-secret", item: "Secrets Manager secret (RDS-managed master password)", quantity: 1, unit: "secret-months", priceId: "secretsmanager.secret" }));
  }
  if (isTrue(b.performance_insights_enabled)) {
    const days = num(b.performance_insights_retention_period) ?? PI_FREE_RETENTION_DAYS;
    lines.push(
      days <= PI_FREE_RETENTION_DAYS
        ? { address: r.address, type: r.type, path: r.path, key: "performance-insights", item: `Performance Insights (${days}-day retention)`, monthlyUsd: 0, basis: "free", note: "the 7-day retention tier is free" }
        : ctx.notPriced(r, "performance-insights", `Performance Insights (${days}-day retention)`, "long-term retention is priced per vCPU and is not in the price table"),
    );
  }
  return lines;
}

/** DynamoDB tables: on-demand requests and storage from the usage assumptions, spread over all tables. */
export function priceDynamodbTables(tables: readonly StackResource[], ctx: PricingContext): CostLine[] {
  if (tables.length === 0) return [];
  const provisioned = tables.filter((t) => (literal(t.body.billing_mode) ?? "PROVISIONED") !== "PAY_PER_REQUEST");
  const lines: CostLine[] = provisioned.map((t) => ctx.notPriced(t, "capacity", "Provisioned capacity", "only on-demand (PAY_PER_REQUEST) tables are priced"));
  const onDemand = tables.filter((t) => !provisioned.includes(t));
  if (onDemand.length > 0) {
    lines.push(
      ctx.usageLine("dynamodbReadRequestUnits", onDemand, { key: "reads", item: "DynamoDB on-demand reads", unit: "RRU", priceId: "dynamodb.on-demand.read", quantity: (u) => u.dynamodbReadRequestUnits }),
      ctx.usageLine("dynamodbWriteRequestUnits", onDemand, { key: "writes", item: "DynamoDB on-demand writes", unit: "WRU", priceId: "dynamodb.on-demand.write", quantity: (u) => u.dynamodbWriteRequestUnits }),
    );
  }
  lines.push(ctx.usageLine("dynamodbStorageGb", tables, { key: "storage", item: "DynamoDB table storage", unit: "GB-month", priceId: "dynamodb.storage", quantity: (u) => u.dynamodbStorageGb }));
  const pitr = tables.filter((t) => isTrue(asArray(t.body.point_in_time_recovery)[0]?.enabled));
  if (pitr.length > 0) {
    // Continuous backups are billed on the size of the tables that have them.
    lines.push({
      ...ctx.usageLine("dynamodbStorageGb", pitr, { key: "pitr", item: "DynamoDB point-in-time recovery", unit: "GB-month", priceId: "dynamodb.pitr", quantity: (u) => (u.dynamodbStorageGb * pitr.length) / tables.length }),
    });
  }
  return lines;
}
