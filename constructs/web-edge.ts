import { CloudfrontDistribution, CloudfrontDistributionOrderedCacheBehavior, CloudfrontDistributionOrigin } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { CloudfrontVpcOrigin } from "@cdktf/provider-aws/lib/cloudfront-vpc-origin";
import { Construct } from "constructs";

/**
 * AWS-managed CloudFront policies (fixed ids, the same in every account; CloudFront developer
 * guide "Use managed cache policies" / "Use managed origin request policies").
 */
export const MANAGED_POLICY_IDS = {
  /** Cache policy CachingDisabled: nothing is cached (TTL 0). */
  cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
  /** Cache policy CachingOptimized: cache by path only, gzip/brotli, TTL 1 s to 1 year (default 1 day). */
  cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  /**
   * Origin request policy AllViewerAndCloudFrontHeaders-2022-06: every viewer header (Host included),
   * every cookie and query string, plus CloudFront-Forwarded-Proto, CloudFront-Viewer-Address, ...
   */
  allViewerAndCloudFrontHeaders: "33f36d7e-f396-46d9-90e0-52428a34d9dc",
} as const;

/**
 * Headers CloudFront adds to every request it sends to the origin, overwriting any copy the viewer
 * sent. Every viewer is on HTTPS (HTTP is redirected at the edge before reaching the origin), so
 * `X-Forwarded-Proto: https` is always true. It is an origin custom header because CloudFront
 * Functions and Lambda@Edge may not set X-Forwarded-Proto (a "disallowed header" for edge
 * functions), while origin custom headers may.
 */
export const ORIGIN_REQUEST_HEADERS: Readonly<Record<string, string>> = { "X-Forwarded-Proto": "https" };

/**
 * The web app's TRUST_PROXY behind the edge: `true`. The instance's security group admits only
 * CloudFront on the app port (origin-facing prefix list), so every peer is CloudFront and its
 * X-Forwarded-Proto is trustworthy. CloudFront's own addresses are not known offline (the prefix
 * list's CIDRs change), so a CIDR list is not an option. Caveat for the app: with `true`, fastify's
 * request.ip is the left-most X-Forwarded-For entry, which the viewer controls; CloudFront appends
 * the real viewer address as the right-most entry and sends it in CloudFront-Viewer-Address.
 */
export const TRUST_PROXY_BEHIND_EDGE = "true";

/** Every HTTP method the app's API uses. */
const ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"];
const READ_METHODS = ["GET", "HEAD"];
const ORIGIN_ID = "web";

/** How CloudFront reaches the web server. */
export type WebEdgeOrigin =
  /** Over the internet to the instance's public DNS name (its security group admits only CloudFront). */
  | { readonly kind: "public"; readonly domainName: string }
  /** Through a CloudFront VPC origin to an instance in a private subnet. */
  | { readonly kind: "vpc"; readonly instanceArn: string; readonly privateDnsName: string };

export interface WebEdgeProps {
  /** Name prefix, e.g. "webplatform-dev-web". */
  readonly name: string;
  readonly origin: WebEdgeOrigin;
  /** The web app's HTTP port on the instance. Default 8080. */
  readonly appPort?: number;
  /** Default "PriceClass_100" (North America, Europe, Israel). */
  readonly priceClass?: string;
  /** Custom host names and their issued ACM certificate (us-east-1). Default: `*.cloudfront.net` only. */
  readonly domain?: { readonly names: readonly string[]; readonly certificateArn: string };
  /** HSTS max-age in seconds, at least one year. Default two years. */
  readonly hstsMaxAgeSeconds?: number;
  /** HSTS preload directive. Default false. */
  readonly hstsPreload?: boolean;
  /** ARN of a CLOUDFRONT-scope WAF web ACL. Default: none. */
  readonly webAclArn?: string;
  /** Path pattern of the app's static assets, cached at the edge. Default "/static/*". */
  readonly staticPathPattern?: string;
}

const ONE_YEAR = 31_536_000;

/**
 * A CloudFront distribution in front of the web app: HTTPS for every viewer (HTTP is redirected),
 * TLSv1.2_2021 with a custom certificate, nothing cached except static assets, security headers
 * on every response, and `X-Forwarded-Proto: https` on every origin request.
 */
export class WebEdge extends Construct {
  readonly distribution: CloudfrontDistribution;
  readonly responseHeadersPolicy: CloudfrontResponseHeadersPolicy;
  readonly vpcOrigin?: CloudfrontVpcOrigin;
  /** The app's public URL: https:// and the first custom name, or the distribution's domain name. */
  readonly url: string;
  /** The web app's TRUST_PROXY value behind this edge (see TRUST_PROXY_BEHIND_EDGE). */
  readonly trustProxy = TRUST_PROXY_BEHIND_EDGE;

  constructor(scope: Construct, id: string, props: WebEdgeProps) {
    super(scope, id);
    const appPort = props.appPort ?? 8080;
    const maxAge = props.hstsMaxAgeSeconds ?? 2 * ONE_YEAR;
    if (!Number.isInteger(maxAge) || maxAge < ONE_YEAR) throw new Error(`WebEdge ${props.name}: hstsMaxAgeSeconds must be an integer >= ${ONE_YEAR} (one year), got ${maxAge}`);

    this.responseHeadersPolicy = new CloudfrontResponseHeadersPolicy(this, "security-headers", {
      name: `${props.name}-security-headers`,
      comment: `Security headers of ${props.name}`,
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: maxAge, includeSubdomains: true, preload: props.hstsPreload ?? false, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: "DENY", override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        // The app's own Content-Security-Policy, when it sends one, wins (it knows its scripts).
        contentSecurityPolicy: { contentSecurityPolicy: "frame-ancestors 'none'", override: false },
      },
    });

    const customHeader = Object.entries(ORIGIN_REQUEST_HEADERS).map(([name, value]) => ({ name, value }));
    let origin: CloudfrontDistributionOrigin;
    if (props.origin.kind === "vpc") {
      this.vpcOrigin = new CloudfrontVpcOrigin(this, "vpc-origin", {
        vpcOriginEndpointConfig: [
          {
            name: props.name,
            arn: props.origin.instanceArn,
            httpPort: appPort,
            httpsPort: 443,
            // Private traffic inside the VPC; the app speaks plain HTTP (TLS ends at the edge).
            originProtocolPolicy: "http-only",
            originSslProtocols: [{ items: ["TLSv1.2"], quantity: 1 }],
          },
        ],
      });
      origin = {
        originId: ORIGIN_ID,
        domainName: props.origin.privateDnsName,
        customHeader,
        vpcOriginConfig: { vpcOriginId: this.vpcOrigin.id, originReadTimeout: 60, originKeepaliveTimeout: 5 },
      };
    } else {
      origin = {
        originId: ORIGIN_ID,
        domainName: props.origin.domainName,
        customHeader,
        customOriginConfig: {
          httpPort: appPort,
          httpsPort: 443,
          originProtocolPolicy: "http-only",
          originSslProtocols: ["TLSv1.2"],
          originReadTimeout: 60,
          originKeepaliveTimeout: 5,
        },
      };
    }

    const dynamic = {
      targetOriginId: ORIGIN_ID,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ALL_METHODS,
      cachedMethods: READ_METHODS,
      cachePolicyId: MANAGED_POLICY_IDS.cachingDisabled,
      originRequestPolicyId: MANAGED_POLICY_IDS.allViewerAndCloudFrontHeaders,
      responseHeadersPolicyId: this.responseHeadersPolicy.id,
      compress: true,
    };
    const orderedCacheBehavior: CloudfrontDistributionOrderedCacheBehavior[] = [
      { ...dynamic, pathPattern: "/api/*" },
      {
        pathPattern: props.staticPathPattern ?? "/static/*",
        targetOriginId: ORIGIN_ID,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: READ_METHODS,
        cachedMethods: READ_METHODS,
        cachePolicyId: MANAGED_POLICY_IDS.cachingOptimized,
        responseHeadersPolicyId: this.responseHeadersPolicy.id,
        compress: true,
      },
    ];

    this.distribution = new CloudfrontDistribution(this, "distribution", {
      enabled: true,
      comment: `Web app ${props.name}`,
      isIpv6Enabled: true,
      httpVersion: "http2and3",
      priceClass: props.priceClass ?? "PriceClass_100",
      aliases: props.domain ? [...props.domain.names] : undefined,
      webAclId: props.webAclArn,
      origin: [origin],
      // HTML pages and everything else: not cached, cookies and headers forwarded.
      defaultCacheBehavior: dynamic,
      orderedCacheBehavior,
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: props.domain
        ? { acmCertificateArn: props.domain.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
        : { cloudfrontDefaultCertificate: true },
      tags: { Name: props.name },
    });

    this.url = `https://${props.domain ? props.domain.names[0] : this.distribution.domainName}`;
  }

  get domainName(): string {
    return this.distribution.domainName;
  }

  get arn(): string {
    return this.distribution.arn;
  }

  /** Route 53 hosted zone of CloudFront domain names (for alias records). */
  get hostedZoneId(): string {
    return this.distribution.hostedZoneId;
  }
}
