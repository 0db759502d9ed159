import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Wafv2WebAcl, Wafv2WebAclRule } from "@cdktf/provider-aws/lib/wafv2-web-acl";
import { Construct } from "constructs";
import { pascalCase } from "./names";

export interface EdgeWebAclProps {
  /** Name of the web ACL and prefix of its metric names, e.g. "webplatform-prod-web". */
  readonly name: string;
  /** An AWS provider for us-east-1: CLOUDFRONT-scope web ACLs live there. */
  readonly provider: AwsProvider;
  /** Requests to `POST <loginPath>` allowed per client IP in any 5-minute window; then blocked. */
  readonly loginRateLimitPer5Minutes: number;
  /** Default "/api/login". */
  readonly loginPath?: string;
}

/**
 * Rules of the AWS managed common rule set that would break the app, switched to Count: the set
 * blocks request bodies over 8 KB, and the app accepts multipart uploads up to 100 MiB.
 */
export const COMMON_RULE_SET_COUNT_ONLY = ["SizeRestrictions_BODY"];

/**
 * An AWS WAF web ACL for a CloudFront distribution: the AWS managed common rule set (OWASP-style
 * protections) and a rate limit on POST to the login route, per client IP. Everything else is
 * allowed. Metrics and sampled requests are on for every rule.
 */
export class EdgeWebAcl extends Construct {
  readonly webAcl: Wafv2WebAcl;

  constructor(scope: Construct, id: string, props: EdgeWebAclProps) {
    super(scope, id);
    const metric = (rule: string) => ({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${pascalCase(props.name)}${rule}` });
    const exactly = (fieldToMatch: Record<string, object>, searchString: string) => ({
      byte_match_statement: {
        field_to_match: fieldToMatch,
        positional_constraint: "EXACTLY",
        search_string: searchString,
        text_transformation: [{ priority: 0, type: "NONE" }],
      },
    });
    const rules: Wafv2WebAclRule[] = [
      {
        name: "aws-common-rule-set",
        priority: 0,
        overrideAction: { none: {} },
        // Statements are written as Terraform's own (snake_case) blocks: the provider types them as `any`.
        statement: {
          managed_rule_group_statement: {
            vendor_name: "AWS",
            name: "AWSManagedRulesCommonRuleSet",
            rule_action_override: COMMON_RULE_SET_COUNT_ONLY.map((name) => ({ name, action_to_use: { count: {} } })),
          },
        },
        visibilityConfig: metric("CommonRuleSet"),
      },
      {
        name: "login-rate-limit",
        priority: 1,
        action: { block: {} },
        statement: {
          rate_based_statement: {
            limit: props.loginRateLimitPer5Minutes,
            aggregate_key_type: "IP",
            evaluation_window_sec: 300,
            scope_down_statement: {
              and_statement: {
                statement: [exactly({ method: {} }, "POST"), exactly({ uri_path: {} }, props.loginPath ?? "/api/login")],
              },
            },
          },
        },
        visibilityConfig: metric("LoginRateLimit"),
      },
    ];
    this.webAcl = new Wafv2WebAcl(this, "web-acl", {
      provider: props.provider,
      name: props.name,
      description: `Edge protection of ${props.name}: AWS common rule set, login rate limit`,
      scope: "CLOUDFRONT",
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: metric("WebAcl"),
      tags: { Name: props.name },
    });
  }

  get arn(): string {
    return this.webAcl.arn;
  }
}
