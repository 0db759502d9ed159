import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { NatMode } from "../../environments/config";
import { Network, NetworkProps } from "../../constructs/network";
import { idOf, ref, resourcesOf, synthConstructs } from "../support/synth";

const props: NetworkProps = {
  name: "test",
  region: "eu-west-1",
  cidr: "10.0.0.0/16",
  availabilityZones: ["eu-west-1a", "eu-west-1b"],
  publicSubnetCidrs: ["10.0.0.0/24", "10.0.1.0/24"],
  privateSubnetCidrs: ["10.0.10.0/24", "10.0.11.0/24"],
  databaseSubnetCidrs: ["10.0.20.0/24", "10.0.21.0/24"],
};
const synth = (extra: Partial<NetworkProps> = {}) => synthConstructs((scope) => new Network(scope, "net", { ...props, ...extra }));

describe("Network", () => {
  const { json, tf } = synth();
  const routes = Object.values(resourcesOf(tf, "aws_route"));
  const tableIds = Object.keys(resourcesOf(tf, "aws_route_table"));
  const tableOf = (subnetPath: string) =>
    Object.values(resourcesOf(tf, "aws_route_table_association")).find(
      (a) => a.subnet_id === ref("aws_subnet", idOf(tf, "aws_subnet", subnetPath)),
    )?.route_table_id;

  it("creates a DNS-enabled VPC and three subnet tiers across both AZs, without auto public IPs", () => {
    expect(json).toHaveResourceWithProperties(Vpc, { cidr_block: "10.0.0.0/16", enable_dns_hostnames: true, enable_dns_support: true });
    const subnets = Object.values(resourcesOf(tf, "aws_subnet"));
    expect(subnets.map((s) => [s.tags.Tier, s.availability_zone, s.cidr_block]).sort()).toEqual([
      ["database", "eu-west-1a", "10.0.20.0/24"],
      ["database", "eu-west-1b", "10.0.21.0/24"],
      ["private", "eu-west-1a", "10.0.10.0/24"],
      ["private", "eu-west-1b", "10.0.11.0/24"],
      ["public", "eu-west-1a", "10.0.0.0/24"],
      ["public", "eu-west-1b", "10.0.1.0/24"],
    ]);
    expect(json).not.toHaveResourceWithProperties(Subnet, { map_public_ip_on_launch: true });
  });

  it("empties the default security group", () => {
    expect(json).toHaveResourceWithProperties(DefaultSecurityGroup, { ingress: [], egress: [] });
  });

  it("routes only the public tier to the internet gateway; database subnets have no default route", () => {
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ destination_cidr_block: "0.0.0.0/0", gateway_id: expect.stringContaining("aws_internet_gateway.") });
    expect(routes[0].route_table_id).toBe(tableOf("net/public-a"));
    const dbTable = tableOf("net/database-a");
    expect(dbTable).toBeDefined();
    expect(routes.some((r) => r.route_table_id === dbTable)).toBe(false);
  });

  it("adds S3 and DynamoDB gateway endpoints to every route table", () => {
    const endpoints = Object.values(resourcesOf(tf, "aws_vpc_endpoint"));
    expect(endpoints.map((e) => e.service_name).sort()).toEqual(["com.amazonaws.eu-west-1.dynamodb", "com.amazonaws.eu-west-1.s3"]);
    for (const endpoint of endpoints) {
      expect(endpoint.vpc_endpoint_type).toBe("Gateway");
      expect([...endpoint.route_table_ids].sort()).toEqual(tableIds.map((id) => `\${aws_route_table.${id}.id}`).sort());
    }
  });

  it("has no NAT and no flow logs by default", () => {
    expect(resourcesOf(tf, "aws_nat_gateway")).toEqual({});
    expect(resourcesOf(tf, "aws_flow_log")).toEqual({});
  });

  it.each<[NatMode, number, number]>([
    ["none", 0, 0],
    ["single", 1, 2],
    ["perAz", 2, 2],
  ])("natMode %s: %i NAT gateway(s), %i private default route(s)", (natMode, gateways, privateRoutes) => {
    const variant = synth({ natMode }).tf;
    const nats = Object.keys(resourcesOf(variant, "aws_nat_gateway"));
    expect(nats).toHaveLength(gateways);
    const natRoutes = Object.values(resourcesOf(variant, "aws_route")).filter((r) => r.nat_gateway_id);
    expect(natRoutes).toHaveLength(privateRoutes);
    // each private subnet uses the NAT of its own AZ when there is one per AZ
    if (natMode === "perAz") expect(new Set(natRoutes.map((r) => r.nat_gateway_id)).size).toBe(2);
  });

  it("logs all traffic to a retained log group when flow logs are on, with a role limited to that group", () => {
    const variant = synth({ flowLogRetentionDays: 90 }).tf;
    const [groupId, group] = Object.entries(resourcesOf(variant, "aws_cloudwatch_log_group"))[0];
    expect(group.retention_in_days).toBe(90);
    expect(Object.values(resourcesOf(variant, "aws_flow_log"))[0]).toMatchObject({
      traffic_type: "ALL",
      log_destination_type: "cloud-watch-logs",
      log_destination: `\${aws_cloudwatch_log_group.${groupId}.arn}`,
    });
    const doc = Object.entries(variant.data?.aws_iam_policy_document ?? {}).find(([id]) => id.includes("policy-document"))?.[1] as {
      statement: { resources: string[] }[];
    };
    expect(doc.statement[0].resources).toEqual([`\${aws_cloudwatch_log_group.${groupId}.arn}`, `\${aws_cloudwatch_log_group.${groupId}.arn}:*`]);
  });
});
