import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import dev from "../environments/dev";
import prod from "../environments/prod";
import { EnvironmentConfig } from "../environments/config";
import { idOf, onlyResource, ref, resourcesOf, synthEnvironment } from "./support/synth";

// Each stack is synthesized once for the whole file.
const devStack = synthEnvironment(dev);
const prodStack = synthEnvironment(prod);
const both = [
  ["dev", devStack],
  ["prod", prodStack],
] as const;

describe.each(both)("%s edge", (_name, s) => {
  const cdn = onlyResource(s.tf, "aws_cloudfront_distribution");

  it("puts CloudFront in front of the web app: HTTPS for viewers, the default certificate, web_url https://", () => {
    expect(s.json).toHaveResourceWithProperties(CloudfrontDistribution, {
      enabled: true,
      price_class: "PriceClass_100",
      viewer_certificate: { cloudfront_default_certificate: true },
      default_cache_behavior: expect.objectContaining({ viewer_protocol_policy: "redirect-to-https" }),
    });
    expect(cdn.ordered_cache_behavior.map((b: { path_pattern: string }) => b.path_pattern)).toEqual(["/api/*", "/static/*"]);
    expect(s.tf.output?.web_url.value).toBe(`https://${ref("aws_cloudfront_distribution", idOf(s.tf, "aws_cloudfront_distribution", "edge/distribution"), "domain_name")}`);
    expect(cdn.origin[0].custom_header).toEqual([{ name: "X-Forwarded-Proto", value: "https" }]);
    expect(s.stack.trustProxy).toBe("true");
    expect(s.stack.edge.trustProxy).toBe(s.stack.trustProxy);
  });

  it("lets only CloudFront's origin-facing prefix list reach the web server, on the app port 8080 only", () => {
    const webGroup = Object.keys(resourcesOf(s.tf, "aws_security_group")).find((id) => id.startsWith("web_"))!;
    const ingress = Object.values(resourcesOf(s.tf, "aws_vpc_security_group_ingress_rule")).filter((r) => r.security_group_id === ref("aws_security_group", webGroup));
    expect(ingress).toEqual([expect.objectContaining({ ip_protocol: "tcp", from_port: 8080, to_port: 8080, prefix_list_id: "pl-4fa04526" })]);
    expect(s.json).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv4: "0.0.0.0/0" });
    expect(s.json).not.toHaveResourceWithProperties(VpcSecurityGroupIngressRule, { cidr_ipv6: "::/0" });
  });
});

describe("dev: a public origin without NAT, no WAF, no access logs", () => {
  const template = onlyResource(devStack.tf, "aws_launch_template");
  const cdn = onlyResource(devStack.tf, "aws_cloudfront_distribution");

  it("keeps the web server in a public subnet with a public IPv4 address (it reaches AWS APIs without NAT)", () => {
    expect(template.network_interfaces[0]).toMatchObject({
      associate_public_ip_address: "true",
      subnet_id: ref("aws_subnet", idOf(devStack.tf, "aws_subnet", "network/public-a")),
    });
  });

  it("reaches the instance over its public DNS name on port 8080, with no VPC origin", () => {
    const instance = idOf(devStack.tf, "aws_instance", "web/instance");
    expect(cdn.origin[0]).toMatchObject({ domain_name: ref("aws_instance", instance, "public_dns"), custom_origin_config: { http_port: 8080, origin_protocol_policy: "http-only" } });
    expect(resourcesOf(devStack.tf, "aws_cloudfront_vpc_origin")).toEqual({});
  });

  it("has no WAF and no access logs (its us-east-1 provider carries only the edge's 5xx alarm)", () => {
    expect(cdn).not.toHaveProperty("web_acl_id");
    for (const type of ["aws_wafv2_web_acl", "aws_cloudwatch_log_delivery_source", "aws_cloudwatch_log_delivery", "aws_acm_certificate"]) {
      expect(resourcesOf(devStack.tf, type)).toEqual({});
    }
    expect(devStack.tf.provider.aws.map((p) => p.alias ?? "default")).toEqual(["default", "us_east_1"]);
    const inUsEast1 = Object.entries(devStack.tf.resource).flatMap(([type, byId]) =>
      Object.values(byId).filter((r) => (r as { provider?: string }).provider === "aws.us_east_1").map(() => type),
    );
    expect([...new Set(inUsEast1)].sort()).toEqual(["aws_cloudwatch_metric_alarm", "aws_kms_alias", "aws_kms_key", "aws_sns_topic", "aws_sns_topic_policy"]);
  });
});

describe("prod: a private origin through a VPC origin, behind WAF, with access logs", () => {
  const template = onlyResource(prodStack.tf, "aws_launch_template");
  const cdn = onlyResource(prodStack.tf, "aws_cloudfront_distribution");
  const instance = idOf(prodStack.tf, "aws_instance", "web/instance");

  it("puts the web server in a private subnet (NAT per AZ) without a public address", () => {
    expect(template.network_interfaces[0]).toMatchObject({
      associate_public_ip_address: "false",
      subnet_id: ref("aws_subnet", idOf(prodStack.tf, "aws_subnet", "network/private-a")),
    });
  });

  it("reaches the instance through a CloudFront VPC origin on port 8080", () => {
    expect(onlyResource(prodStack.tf, "aws_cloudfront_vpc_origin").vpc_origin_endpoint_config[0]).toMatchObject({
      arn: ref("aws_instance", instance, "arn"),
      http_port: 8080,
      origin_protocol_policy: "http-only",
    });
    expect(cdn.origin[0]).toMatchObject({
      domain_name: ref("aws_instance", instance, "private_dns"),
      vpc_origin_config: { vpc_origin_id: ref("aws_cloudfront_vpc_origin", idOf(prodStack.tf, "aws_cloudfront_vpc_origin", "edge/vpc-origin")) },
    });
  });

  it("protects the distribution with a CLOUDFRONT web ACL created through the us-east-1 provider", () => {
    const acl = idOf(prodStack.tf, "aws_wafv2_web_acl", "edge-waf/web-acl");
    expect(cdn.web_acl_id).toBe(ref("aws_wafv2_web_acl", acl, "arn"));
    expect(prodStack.json).toHaveResourceWithProperties(Wafv2WebAcl, { scope: "CLOUDFRONT", provider: "aws.us_east_1" });
    expect(prodStack.json).toHaveProviderWithProperties(AwsProvider, {
      alias: "us_east_1",
      region: "us-east-1",
      default_tags: [{ tags: { Project: "webplatform", Environment: "prod", ManagedBy: "cdktf" } }],
    });
  });

  it("delivers CloudFront access logs to a log group in us-east-1 kept as long as the environment's logs", () => {
    const source = onlyResource(prodStack.tf, "aws_cloudwatch_log_delivery_source");
    expect(source).toMatchObject({ log_type: "ACCESS_LOGS", resource_arn: ref("aws_cloudfront_distribution", idOf(prodStack.tf, "aws_cloudfront_distribution", "edge/distribution"), "arn"), provider: "aws.us_east_1" });
    const group = resourcesOf(prodStack.tf, "aws_cloudwatch_log_group")[idOf(prodStack.tf, "aws_cloudwatch_log_group", "edge-logs/log-group")];
    expect(group).toMatchObject({ retention_in_days: 365, provider: "aws.us_east_1" });
  });
});

describe("the us-east-1 provider offline and with a custom domain", () => {
  it("gets the OFFLINE_PLAN settings like the main provider", () => {
    const offline = synthEnvironment(prod, { offline: true });
    const alias = offline.tf.provider.aws.find((p) => p.alias === "us_east_1");
    expect(alias).toMatchObject({ region: "us-east-1", access_key: "offline-plan", skip_credentials_validation: true, skip_requesting_account_id: true });
  });

  it("serves a custom domain with an existing certificate, and web_url names it", () => {
    const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab";
    const env: EnvironmentConfig = { ...dev, edge: { ...dev.edge, domain: { names: ["app.example.com"], certificateArn } } };
    const s = synthEnvironment(env);
    expect(onlyResource(s.tf, "aws_cloudfront_distribution")).toMatchObject({
      aliases: ["app.example.com"],
      viewer_certificate: { acm_certificate_arn: certificateArn, minimum_protocol_version: "TLSv1.2_2021", ssl_support_method: "sni-only" },
    });
    expect(s.tf.output?.web_url.value).toBe("https://app.example.com");
    expect(resourcesOf(s.tf, "aws_acm_certificate")).toEqual({});
  });

  it("creates and DNS-validates a certificate in a Route 53 zone, and points the names at the distribution", () => {
    const env: EnvironmentConfig = { ...dev, edge: { ...dev.edge, domain: { names: ["app.example.com"], hostedZoneId: "Z0123456789ABCDEFGHIJ" } } };
    const s = synthEnvironment(env);
    const validation = idOf(s.tf, "aws_acm_certificate_validation", "edge-certificate/validation");
    expect(onlyResource(s.tf, "aws_cloudfront_distribution").viewer_certificate.acm_certificate_arn).toBe(ref("aws_acm_certificate_validation", validation, "certificate_arn"));
    expect(onlyResource(s.tf, "aws_acm_certificate")).toMatchObject({ domain_name: "app.example.com", provider: "aws.us_east_1" });
    const aliases = Object.values(resourcesOf(s.tf, "aws_route53_record")).filter((r) => r.alias !== undefined);
    expect(aliases.map((r) => [r.name, r.type, r.zone_id])).toEqual([
      ["app.example.com", "A", "Z0123456789ABCDEFGHIJ"],
      ["app.example.com", "AAAA", "Z0123456789ABCDEFGHIJ"],
    ]);
  });
});
