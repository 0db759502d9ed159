import { SecurityGroup as AwsSecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";

export interface SecurityGroupProps {
  readonly name: string;
  readonly description: string;
  readonly vpcId: string;
}

/**
 * A security group that starts with no rules at all (no ingress, no egress). Every rule is a
 * separate `aws_vpc_security_group_*_rule` with a description, added through the methods below.
 */
export class SecurityGroup extends Construct {
  readonly group: AwsSecurityGroup;
  private ruleCount = 0;

  constructor(scope: Construct, id: string, props: SecurityGroupProps) {
    super(scope, id);
    this.group = new AwsSecurityGroup(this, "group", {
      namePrefix: `${props.name}-`,
      description: props.description,
      vpcId: props.vpcId,
      tags: { Name: props.name },
      lifecycle: { createBeforeDestroy: true },
    });
  }

  get id(): string {
    return this.group.id;
  }

  /** TCP `port` in from each IPv4 CIDR. */
  allowIngressFromCidrs(port: number, cidrs: readonly string[], description: string): void {
    for (const cidr of cidrs) {
      new VpcSecurityGroupIngressRule(this, `in-${this.ruleCount++}`, {
        securityGroupId: this.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: cidr,
        description,
      });
    }
  }

  /** TCP `port` in from every address of a managed prefix list (e.g. CloudFront's origin-facing list). */
  allowIngressFromPrefixList(port: number, prefixListId: string, description: string): void {
    new VpcSecurityGroupIngressRule(this, `in-${this.ruleCount++}`, {
      securityGroupId: this.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      prefixListId,
      description,
    });
  }

  /** TCP `port` out to each IPv4 CIDR. */
  allowEgressToCidrs(port: number, cidrs: readonly string[], description: string): void {
    for (const cidr of cidrs) {
      new VpcSecurityGroupEgressRule(this, `out-${this.ruleCount++}`, {
        securityGroupId: this.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: cidr,
        description,
      });
    }
  }

  /**
   * Lets members of `peer` connect to members of this group on TCP `port`: an ingress rule here and
   * the matching egress rule on the peer, both referencing the other group (no CIDRs).
   */
  allowFrom(peer: SecurityGroup, port: number, description: string): void {
    new VpcSecurityGroupIngressRule(this, `in-${this.ruleCount++}`, {
      securityGroupId: this.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: peer.id,
      description,
    });
    new VpcSecurityGroupEgressRule(peer, `out-${peer.ruleCount++}`, {
      securityGroupId: peer.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.id,
      description,
    });
  }
}
