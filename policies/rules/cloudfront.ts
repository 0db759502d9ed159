import { Block, StackModel, block, blocks, isTrue, referencesIn } from "../model";
import { Rule } from "../types";
import { SKIP, perResource } from "./define";

const DISTRIBUTION = ["aws_cloudfront_distribution"];
const HTTPS_POLICIES = ["https-only", "redirect-to-https"];
/** Viewer TLS policies that allow only TLS 1.2 with strong ciphers, or newer. */
const STRONG_TLS_POLICIES = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

const spec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "CloudFront" });

/** The distribution's cache behaviours, labelled for messages. */
function behaviours(d: Block): { label: string; policy: unknown }[] {
  return [
    { label: "default_cache_behavior", policy: block(d.config.default_cache_behavior).viewer_protocol_policy },
    ...blocks(d.config.ordered_cache_behavior).map((b) => ({ label: `ordered_cache_behavior ${JSON.stringify(b.path_pattern ?? "?")}`, policy: b.viewer_protocol_policy })),
  ];
}

/** Access logs: legacy standard logging to S3, or standard logging v2 (a log delivery whose source is this distribution). */
function logged(d: Block, model: StackModel): boolean {
  if (typeof block(d.config.logging_config).bucket === "string") return true;
  const sources = model
    .all("aws_cloudwatch_log_delivery_source")
    .filter((s) => s.config.log_type === "ACCESS_LOGS" && referencesIn(s.config.resource_arn).includes(d.address));
  return sources.some((s) => model.all("aws_cloudwatch_log_delivery").some((l) => referencesIn(l.config.delivery_source_name).includes(s.address)));
}

export const cloudfrontRules: readonly Rule[] = [
  perResource(
    spec({
      id: "WP-CF-001",
      severity: "error",
      title: "CloudFront serves viewers over HTTPS only (https-only or redirect-to-https on every cache behaviour)",
      explanation: "With allow-all, passwords and session cookies travel in clear text between the browser and the edge.",
      fix: "viewer_protocol_policy = \"redirect-to-https\" on the default and every ordered cache behaviour (WebEdge sets it).",
      checkov: ["CKV_AWS_34"],
      cdkNag: [],
    }),
    DISTRIBUTION,
    (d) => {
      const bad = behaviours(d).filter((b) => !HTTPS_POLICIES.includes(String(b.policy)));
      return bad.length > 0 ? bad.map((b) => `${b.label} has viewer_protocol_policy ${JSON.stringify(b.policy ?? "missing")}`).join("; ") : undefined;
    },
  ),
  perResource(
    spec({
      id: "WP-CF-002",
      severity: "error",
      title: "A CloudFront distribution with its own certificate requires TLSv1.2_2021 or newer",
      explanation: "Older security policies accept TLS 1.0/1.1 and weak ciphers for viewers of the custom domain.",
      fix: "viewer_certificate { minimum_protocol_version = \"TLSv1.2_2021\", ssl_support_method = \"sni-only\" } (WebEdge sets it with a custom domain).",
      checkov: ["CKV_AWS_174"],
      cdkNag: ["AwsSolutions-CFR4"],
    }),
    DISTRIBUTION,
    (d) => {
      const cert = block(d.config.viewer_certificate);
      // The default *.cloudfront.net certificate has a fixed policy that cannot be changed.
      if (isTrue(cert.cloudfront_default_certificate) || (cert.acm_certificate_arn === undefined && cert.iam_certificate_id === undefined)) return SKIP;
      const version = cert.minimum_protocol_version;
      return STRONG_TLS_POLICIES.includes(String(version)) ? undefined : `minimum_protocol_version is ${JSON.stringify(version ?? "TLSv1 (default)")}`;
    },
  ),
  perResource(
    spec({
      id: "WP-CF-003",
      severity: "error",
      title: "CloudFront distributions are protected by an AWS WAF web ACL",
      explanation: "Without WAF the edge forwards injection attempts, bad bots and credential stuffing straight to the app.",
      fix: "Set edge.waf: true (EdgeWebAcl: AWS common rule set and a login rate limit, web_acl_id on the distribution).",
      checkov: ["CKV_AWS_68"],
      cdkNag: ["AwsSolutions-CFR2"],
    }),
    DISTRIBUTION,
    (d) => (typeof d.config.web_acl_id === "string" && d.config.web_acl_id !== "" ? undefined : "no web_acl_id"),
  ),
  perResource(
    spec({
      id: "WP-CF-004",
      severity: "warning",
      title: "CloudFront distributions write access logs",
      explanation: "Without access logs there is no record of who requested what at the edge for incident response.",
      fix: "Set edge.accessLogs: true (EdgeAccessLogs: standard logging v2 to CloudWatch Logs).",
      checkov: ["CKV_AWS_86"],
      cdkNag: ["AwsSolutions-CFR3"],
    }),
    DISTRIBUTION,
    (d, model) => (logged(d, model) ? undefined : "no logging_config and no log delivery of its ACCESS_LOGS"),
  ),
];
