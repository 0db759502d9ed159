/** VPC: NAT gateways (hours and data), public IPv4 addresses, VPC endpoints, data transfer out. */
import { asArray, literal, StackResource } from "../../stack-json";
import { CostLine, PricingContext } from "../model";

export function priceNatGateway(r: StackResource, ctx: PricingContext): CostLine[] {
  if ((literal(r.body.connectivity_type) ?? "public") !== "public") {
    return [ctx.line(r, { key: "hours", item: "Private NAT gateway hours", quantity: ctx.prices.hoursPerMonth, unit: "hours", priceId: "vpc.nat-gateway.hours" })];
  }
  return [ctx.line(r, { key: "hours", item: "NAT gateway hours (its Elastic IP is priced on the aws_eip)", quantity: ctx.prices.hoursPerMonth, unit: "hours", priceId: "vpc.nat-gateway.hours" })];
}

export function priceEip(r: StackResource, ctx: PricingContext): CostLine[] {
  return [ctx.line(r, { key: "public-ipv4", item: "Public IPv4 address (Elastic IP)", quantity: ctx.prices.hoursPerMonth, unit: "hours", priceId: "vpc.public-ipv4" })];
}

export function priceVpcEndpoint(r: StackResource, ctx: PricingContext): CostLine[] {
  const type = literal(r.body.vpc_endpoint_type) ?? "Gateway";
  if (type === "Gateway") {
    return [{ address: r.address, type: r.type, path: r.path, key: "endpoint", item: "Gateway endpoint (S3/DynamoDB)", monthlyUsd: 0, basis: "free", note: "gateway endpoints are free" }];
  }
  if (type !== "Interface") return [ctx.notPriced(r, "endpoint-hours", `${type} endpoint`, `no price for ${type} endpoints`)];
  const azs = asArray(r.body.subnet_ids).length;
  if (azs === 0) return [ctx.notPriced(r, "endpoint-hours", "Interface endpoint hours", "subnets not known at synth")];
  return [ctx.line(r, { key: "endpoint-hours", item: `Interface endpoint hours (${azs} AZ${azs === 1 ? "" : "s"})`, quantity: azs * ctx.prices.hoursPerMonth, unit: "ENI-hours", priceId: "vpc.interface-endpoint.hours" })];
}

/** Usage lines of the network: NAT data, interface endpoint data, internet data transfer out. */
export function priceNetworkUsage(all: readonly StackResource[], ctx: PricingContext): CostLine[] {
  const lines: CostLine[] = [];
  const nats = all.filter((r) => r.type === "aws_nat_gateway");
  if (nats.length > 0) {
    lines.push(ctx.usageLine("natProcessedGb", nats, { key: "data", item: "NAT gateway data processed", unit: "GB", priceId: "vpc.nat-gateway.data", quantity: (u) => u.natProcessedGb }));
  }
  const interfaces = all.filter((r) => r.type === "aws_vpc_endpoint" && literal(r.body.vpc_endpoint_type) === "Interface");
  if (interfaces.length > 0) {
    lines.push(ctx.usageLine("vpcEndpointProcessedGb", interfaces, { key: "data", item: "Interface endpoint data processed", unit: "GB", priceId: "vpc.interface-endpoint.data", quantity: (u) => u.vpcEndpointProcessedGb }));
  }
  const instances = all.filter((r) => r.type === "aws_instance");
  if (instances.length > 0) {
    lines.push(ctx.usageLine("dataTransferOutGb", instances, { key: "data-out", item: "Data transfer out to the internet", unit: "GB", priceId: "data-transfer.out-internet", quantity: (u) => u.dataTransferOutGb }));
  }
  return lines;
}
