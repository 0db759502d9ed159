/**
 * A Mermaid flowchart of one synthesized stack. Nothing about this project's architecture is
 * hard-coded: nodes are resources of the kinds in NODE_KINDS, placed in VPC / subnet-tier groups
 * through what they reference (subnets directly, via a launch template or a DB subnet group);
 * edges come from
 *   - IAM grants: policy statements (attached to a role) whose resources reference a node, drawn
 *     from every node that uses the role (Lambda `role`, EC2 via instance profile/launch template),
 *   - security-group rules: from the nodes of the referenced group (or a CIDR) to the nodes of the
 *     protected group,
 *   - notifications and event wiring: S3 bucket notifications, Lambda event source mappings,
 *     async-invocation destinations and dead-letter configs,
 *   - attachments: EBS volume attachments,
 *   - the edge: viewers to each CloudFront distribution, the distribution to the nodes its origins
 *     reference (directly or through a VPC origin), and its WAF web ACL.
 */
import { asArray, literal, referencesIn, Stack, StackResource } from "./stack-json";

interface NodeKind {
  readonly label: string;
  /** Mermaid shape: box, cylinder (stores data), hexagon (network appliance). */
  readonly shape: "box" | "cylinder" | "hexagon";
  /** A short detail line (size, class, runtime) from the resource or what it owns. */
  readonly detail?: (r: StackResource, owned: readonly StackResource[]) => string | undefined;
}

const attr = (r: StackResource | undefined, key: string) => (r ? literal(r.body[key]) : undefined);
const ownedOf = (owned: readonly StackResource[], type: string) => owned.find((o) => o.type === type);

export const NODE_KINDS: Readonly<Record<string, NodeKind>> = {
  aws_instance: {
    label: "EC2",
    shape: "box",
    detail: (r, owned) => attr(r, "instance_type") ?? attr(ownedOf(owned, "aws_launch_template"), "instance_type"),
  },
  aws_ebs_volume: { label: "EBS", shape: "cylinder", detail: (r) => [attr(r, "size") && `${attr(r, "size")} GiB`, attr(r, "type")].filter(Boolean).join(" ") },
  aws_db_instance: {
    label: "RDS",
    shape: "cylinder",
    detail: (r) => [`${attr(r, "engine") ?? ""} ${attr(r, "engine_version") ?? ""}`.trim(), attr(r, "instance_class"), r.body.multi_az === true ? "multi-AZ" : undefined].filter(Boolean).join(", "),
  },
  aws_rds_cluster: { label: "Aurora", shape: "cylinder", detail: (r) => attr(r, "engine") },
  aws_s3_bucket: { label: "S3", shape: "cylinder" },
  aws_lambda_function: { label: "Lambda", shape: "box", detail: (r) => [attr(r, "runtime"), ...asArray<string>(r.body.architectures)].filter(Boolean).join(" ") },
  aws_dynamodb_table: { label: "DynamoDB", shape: "cylinder" },
  aws_sqs_queue: { label: "SQS", shape: "cylinder" },
  aws_sns_topic: { label: "SNS", shape: "box" },
  aws_nat_gateway: { label: "NAT gateway", shape: "hexagon" },
  aws_cloudfront_distribution: { label: "CloudFront", shape: "hexagon", detail: (r) => attr(r, "price_class") },
  aws_wafv2_web_acl: { label: "WAF", shape: "hexagon", detail: (r) => attr(r, "scope") },
};

const NAME_KEYS = ["function_name", "identifier", "bucket", "name", "cluster_identifier"];
const PREFIX_KEYS = ["bucket_prefix", "name_prefix", "identifier_prefix"];

function displayName(r: StackResource): string {
  for (const key of NAME_KEYS) if (attr(r, key)) return attr(r, key)!;
  for (const key of PREFIX_KEYS) if (attr(r, key)) return `${attr(r, key)}*`;
  const tags = r.body.tags as Record<string, unknown> | undefined;
  return literal(tags?.Name) ?? r.path;
}

const mermaidId = (text: string) => text.replace(/[^A-Za-z0-9_]/g, "_");
const quote = (text: string) => `"${text.replace(/"/g, "#quot;")}"`;
/** Action names without the service prefix, at most four. */
function actionsLabel(actions: readonly string[]): string {
  const names = [...new Set(actions.map((a) => (a.includes(":") && !a.endsWith(":*") ? a.split(":")[1] : a)))];
  return names.length > 4 ? `${names.slice(0, 3).join(", ")} +${names.length - 3}` : names.join(", ");
}

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly undirected?: boolean;
  readonly labels: string[];
}

export interface Diagram {
  readonly mermaid: string;
  /** Node ids by address, and the edges, for tests. */
  readonly nodes: ReadonlyMap<string, string>;
  readonly edges: readonly { from: string; to: string; label: string }[];
}

export function generateDiagram(stack: Stack): Diagram {
  const all = [...stack.resources.values()].sort((a, b) => a.path.localeCompare(b.path));
  const nodes = all.filter((r) => r.mode === "managed" && NODE_KINDS[r.type]);
  const isNode = new Set(nodes.map((n) => n.address));
  const ids = new Map<string, string>();
  for (const n of nodes) {
    let id = mermaidId(n.path);
    while ([...ids.values()].includes(id) || id === "end") id = `${id}_`;
    ids.set(n.address, id);
  }
  const refs = (value: unknown) => referencesIn(value, stack);
  const refsOf = (address: string) => refs(stack.resources.get(address)?.body);

  // What each node owns: everything reachable through references without passing another node.
  const owned = new Map<string, Set<string>>();
  for (const n of nodes) {
    const seen = new Set<string>();
    const queue = refsOf(n.address);
    while (queue.length > 0) {
      const next = queue.shift()!;
      if (seen.has(next) || isNode.has(next)) continue;
      seen.add(next);
      queue.push(...refsOf(next));
    }
    owned.set(n.address, seen);
  }
  const usersOf = (address: string) => nodes.filter((n) => owned.get(n.address)!.has(address) || n.address === address).map((n) => n.address);
  const nodeRefs = (value: unknown) => refs(value).filter((a) => isNode.has(a));
  const resource = (address: string) => stack.resources.get(address)!;

  const edges = new Map<string, Edge>();
  const extraNodes = new Map<string, string>();
  const addEdge = (from: string, to: string, label: string, undirected = false) => {
    if (from === to) return;
    const key = `${from}|${to}|${undirected}`;
    const edge = edges.get(key) ?? { from, to, undirected, labels: [] };
    if (label && !edge.labels.includes(label)) edge.labels.push(label);
    edges.set(key, edge);
  };
  const byType = (type: string) => all.filter((r) => `${r.mode === "data" ? "data." : ""}${r.type}` === type);

  // IAM grants: policy documents attached to roles, statements that reference nodes.
  const documentsOf = (value: unknown) => refs(value).filter((a) => a.startsWith("data.aws_iam_policy_document."));
  const grants: { roles: string[]; documents: string[] }[] = [];
  for (const p of byType("aws_iam_role_policy")) grants.push({ roles: refs(p.body.role), documents: documentsOf(p.body.policy) });
  for (const a of byType("aws_iam_role_policy_attachment")) {
    const policies = refs(a.body.policy_arn).filter((x) => x.startsWith("aws_iam_policy."));
    grants.push({ roles: refs(a.body.role), documents: policies.flatMap((x) => documentsOf(resource(x).body.policy)) });
  }
  for (const role of byType("aws_iam_role")) {
    grants.push({ roles: [role.address], documents: asArray(role.body.inline_policy).flatMap((p) => documentsOf(p.policy)) });
  }
  for (const { roles, documents } of grants) {
    const principals = roles.filter((r) => r.startsWith("aws_iam_role.")).flatMap(usersOf);
    for (const doc of documents) {
      for (const statement of asArray(resource(doc).body.statement)) {
        if (statement.effect === "Deny") continue;
        for (const target of asArray<string>(statement.resources)) {
          const prefix = /\}\/([^$*]+)\*$/.exec(target)?.[1];
          const label = `${actionsLabel(asArray<string>(statement.actions))}${prefix ? ` ${prefix}` : ""}`;
          for (const to of nodeRefs(target)) for (const from of principals) addEdge(from, to, label);
        }
      }
    }
  }

  // Security groups: who may connect to whom, from the ingress rules.
  const ports = (rule: Record<string, unknown>) => {
    const protocol = String(rule.ip_protocol ?? rule.protocol ?? "tcp");
    if (protocol === "-1") return "all traffic";
    const from = rule.from_port;
    const to = rule.to_port;
    return `${from === to ? from : `${from}-${to}`}/${protocol}`;
  };
  const connect = (sources: string[], cidrs: string[], target: string[], label: string) => {
    const targets = target.flatMap(usersOf);
    for (const cidr of cidrs) {
      const id = cidr === "0.0.0.0/0" || cidr === "::/0" ? "internet" : mermaidId(`cidr_${cidr}`);
      extraNodes.set(id, id === "internet" ? `(["Internet"])` : `([${quote(cidr)}])`);
      for (const to of targets) addEdge(id, to, label);
    }
    for (const from of sources.flatMap(usersOf)) for (const to of targets) addEdge(from, to, label);
  };
  for (const rule of byType("aws_vpc_security_group_ingress_rule")) {
    const cidrs = [rule.body.cidr_ipv4, rule.body.cidr_ipv6].filter((c): c is string => typeof c === "string");
    connect(refs(rule.body.referenced_security_group_id), cidrs, refs(rule.body.security_group_id), ports(rule.body));
  }
  for (const rule of byType("aws_security_group_rule").filter((r) => r.body.type === "ingress")) {
    connect(refs(rule.body.source_security_group_id), asArray<string>(rule.body.cidr_blocks), refs(rule.body.security_group_id), ports(rule.body));
  }
  for (const group of byType("aws_security_group")) {
    for (const rule of asArray(group.body.ingress)) {
      connect(refs(rule.security_groups), asArray<string>(rule.cidr_blocks), [group.address], ports(rule));
    }
  }

  // Event wiring.
  const events = (list: unknown) => [...new Set(asArray<string>(list).map((e) => e.replace(/^s3:/, "").replace(/:\*$/, "")))].join(", ");
  for (const n of byType("aws_s3_bucket_notification")) {
    for (const [block, arnKey] of [["lambda_function", "lambda_function_arn"], ["queue", "queue_arn"], ["topic", "topic_arn"]]) {
      for (const target of asArray(n.body[block])) {
        const label = [events(target.events), literal(target.filter_prefix)].filter(Boolean).join(" ");
        for (const from of nodeRefs(n.body.bucket)) for (const to of nodeRefs(target[arnKey])) addEdge(from, to, label);
      }
    }
  }
  for (const m of byType("aws_lambda_event_source_mapping")) {
    for (const from of nodeRefs(m.body.event_source_arn)) for (const to of nodeRefs(m.body.function_name)) addEdge(from, to, "event source");
  }
  for (const c of byType("aws_lambda_function_event_invoke_config")) {
    for (const config of asArray(c.body.destination_config)) {
      for (const [key, label] of [["on_failure", "on failure"], ["on_success", "on success"]]) {
        for (const dest of asArray(config[key])) {
          for (const from of nodeRefs(c.body.function_name)) for (const to of nodeRefs(dest.destination)) addEdge(from, to, label);
        }
      }
    }
  }
  for (const fn of byType("aws_lambda_function")) {
    for (const dlq of asArray(fn.body.dead_letter_config)) for (const to of nodeRefs(dlq.target_arn)) addEdge(fn.address, to, "dead letter");
  }
  const attachedTo = new Map<string, string>();
  for (const a of byType("aws_volume_attachment")) {
    for (const instance of nodeRefs(a.body.instance_id)) {
      for (const volume of nodeRefs(a.body.volume_id)) {
        addEdge(instance, volume, `attached ${literal(a.body.device_name) ?? ""}`.trim(), true);
        attachedTo.set(volume, instance);
      }
    }
  }

  // The edge: viewers -> distribution -> origin (directly, or through a VPC origin), WAF in front.
  for (const d of byType("aws_cloudfront_distribution")) {
    extraNodes.set("internet", `(["Internet"])`);
    addEdge("internet", d.address, "HTTPS");
    for (const origin of asArray(d.body.origin)) {
      const via = refs(origin).filter((a) => !isNode.has(a) && resource(a)?.type === "aws_cloudfront_vpc_origin");
      const endpoints = [origin.custom_origin_config, ...via.flatMap((a) => asArray(resource(a).body.vpc_origin_endpoint_config))];
      const port = endpoints.map((e) => literal(asArray(e)[0]?.http_port)).find(Boolean);
      const label = [via.length > 0 ? "VPC origin" : "", port ? `HTTP ${port}` : ""].filter(Boolean).join("<br/>");
      for (const to of [...nodeRefs(origin), ...via.flatMap((a) => nodeRefs(resource(a).body))]) addEdge(d.address, to, label);
    }
    for (const acl of nodeRefs(d.body.web_acl_id)) addEdge(acl, d.address, "web ACL", true);
  }

  // Placement: VPC > subnet tier (tag Tier, else the subnet) > nodes in those subnets.
  const subnets = byType("aws_subnet");
  const tierOf = (s: StackResource) => literal((s.body.tags as Record<string, unknown> | undefined)?.Tier) ?? s.path;
  const placement = new Map<string, StackResource>();
  for (const n of nodes) {
    const mine = subnets.filter((s) => owned.get(n.address)!.has(s.address));
    if (mine.length > 0) placement.set(n.address, mine[0]);
  }
  for (const [volume, instance] of attachedTo) if (!placement.has(volume) && placement.has(instance)) placement.set(volume, placement.get(instance)!);

  const lines = ["flowchart LR"];
  const nodeLine = (n: StackResource, indent: string) => {
    const kind = NODE_KINDS[n.type];
    const detail = kind.detail?.(n, [...owned.get(n.address)!].map(resource));
    const text = quote(`${kind.label}: ${displayName(n)}${detail ? `<br/>${detail}` : ""}`);
    const shaped = kind.shape === "cylinder" ? `[(${text})]` : kind.shape === "hexagon" ? `{{${text}}}` : `[${text}]`;
    return `${indent}${ids.get(n.address)}${shaped}`;
  };
  for (const [id, shape] of [...extraNodes].sort()) lines.push(`  ${id}${shape}`);
  for (const vpc of byType("aws_vpc")) {
    const inVpc = subnets.filter((s) => refs(s.body.vpc_id).includes(vpc.address));
    const tiers = [...new Set(inVpc.map(tierOf))].filter((tier) => nodes.some((n) => placement.get(n.address) && tierOf(placement.get(n.address)!) === tier && inVpc.includes(placement.get(n.address)!)));
    if (tiers.length === 0) continue;
    const azs = [...new Set(inVpc.map((s) => literal(s.body.availability_zone)).filter(Boolean))].sort();
    const vpcId = `grp_${mermaidId(vpc.path)}`;
    lines.push(`  subgraph ${vpcId}[${quote(`VPC ${attr(vpc, "cidr_block") ?? displayName(vpc)}${azs.length ? ` · ${azs.join(", ")}` : ""}`)}]`);
    for (const tier of tiers) {
      const tierSubnets = inVpc.filter((s) => tierOf(s) === tier);
      const cidrs = tierSubnets.map((s) => attr(s, "cidr_block")).filter(Boolean).join(", ");
      lines.push(`    subgraph ${vpcId}__${mermaidId(tier)}[${quote(`${tier} subnets${cidrs ? `<br/>${cidrs}` : ""}`)}]`);
      for (const n of nodes.filter((x) => tierSubnets.includes(placement.get(x.address)!))) lines.push(nodeLine(n, "      "));
      lines.push("    end");
    }
    lines.push("  end");
  }
  const placed = new Set([...placement.keys()].filter((a) => byType("aws_vpc").some((v) => refs(placement.get(a)!.body.vpc_id).includes(v.address))));
  for (const n of nodes.filter((x) => !placed.has(x.address))) lines.push(nodeLine(n, "  "));

  const nodeId = (a: string) => ids.get(a) ?? a;
  const rendered = [...edges.values()]
    .map((e) => ({ from: nodeId(e.from), to: nodeId(e.to), undirected: e.undirected, label: e.labels.join("<br/>") }))
    .sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
  for (const e of rendered) {
    const arrow = e.undirected ? "---" : "-->";
    lines.push(`  ${e.from} ${arrow}${e.label ? `|${quote(e.label)}|` : ""} ${e.to}`);
  }
  return { mermaid: `${lines.join("\n")}\n`, nodes: ids, edges: rendered.map(({ from, to, label }) => ({ from, to, label })) };
}

/** The diagram as a Markdown document (what `plans/<env>/diagram.md` holds). */
export function diagramMarkdown(stack: Stack): string {
  return [`# Stack \`${stack.name}\``, "", "Generated from the synthesized stack by scripts/diagram.ts.", "", "```mermaid", generateDiagram(stack).mermaid.trimEnd(), "```", ""].join("\n");
}
