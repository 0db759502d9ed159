import { Block, StackModel, blocks, num, referencesIn, strings } from "../model";
import { Check, Rule } from "../types";
import { custom } from "./define";

/** One security group rule, from any of the four ways Terraform writes them. */
interface SgRule {
  /** The resource that holds it (the group for inline rules). */
  readonly block: Block;
  readonly direction: "ingress" | "egress";
  /** "-1" (all), "tcp", "udp", "icmp", or a number as a string. */
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  readonly cidrs: readonly string[];
  readonly description?: string;
  /** "ingress[0]" for inline rules, "" for rule resources. */
  readonly label: string;
  /** Address of the security group the rule belongs to, when it is in this stack. */
  readonly group?: string;
}

const WORLD = ["0.0.0.0/0", "::/0"];

function sgRules(model: StackModel): SgRule[] {
  const rules: SgRule[] = [];
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  for (const sg of model.all("aws_security_group")) {
    for (const direction of ["ingress", "egress"] as const) {
      blocks(sg.config[direction]).forEach((r, i) =>
        rules.push({
          block: sg,
          direction,
          protocol: String(r.protocol ?? "-1"),
          from: num(r.from_port),
          to: num(r.to_port),
          cidrs: [...strings(r.cidr_blocks), ...strings(r.ipv6_cidr_blocks)],
          description: text(r.description),
          label: `${direction}[${i}]`,
          group: sg.address,
        }),
      );
    }
  }
  for (const r of model.all("aws_security_group_rule")) {
    rules.push({
      block: r,
      direction: r.config.type === "egress" ? "egress" : "ingress",
      protocol: String(r.config.protocol ?? "-1"),
      from: num(r.config.from_port),
      to: num(r.config.to_port),
      cidrs: [...strings(r.config.cidr_blocks), ...strings(r.config.ipv6_cidr_blocks)],
      description: text(r.config.description),
      label: "",
      group: model.ref(r.config.security_group_id)?.address,
    });
  }
  for (const direction of ["ingress", "egress"] as const) {
    for (const r of model.all(`aws_vpc_security_group_${direction}_rule`)) {
      rules.push({
        block: r,
        direction,
        protocol: String(r.config.ip_protocol ?? "-1"),
        from: num(r.config.from_port),
        to: num(r.config.to_port),
        cidrs: [...strings(r.config.cidr_ipv4), ...strings(r.config.cidr_ipv6)],
        description: text(r.config.description),
        label: "",
        group: model.ref(r.config.security_group_id)?.address,
      });
    }
  }
  return rules;
}

/** Security groups attached to EC2 instances, directly or through a launch template. */
function instanceGroups(model: StackModel): Set<string> {
  const found = new Set<string>();
  const add = (value: unknown) => referencesIn(value).filter((a) => a.startsWith("aws_security_group.")).forEach((a) => found.add(a));
  for (const i of model.all("aws_instance")) {
    add(i.config.vpc_security_group_ids);
    add(i.config.security_groups);
  }
  for (const lt of model.all("aws_launch_template")) {
    add(lt.config.vpc_security_group_ids);
    add(lt.config.security_group_names);
    blocks(lt.config.network_interfaces).forEach((n) => add(n.security_groups));
  }
  return found;
}

const allTraffic = (r: SgRule) => ["-1", "all"].includes(r.protocol.toLowerCase()) || (r.from === 0 && (r.to === 0 || r.to === 65535));
const isTcp = (r: SgRule) => ["tcp", "6"].includes(r.protocol.toLowerCase());
const covers = (r: SgRule, port: number) => allTraffic(r) || (isTcp(r) && r.from !== undefined && r.to !== undefined && r.from <= port && port <= r.to);
const fromWorld = (r: SgRule) => r.cidrs.filter((c) => WORLD.includes(c));
const where = (r: SgRule) => (r.label ? ` (${r.label})` : "");
const ports = (r: SgRule) => (allTraffic(r) ? "all ports" : r.from === r.to ? `port ${r.from}` : `ports ${r.from}-${r.to}`);

/** A rule checked on every rule of one direction (inline rules are checked on their group). */
function sgRule(spec: Omit<Rule, "evaluate">, direction: SgRule["direction"], violates: (r: SgRule) => string | undefined): Rule {
  return custom(spec, (model) =>
    sgRules(model)
      .filter((r) => r.direction === direction)
      .map((r): Check => {
        const v = violates(r);
        return { block: r.block, violation: v === undefined ? undefined : `${v}${where(r)}` };
      }),
  );
}

/** Database and cache ports: never reachable from the internet. */
/** Plaintext HTTP: the standard port and the web app's port (8080, served without TLS). */
const HTTP_PORTS = [80, 8080];

const DATA_PORTS: Record<number, string> = {
  1433: "SQL Server", 1521: "Oracle", 3306: "MySQL/MariaDB", 5432: "PostgreSQL", 5439: "Redshift",
  6379: "Redis", 9200: "OpenSearch", 11211: "Memcached", 27017: "MongoDB/DocumentDB",
};

const worldOn = (port: number, name: string) => (r: SgRule) => {
  const world = fromWorld(r);
  return world.length > 0 && covers(r, port) && !allTraffic(r) ? `${name} (${ports(r)}) open to ${world.join(", ")}` : undefined;
};

export const securityGroupRules: readonly Rule[] = [
  sgRule(
    {
      id: "WP-SG-001",
      service: "Security groups",
      severity: "error",
      title: "No SSH (22) from 0.0.0.0/0 or ::/0",
      explanation: "SSH open to the internet invites brute force and exploits of the SSH daemon.",
      fix: "Remove the rule; administer instances through SSM Session Manager (WebServer has no SSH and no key pair).",
      checkov: ["CKV_AWS_24"],
      cdkNag: ["AwsSolutions-EC23"],
    },
    "ingress",
    worldOn(22, "SSH"),
  ),
  sgRule(
    {
      id: "WP-SG-002",
      service: "Security groups",
      severity: "error",
      title: "No RDP (3389) from 0.0.0.0/0 or ::/0",
      explanation: "RDP open to the internet is a top ransomware entry point.",
      fix: "Remove the rule; use SSM Session Manager or Fleet Manager.",
      checkov: ["CKV_AWS_25"],
      cdkNag: ["AwsSolutions-EC23"],
    },
    "ingress",
    worldOn(3389, "RDP"),
  ),
  sgRule(
    {
      id: "WP-SG-003",
      service: "Security groups",
      severity: "error",
      title: "No database or cache port (5432, 3306, 1433, 6379, ...) from 0.0.0.0/0 or ::/0",
      explanation: "Data stores must only be reachable from the application's security groups.",
      fix: "Allow the port from the client's security group (Database.allowConnectionsFrom), never from a CIDR like 0.0.0.0/0.",
      checkov: [],
      cdkNag: ["AwsSolutions-EC23"],
    },
    "ingress",
    (r) => Object.entries(DATA_PORTS).map(([port, name]) => worldOn(Number(port), name)(r)).find((v) => v !== undefined),
  ),
  sgRule(
    {
      id: "WP-SG-004",
      service: "Security groups",
      severity: "error",
      title: "No ingress on all ports/protocols from 0.0.0.0/0 or ::/0",
      explanation: "All-traffic ingress from the internet exposes every listening service.",
      fix: "Allow only the ports the service needs, from the narrowest source.",
      checkov: ["CKV_AWS_277"],
      cdkNag: ["AwsSolutions-EC23"],
    },
    "ingress",
    (r) => (fromWorld(r).length > 0 && allTraffic(r) ? `all traffic open to ${fromWorld(r).join(", ")}` : undefined),
  ),
  sgRule(
    {
      id: "WP-SG-005",
      service: "Security groups",
      severity: "warning",
      title: "No plaintext HTTP (80, 8080) from 0.0.0.0/0 or ::/0",
      explanation: "Browsers send sign-up data in clear text over HTTP (80, or the app port 8080 served directly); serve HTTPS (443) and only redirect 80.",
      fix: "Terminate TLS in front of the app (CloudFront or ALB + ACM certificate) and open the app port only to it; keep 80 only as a redirect to 443.",
      checkov: ["CKV_AWS_260"],
      cdkNag: [],
    },
    "ingress",
    (r) => (fromWorld(r).length > 0 && !allTraffic(r) && HTTP_PORTS.some((p) => covers(r, p)) ? `HTTP (${ports(r)}) open to ${fromWorld(r).join(", ")}` : undefined),
  ),
  custom(
    {
      id: "WP-SG-006",
      service: "Security groups",
      severity: "error",
      title: "Every security group and every rule has a description",
      explanation: "Descriptions say why a path is open; undocumented rules are never cleaned up.",
      fix: "Pass a description to the SecurityGroup and to every allow* call.",
      checkov: ["CKV_AWS_23"],
      cdkNag: ["AwsSolutions-EC27"],
    },
    (model) => [
      ...model.all("aws_security_group").map((sg): Check => {
        const d = sg.config.description;
        const missing = typeof d !== "string" || d.trim() === "" || d === "Managed by Terraform";
        return { block: sg, violation: missing ? "the security group has no description of its own" : undefined };
      }),
      ...sgRules(model).map((r): Check => ({ block: r.block, violation: r.description?.trim() ? undefined : `a rule has no description${where(r)}` })),
    ],
  ),
  sgRule(
    {
      id: "WP-SG-007",
      service: "Security groups",
      severity: "warning",
      title: "No egress on all ports/protocols to 0.0.0.0/0 or ::/0",
      explanation: "Unrestricted egress makes data exfiltration and command-and-control traffic trivial.",
      fix: "Allow only the destinations and ports the workload needs (e.g. 443 out), as SecurityGroup.allowEgressToCidrs does.",
      checkov: ["CKV_AWS_382"],
      cdkNag: [],
    },
    "egress",
    (r) => (fromWorld(r).length > 0 && allTraffic(r) ? `all traffic allowed out to ${fromWorld(r).join(", ")}` : undefined),
  ),
  custom(
    {
      id: "WP-SG-008",
      service: "Security groups",
      severity: "error",
      title: "No ingress from 0.0.0.0/0 or ::/0 (any port) to a security group of an EC2 instance",
      explanation: "An instance reachable from the whole internet bypasses the edge (TLS, WAF, rate limits) and exposes its own services.",
      fix: "Admit the edge only: CloudFront's origin-facing prefix list or a load balancer's security group (WebServer appIngressPrefixListIds).",
      checkov: [],
      cdkNag: ["AwsSolutions-EC23"],
    },
    (model) => {
      const attached = instanceGroups(model);
      return sgRules(model)
        .filter((r) => r.direction === "ingress" && r.group !== undefined && attached.has(r.group))
        .map((r): Check => {
          const world = fromWorld(r);
          return { block: r.block, violation: world.length > 0 ? `the instance's security group admits ${ports(r)} from ${world.join(", ")}${where(r)}` : undefined };
        });
    },
  ),
];
