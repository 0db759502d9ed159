import { diagramMarkdown, generateDiagram } from "../../scripts/diagram";
import { loadStack, StackJson } from "../../scripts/stack-json";
import { fixtureJson, profileFlowStack } from "./fixtures";

const edge = (from: string, to: string) => (e: { from: string; to: string }) => e.from === from && e.to === to;

describe("diagram of a stack with the web tier and the profile flow", () => {
  const diagram = generateDiagram(profileFlowStack());
  const labelOf = (from: string, to: string) => diagram.edges.find(edge(from, to))?.label;

  it("has one node per EC2, EBS, RDS, S3, Lambda, DynamoDB and SQS resource, named by construct path", () => {
    expect([...diagram.nodes.values()].sort()).toEqual([
      "database_instance",
      "fn_dead_letter_queue",
      "fn_function",
      "profiles_table",
      "uploads_bucket",
      "web_data_volume",
      "web_instance",
    ]);
    expect(diagram.mermaid).toContain('web_instance["EC2: demo-web<br/>t4g.micro"]');
    expect(diagram.mermaid).toContain('database_instance[("RDS: demo-postgres<br/>postgres 16, db.t4g.micro")]');
    expect(diagram.mermaid).toContain('uploads_bucket[("S3: demo-uploads-*")]');
    expect(diagram.mermaid).toContain('fn_function["Lambda: demo-fn<br/>nodejs22.x arm64"]');
  });

  it("derives web -> S3 and web -> RDS from the role's grants (via instance profile and launch template) and the security groups", () => {
    expect(labelOf("web_instance", "uploads_bucket")).toBe("GetObject<br/>PutObject");
    expect(labelOf("web_instance", "database_instance")).toBe("GetSecretValue<br/>5432/tcp");
    expect(labelOf("internet", "web_instance")).toBe("443/tcp");
  });

  it("derives S3 -> Lambda from the bucket notification, Lambda -> DynamoDB/S3 from grants, Lambda -> DLQ from grant and destination", () => {
    expect(labelOf("uploads_bucket", "fn_function")).toBe("ObjectCreated, ObjectRemoved profile-pictures/");
    expect(labelOf("fn_function", "profiles_table")).toBe("UpdateItem");
    expect(labelOf("fn_function", "uploads_bucket")).toBe("GetObject profile-pictures/");
    expect(labelOf("fn_function", "fn_dead_letter_queue")).toBe("SendMessage<br/>on failure");
  });

  it("draws no edge from deny statements, environment variables, depends_on or permissions alone", () => {
    expect(diagram.edges.map((e) => `${e.from}->${e.to}`).sort()).toEqual([
      "fn_function->fn_dead_letter_queue",
      "fn_function->profiles_table",
      "fn_function->uploads_bucket",
      "internet->web_instance",
      "uploads_bucket->fn_function",
      "web_instance->database_instance",
      "web_instance->uploads_bucket",
      "web_instance->web_data_volume",
    ]);
    expect(diagram.mermaid).toContain('web_instance ---|"attached /dev/sdf"| web_data_volume');
  });

  it("groups nodes in the VPC by subnet tier; the data volume goes with its instance, serverless nodes stay outside", () => {
    const lines = diagram.mermaid.split("\n");
    const vpc = lines.findIndex((l) => l.includes('subgraph grp_network_vpc["VPC 10.0.0.0/16 · eu-west-1a, eu-west-1b"]'));
    const database = lines.findIndex((l) => l.includes('subgraph grp_network_vpc__database["database subnets<br/>10.0.20.0/24, 10.0.21.0/24"]'));
    const publicTier = lines.findIndex((l) => l.includes('subgraph grp_network_vpc__public["public subnets<br/>10.0.0.0/24"]'));
    expect(vpc).toBeGreaterThan(-1);
    expect(database).toBeGreaterThan(vpc);
    expect(publicTier).toBeGreaterThan(vpc);
    expect(lines[database + 1]).toMatch(/^ {6}database_instance\[/);
    expect(lines.slice(publicTier + 1, publicTier + 3).map((l) => l.trim().split(/[[(]/)[0])).toEqual(["web_data_volume", "web_instance"]);
    expect(lines.find((l) => l.includes("fn_function["))).toMatch(/^ {2}fn_function/);
  });

  it("is deterministic and independent of the order of the JSON", () => {
    const json = fixtureJson<StackJson>("profile-flow.stack.json");
    const reversed = { ...json, resource: Object.fromEntries(Object.entries(json.resource!).reverse()) };
    expect(generateDiagram(loadStack(reversed)).mermaid).toBe(diagram.mermaid);
  });

  it("follows a change in the stack: a second function fed by an SQS event source mapping", () => {
    const json = fixtureJson<any>("profile-flow.stack.json");
    json.resource.aws_lambda_function.other_function_1 = { "//": { metadata: { path: "demo/other/function" } }, function_name: "other", runtime: "nodejs22.x" };
    json.resource.aws_lambda_event_source_mapping = {
      other_mapping_1: { event_source_arn: "${aws_sqs_queue.fn_dead-letter-queue_00000006.arn}", function_name: "${aws_lambda_function.other_function_1.arn}" },
    };
    const changed = generateDiagram(loadStack(json));
    expect(changed.edges.find(edge("fn_dead_letter_queue", "other_function"))?.label).toBe("event source");
  });

  it("renders a Markdown document with a mermaid block", () => {
    const md = diagramMarkdown(profileFlowStack());
    expect(md).toMatch(/^# Stack `demo`\n/);
    expect(md).toContain("```mermaid\nflowchart LR\n");
  });
});

describe("diagram of the edge", () => {
  const meta = (path: string) => ({ "//": { metadata: { path: `edge/${path}` } } });
  const withEdge = (origin: Record<string, unknown>, extra: Record<string, Record<string, object>> = {}): StackJson =>
    ({
      "//": { metadata: { stackName: "edge" } },
      resource: {
        aws_instance: { web: { ...meta("web"), instance_type: "t4g.micro" } },
        aws_wafv2_web_acl: { waf: { ...meta("waf"), name: "edge-web", scope: "CLOUDFRONT" } },
        aws_cloudfront_distribution: { cdn: { ...meta("cdn"), comment: "web", price_class: "PriceClass_100", web_acl_id: "${aws_wafv2_web_acl.waf.arn}", origin: [origin] } },
        ...extra,
      },
    }) as unknown as StackJson;

  it("draws viewers -> CloudFront -> the instance its origin names, and the WAF web ACL", () => {
    const d = generateDiagram(loadStack(withEdge({ origin_id: "web", domain_name: "${aws_instance.web.public_dns}", custom_origin_config: { http_port: 8080 } })));
    expect(d.edges.filter((e) => ["internet", "cdn", "waf"].includes(e.from))).toEqual([
      { from: "cdn", to: "web", label: "HTTP 8080" },
      { from: "internet", to: "cdn", label: "HTTPS" },
      { from: "waf", to: "cdn", label: "web ACL" },
    ]);
  });

  it("follows a VPC origin to its instance", () => {
    const vpcOrigin = { aws_cloudfront_vpc_origin: { vo: { ...meta("vo"), vpc_origin_endpoint_config: [{ arn: "${aws_instance.web.arn}", http_port: 8080 }] } } };
    const d = generateDiagram(loadStack(withEdge({ origin_id: "web", domain_name: "${aws_instance.web.private_dns}", vpc_origin_config: { vpc_origin_id: "${aws_cloudfront_vpc_origin.vo.id}" } }, vpcOrigin)));
    expect(d.edges.find(edge("cdn", "web"))?.label).toBe("VPC origin<br/>HTTP 8080");
  });
});
