import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { Construct } from "constructs";
import { NatMode } from "../environments/config";
import { ServiceRole } from "./service-role";

export interface NetworkProps {
  /** Name prefix of every resource, e.g. "webplatform-dev". */
  readonly name: string;
  readonly region: string;
  readonly cidr: string;
  /** AZ names; subnet lists are indexed like this list. */
  readonly availabilityZones: readonly string[];
  readonly publicSubnetCidrs: readonly string[];
  readonly privateSubnetCidrs: readonly string[];
  readonly databaseSubnetCidrs: readonly string[];
  /** Default "none": private subnets have no internet route. */
  readonly natMode?: NatMode;
  /** When set, all VPC traffic is logged to CloudWatch Logs, kept this many days. */
  readonly flowLogRetentionDays?: number;
}

/**
 * A VPC with three subnet tiers across the AZs: public (internet gateway), private (NAT per natMode)
 * and isolated database subnets (no internet route). S3 and DynamoDB are reached through gateway
 * endpoints on every route table. The default security group is emptied of rules.
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[];
  readonly privateSubnets: Subnet[];
  readonly databaseSubnets: Subnet[];
  readonly natGateways: NatGateway[] = [];
  readonly flowLogGroup?: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azs = props.availabilityZones;
    const suffix = (i: number) => azs[i].slice(-1);

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: props.cidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: props.name },
    });
    new DefaultSecurityGroup(this, "default-sg", {
      vpcId: this.vpc.id,
      ingress: [],
      egress: [],
      tags: { Name: `${props.name}-default-unused` },
    });

    const subnets = (tier: string, cidrs: readonly string[]) =>
      cidrs.map(
        (cidrBlock, i) =>
          new Subnet(this, `${tier}-${suffix(i)}`, {
            vpcId: this.vpc.id,
            cidrBlock,
            availabilityZone: azs[i],
            mapPublicIpOnLaunch: false,
            tags: { Name: `${props.name}-${tier}-${suffix(i)}`, Tier: tier },
          }),
      );
    this.publicSubnets = subnets("public", props.publicSubnetCidrs);
    this.privateSubnets = subnets("private", props.privateSubnetCidrs);
    this.databaseSubnets = subnets("database", props.databaseSubnetCidrs);

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.name } });
    const routeTable = (rtId: string, associated: Subnet[]) => {
      const table = new RouteTable(this, `${rtId}-routes`, { vpcId: this.vpc.id, tags: { Name: `${props.name}-${rtId}` } });
      associated.forEach((subnet, i) => {
        new RouteTableAssociation(this, `${rtId}-routes-${i}`, { routeTableId: table.id, subnetId: subnet.id });
      });
      return table;
    };

    const publicTable = routeTable("public", this.publicSubnets);
    new Route(this, "public-internet", {
      routeTableId: publicTable.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });

    const natMode = props.natMode ?? "none";
    const natCount = natMode === "none" ? 0 : natMode === "single" ? 1 : azs.length;
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `nat-eip-${suffix(i)}`, { domain: "vpc", tags: { Name: `${props.name}-nat-${suffix(i)}` } });
      this.natGateways.push(
        new NatGateway(this, `nat-${suffix(i)}`, {
          allocationId: eip.allocationId,
          subnetId: this.publicSubnets[i].id,
          tags: { Name: `${props.name}-nat-${suffix(i)}` },
          dependsOn: [igw],
        }),
      );
    }
    const privateTables = this.privateSubnets.map((subnet, i) => {
      const table = routeTable(`private-${suffix(i)}`, [subnet]);
      if (natCount > 0) {
        new Route(this, `private-${suffix(i)}-nat`, {
          routeTableId: table.id,
          destinationCidrBlock: "0.0.0.0/0",
          natGatewayId: this.natGateways[Math.min(i, natCount - 1)].id,
        });
      }
      return table;
    });
    const databaseTable = routeTable("database", this.databaseSubnets);

    const allTables = [publicTable, ...privateTables, databaseTable].map((t) => t.id);
    for (const service of ["s3", "dynamodb"]) {
      new VpcEndpoint(this, `${service}-endpoint`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Gateway",
        routeTableIds: allTables,
        tags: { Name: `${props.name}-${service}` },
      });
    }

    if (props.flowLogRetentionDays !== undefined) {
      this.flowLogGroup = new CloudwatchLogGroup(this, "flow-log-group", {
        name: `/vpc/${props.name}/flow-logs`,
        retentionInDays: props.flowLogRetentionDays,
      });
      const role = new ServiceRole(this, "flow-log-role", {
        name: `${props.name}-flow-logs`,
        description: `Delivers VPC flow logs of ${props.name} to CloudWatch Logs`,
        servicePrincipal: "vpc-flow-logs.amazonaws.com",
      });
      role.addToPolicy({
        sid: "WriteFlowLogs",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
        resources: [this.flowLogGroup.arn, `${this.flowLogGroup.arn}:*`],
      });
      new FlowLog(this, "flow-log", {
        vpcId: this.vpc.id,
        trafficType: "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: this.flowLogGroup.arn,
        iamRoleArn: role.arn,
        maxAggregationInterval: 60,
        tags: { Name: props.name },
      });
    }
  }
}
