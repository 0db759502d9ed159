import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudfrontVpcOrigin } from "@cdktf/provider-aws/lib/cloudfront-vpc-origin";
import { MANAGED_POLICY_IDS, WebEdge, WebEdgeProps } from "../../constructs/web-edge";
import { onlyResource, resourcesOf, synthConstructs } from "../support/synth";

const publicOrigin: WebEdgeProps = { name: "test-web", origin: { kind: "public", domainName: "ec2-203-0-113-10.eu-west-1.compute.amazonaws.com" } };
const vpcOrigin: WebEdgeProps = {
  name: "test-web",
  origin: { kind: "vpc", instanceArn: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0", privateDnsName: "ip-10-20-10-5.eu-west-1.compute.internal" },
};
const synth = (props: WebEdgeProps) => {
  let edge: WebEdge | undefined;
  const out = synthConstructs((scope) => (edge = new WebEdge(scope, "edge", props)));
  return { ...out, edge: edge!, cdn: onlyResource(out.tf, "aws_cloudfront_distribution") };
};

describe("WebEdge", () => {
  const { json, tf, cdn, edge } = synth(publicOrigin);
  const behaviours = [cdn.default_cache_behavior, ...cdn.ordered_cache_behavior];

  it("serves every path over HTTPS only: HTTP is redirected on every cache behaviour", () => {
    expect(behaviours.map((b) => b.viewer_protocol_policy)).toEqual(["redirect-to-https", "redirect-to-https", "redirect-to-https"]);
  });

  it("uses the default *.cloudfront.net certificate when no domain is configured, and its URL", () => {
    expect(cdn.viewer_certificate).toEqual({ cloudfront_default_certificate: true });
    expect(cdn).not.toHaveProperty("aliases");
    expect(edge.url).toMatch(/^https:\/\/\$\{TfToken/);
  });

  it("caches nothing for HTML and /api/*, forwarding cookies, query strings and headers; caches /static/*", () => {
    expect(cdn.default_cache_behavior).toMatchObject({
      cache_policy_id: MANAGED_POLICY_IDS.cachingDisabled,
      origin_request_policy_id: MANAGED_POLICY_IDS.allViewerAndCloudFrontHeaders,
      allowed_methods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
    });
    const [api, assets] = cdn.ordered_cache_behavior;
    expect(api).toMatchObject({ path_pattern: "/api/*", cache_policy_id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", origin_request_policy_id: "33f36d7e-f396-46d9-90e0-52428a34d9dc" });
    expect(assets).toMatchObject({ path_pattern: "/static/*", cache_policy_id: "658327ea-f89d-4fab-a63d-7e88639e58f6", allowed_methods: ["GET", "HEAD"], compress: true });
    expect(assets).not.toHaveProperty("origin_request_policy_id");
  });

  it("adds HSTS (2 years, subdomains), nosniff, DENY framing, frame-ancestors 'none' and a referrer policy to every response", () => {
    expect(json).toHaveResourceWithProperties(CloudfrontResponseHeadersPolicy, {
      security_headers_config: {
        strict_transport_security: { access_control_max_age_sec: 63072000, include_subdomains: true, preload: false, override: true },
        content_type_options: { override: true },
        frame_options: { frame_option: "DENY", override: true },
        referrer_policy: { referrer_policy: "strict-origin-when-cross-origin", override: true },
        content_security_policy: { content_security_policy: "frame-ancestors 'none'", override: false },
      },
    });
    const policy = Object.keys(resourcesOf(tf, "aws_cloudfront_response_headers_policy"))[0];
    for (const b of behaviours) expect(b.response_headers_policy_id).toBe(`\${aws_cloudfront_response_headers_policy.${policy}.id}`);
    expect(() => synth({ ...publicOrigin, hstsMaxAgeSeconds: 86400 })).toThrow(/hstsMaxAgeSeconds must be an integer >= 31536000/);
    expect(onlyResource(synth({ ...publicOrigin, hstsPreload: true }).tf, "aws_cloudfront_response_headers_policy").security_headers_config.strict_transport_security.preload).toBe(true);
  });

  it("tells the origin that the viewer used HTTPS, over plain HTTP to the app port (default 8080)", () => {
    expect(cdn.origin).toEqual([
      {
        origin_id: "web",
        domain_name: publicOrigin.origin.kind === "public" && publicOrigin.origin.domainName,
        custom_header: [{ name: "X-Forwarded-Proto", value: "https" }],
        custom_origin_config: {
          http_port: 8080,
          https_port: 443,
          origin_protocol_policy: "http-only",
          origin_ssl_protocols: ["TLSv1.2"],
          origin_read_timeout: 60,
          origin_keepalive_timeout: 5,
        },
      },
    ]);
    expect(edge.trustProxy).toBe("true");
    expect(synth({ ...publicOrigin, appPort: 3000 }).cdn.origin[0].custom_origin_config.http_port).toBe(3000);
  });

  it("has no web ACL unless one is given", () => {
    expect(cdn).not.toHaveProperty("web_acl_id");
    expect(synth({ ...publicOrigin, webAclArn: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1" }).cdn.web_acl_id).toBe("arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1");
  });
});

describe("WebEdge with a VPC origin", () => {
  const { json, tf, cdn } = synth(vpcOrigin);

  it("reaches the private instance through a CloudFront VPC origin on the app port", () => {
    expect(json).toHaveResourceWithProperties(CloudfrontVpcOrigin, {
      vpc_origin_endpoint_config: [
        {
          name: "test-web",
          arn: "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0",
          http_port: 8080,
          https_port: 443,
          origin_protocol_policy: "http-only",
          origin_ssl_protocols: [{ items: ["TLSv1.2"], quantity: 1 }],
        },
      ],
    });
    const vpcOriginId = Object.keys(resourcesOf(tf, "aws_cloudfront_vpc_origin"))[0];
    expect(cdn.origin).toEqual([
      {
        origin_id: "web",
        domain_name: "ip-10-20-10-5.eu-west-1.compute.internal",
        custom_header: [{ name: "X-Forwarded-Proto", value: "https" }],
        vpc_origin_config: { vpc_origin_id: `\${aws_cloudfront_vpc_origin.${vpcOriginId}.id}`, origin_read_timeout: 60, origin_keepalive_timeout: 5 },
      },
    ]);
    expect(cdn.origin[0]).not.toHaveProperty("custom_origin_config");
  });
});

describe("WebEdge with a custom domain", () => {
  const certificateArn = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-4567-89ab-0123456789ab";
  const { cdn, edge } = synth({ ...publicOrigin, domain: { names: ["app.example.com", "www.example.com"], certificateArn } });

  it("serves the names with the certificate over SNI and TLSv1.2_2021, and its URL is the first name", () => {
    expect(cdn.aliases).toEqual(["app.example.com", "www.example.com"]);
    expect(cdn.viewer_certificate).toEqual({ acm_certificate_arn: certificateArn, ssl_support_method: "sni-only", minimum_protocol_version: "TLSv1.2_2021" });
    expect(edge.url).toBe("https://app.example.com");
  });
});
