import { Block, StackModel, blocks, isTrue, referencesIn } from "../model";
import { Check, Rule } from "../types";
import { SKIP, custom, perResource } from "./define";

/** Subnets whose vpc_id references `vpc`. */
function subnetsOf(model: StackModel, vpc: Block): Block[] {
  return model.referencing("aws_subnet", "vpc_id", vpc);
}

/** Subnets associated with a route table that sends 0.0.0.0/0 to an internet gateway. */
function publicSubnets(model: StackModel): Set<string> {
  const igwTables = new Set<string>();
  for (const route of model.all("aws_route")) {
    const toIgw = referencesIn(route.config.gateway_id).some((a) => a.startsWith("aws_internet_gateway."));
    const table = model.ref(route.config.route_table_id);
    if (toIgw && table && route.config.destination_cidr_block === "0.0.0.0/0") igwTables.add(table.address);
  }
  for (const table of model.all("aws_route_table")) {
    if (blocks(table.config.route).some((r) => r.cidr_block === "0.0.0.0/0" && referencesIn(r.gateway_id).some((a) => a.startsWith("aws_internet_gateway.")))) {
      igwTables.add(table.address);
    }
  }
  const result = new Set<string>();
  for (const assoc of model.all("aws_route_table_association")) {
    const table = model.ref(assoc.config.route_table_id);
    const subnet = model.ref(assoc.config.subnet_id);
    if (table && subnet && igwTables.has(table.address)) result.add(subnet.address);
  }
  return result;
}

export const vpcRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-VPC-001",
      service: "VPC",
      severity: "error",
      title: "Subnets do not assign public IPv4 addresses on launch",
      explanation: "map_public_ip_on_launch gives every instance in the subnet an internet-reachable address, whether intended or not.",
      fix: "Set map_public_ip_on_launch = false (Network does); give a public address per instance where it is intended.",
      checkov: ["CKV_AWS_130"],
      cdkNag: [],
    },
    ["aws_subnet"],
    (b) => (isTrue(b.config.map_public_ip_on_launch) ? "map_public_ip_on_launch is true" : undefined),
  ),
  custom(
    {
      id: "WP-VPC-002",
      service: "VPC",
      severity: "error",
      title: "Every VPC's default security group is managed and has no rules",
      explanation: "Resources launched without an explicit group land in the default group; AWS's default rules let its members talk to each other.",
      fix: "Add an aws_default_security_group for the VPC with ingress = [] and egress = [] (Network does).",
      checkov: ["CKV2_AWS_12"],
      cdkNag: [],
    },
    (model) => {
      const checks: Check[] = [];
      for (const vpc of model.all("aws_vpc")) {
        const managed = model.referencing("aws_default_security_group", "vpc_id", vpc);
        if (managed.length === 0) checks.push({ block: vpc, violation: "the VPC's default security group is not managed (AWS default rules stay)" });
      }
      for (const sg of model.all("aws_default_security_group")) {
        const rules = blocks(sg.config.ingress).length + blocks(sg.config.egress).length;
        checks.push({ block: sg, violation: rules > 0 ? `the default security group has ${rules} rule(s)` : undefined });
      }
      return checks;
    },
  ),
  perResource(
    {
      id: "WP-VPC-003",
      service: "VPC",
      severity: "error",
      title: "Every VPC has flow logs",
      explanation: "Without flow logs there is no record of accepted and rejected traffic for incident response.",
      fix: "Enable flow logs (environment network.flowLogs: true; Network creates aws_flow_log to CloudWatch Logs).",
      checkov: ["CKV2_AWS_11"],
      cdkNag: ["AwsSolutions-VPC7"],
    },
    ["aws_vpc"],
    (vpc, model) => (model.referencing("aws_flow_log", "vpc_id", vpc).length > 0 ? undefined : "the VPC has no aws_flow_log"),
  ),
  perResource(
    {
      id: "WP-VPC-004",
      service: "VPC",
      severity: "error",
      title: "Non-public subnets get outbound internet through a NAT gateway in their own AZ",
      explanation: "With no NAT, private workloads have no egress; with one NAT, an AZ outage cuts egress for every AZ.",
      fix: "Set network.natMode to \"perAz\" (one NAT gateway per AZ).",
      checkov: [],
      cdkNag: [],
    },
    ["aws_vpc"],
    (vpc, model) => {
      const subnets = subnetsOf(model, vpc);
      const isPublic = publicSubnets(model);
      const azsNeeding = new Set(subnets.filter((s) => !isPublic.has(s.address)).map((s) => String(s.config.availability_zone)));
      if (azsNeeding.size === 0) return SKIP;
      const natAzs = new Set(
        model
          .all("aws_nat_gateway")
          .filter((n) => n.config.connectivity_type !== "private")
          .map((n) => model.ref(n.config.subnet_id))
          .filter((s): s is Block => !!s && subnets.includes(s))
          .map((s) => String(s.config.availability_zone)),
      );
      const missing = [...azsNeeding].filter((az) => !natAzs.has(az)).sort();
      return missing.length > 0 ? `no NAT gateway in ${missing.join(", ")} (${natAzs.size} NAT gateway(s) for ${azsNeeding.size} AZs)` : undefined;
    },
  ),
];
