import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2WebAcl } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Construct } from "constructs";
import { EdgeAccessLogs } from "../../constructs/edge-access-logs";
import { EdgeCertificate } from "../../constructs/edge-certificate";
import { EdgeWebAcl } from "../../constructs/edge-web-acl";
import { onlyResource, ref, resourcesOf, synthConstructs } from "../support/synth";

const usEast1 = (scope: Construct) => new AwsProvider(scope, "us-east-1", { region: "us-east-1", alias: "us_east_1" });

describe("EdgeWebAcl", () => {
  const { json, tf } = synthConstructs((scope) => new EdgeWebAcl(scope, "waf", { name: "test-web", provider: usEast1(scope), loginRateLimitPer5Minutes: 100 }));
  const acl = onlyResource(tf, "aws_wafv2_web_acl");

  it("is a CLOUDFRONT-scope web ACL in us-east-1 that allows by default", () => {
    expect(json).toHaveResourceWithProperties(Wafv2WebAcl, { name: "test-web", scope: "CLOUDFRONT", default_action: { allow: {} }, provider: "aws.us_east_1" });
    expect(acl.visibility_config).toEqual({ cloudwatch_metrics_enabled: true, sampled_requests_enabled: true, metric_name: "TestWebWebAcl" });
  });

  it("applies the AWS managed common rule set, counting (not blocking) large bodies so uploads work", () => {
    expect(acl.rule[0]).toMatchObject({
      name: "aws-common-rule-set",
      priority: 0,
      override_action: { none: {} },
      statement: {
        managed_rule_group_statement: {
          vendor_name: "AWS",
          name: "AWSManagedRulesCommonRuleSet",
          rule_action_override: [{ name: "SizeRestrictions_BODY", action_to_use: { count: {} } }],
        },
      },
    });
  });

  it("blocks a client IP that POSTs to /api/login more than the limit in 5 minutes", () => {
    expect(acl.rule[1]).toMatchObject({ name: "login-rate-limit", priority: 1, action: { block: {} } });
    const rate = acl.rule[1].statement.rate_based_statement;
    expect(rate).toMatchObject({ limit: 100, aggregate_key_type: "IP", evaluation_window_sec: 300 });
    const [method, path] = rate.scope_down_statement.and_statement.statement.map((s: { byte_match_statement: object }) => s.byte_match_statement);
    expect(method).toEqual({ field_to_match: { method: {} }, positional_constraint: "EXACTLY", search_string: "POST", text_transformation: [{ priority: 0, type: "NONE" }] });
    expect(path).toMatchObject({ field_to_match: { uri_path: {} }, positional_constraint: "EXACTLY", search_string: "/api/login" });
  });
});

describe("EdgeAccessLogs", () => {
  const { json, tf } = synthConstructs((scope) =>
    new EdgeAccessLogs(scope, "logs", { name: "test-web", distributionArn: "arn:aws:cloudfront::123456789012:distribution/E123", provider: usEast1(scope), retentionDays: 365 }),
  );

  it("delivers the distribution's access logs as JSON to a log group in us-east-1 with retention", () => {
    expect(json).toHaveResourceWithProperties(CloudwatchLogGroup, { name: "/aws/cloudfront/test-web", retention_in_days: 365, provider: "aws.us_east_1" });
    expect(json).toHaveResourceWithProperties(CloudwatchLogDeliverySource, { log_type: "ACCESS_LOGS", resource_arn: "arn:aws:cloudfront::123456789012:distribution/E123", provider: "aws.us_east_1" });
    const group = Object.keys(resourcesOf(tf, "aws_cloudwatch_log_group"))[0];
    const destination = onlyResource(tf, "aws_cloudwatch_log_delivery_destination");
    expect(destination).toMatchObject({ output_format: "json", delivery_destination_configuration: [{ destination_resource_arn: ref("aws_cloudwatch_log_group", group, "arn") }] });
    const source = Object.keys(resourcesOf(tf, "aws_cloudwatch_log_delivery_source"))[0];
    expect(onlyResource(tf, "aws_cloudwatch_log_delivery")).toMatchObject({ delivery_source_name: ref("aws_cloudwatch_log_delivery_source", source, "name"), provider: "aws.us_east_1" });
  });
});

describe("EdgeCertificate", () => {
  const { json, tf } = synthConstructs((scope) => {
    const cert = new EdgeCertificate(scope, "cert", { names: ["app.example.com", "www.example.com"], hostedZoneId: "Z0123456789ABCDEFGHIJ", provider: usEast1(scope) });
    cert.pointAt({ domainName: "d111111abcdef8.cloudfront.net", hostedZoneId: "Z2FDTNDATAQYW2" });
  });
  const records = Object.values(resourcesOf(tf, "aws_route53_record"));

  it("requests a DNS-validated certificate for every name in us-east-1", () => {
    expect(json).toHaveResourceWithProperties(AcmCertificate, { domain_name: "app.example.com", subject_alternative_names: ["www.example.com"], validation_method: "DNS", provider: "aws.us_east_1" });
    const validationRecord = records.find((r) => r.for_each !== undefined)!;
    expect(validationRecord).toMatchObject({ zone_id: "Z0123456789ABCDEFGHIJ", name: "${each.value.resource_record_name}", type: "${each.value.resource_record_type}" });
    expect(validationRecord.for_each).toMatch(/domain_validation_options/);
    const validation = onlyResource(tf, "aws_acm_certificate_validation");
    expect(validation.provider).toBe("aws.us_east_1");
    expect(validation.depends_on).toEqual([expect.stringMatching(/^aws_route53_record\./)]);
  });

  it("points A and AAAA alias records of every name at the distribution", () => {
    const aliases = records.filter((r) => r.alias !== undefined).map((r) => [r.name, r.type, r.alias.name, r.alias.zone_id]);
    expect(aliases).toEqual([
      ["app.example.com", "A", "d111111abcdef8.cloudfront.net", "Z2FDTNDATAQYW2"],
      ["app.example.com", "AAAA", "d111111abcdef8.cloudfront.net", "Z2FDTNDATAQYW2"],
      ["www.example.com", "A", "d111111abcdef8.cloudfront.net", "Z2FDTNDATAQYW2"],
      ["www.example.com", "AAAA", "d111111abcdef8.cloudfront.net", "Z2FDTNDATAQYW2"],
    ]);
  });
});
