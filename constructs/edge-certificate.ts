import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";

export interface EdgeCertificateProps {
  /** Host names the certificate covers; the first is its subject. */
  readonly names: readonly string[];
  /** Route 53 public hosted zone that holds the names (validation and alias records go there). */
  readonly hostedZoneId: string;
  /** An AWS provider for us-east-1: CloudFront only uses certificates from there. */
  readonly provider: AwsProvider;
}

/**
 * An ACM certificate for a CloudFront distribution's custom names, created in us-east-1 and
 * validated through DNS records in a Route 53 zone (renewed automatically while the records stay).
 * `certificateArn` is available only once the certificate is issued, so a distribution that uses
 * it waits for validation. `pointAt` adds the alias records that send the names to the distribution.
 */
export class EdgeCertificate extends Construct {
  readonly certificate: AcmCertificate;
  readonly validation: AcmCertificateValidation;

  constructor(scope: Construct, id: string, private readonly props: EdgeCertificateProps) {
    super(scope, id);
    const [subject, ...alternatives] = props.names;
    this.certificate = new AcmCertificate(this, "certificate", {
      provider: props.provider,
      domainName: subject,
      subjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
      validationMethod: "DNS",
      keyAlgorithm: "EC_prime256v1",
      lifecycle: { createBeforeDestroy: true },
      tags: { Name: subject },
    });
    // One record per distinct validation name (a wildcard and its apex share one).
    const options = TerraformIterator.fromComplexList(this.certificate.domainValidationOptions, "domain_name");
    const records = new Route53Record(this, "validation-record", {
      forEach: options,
      zoneId: props.hostedZoneId,
      name: options.getString("resource_record_name"),
      type: options.getString("resource_record_type"),
      records: [options.getString("resource_record_value")],
      ttl: 300,
      allowOverwrite: true,
    });
    // cdktf writes `tolist(<set>)`, and a set with unknown members (the record values) converts to
    // a wholly unknown list: terraform could not plan the keys. A for expression over the set
    // itself keeps the keys (domain names, known at plan) known.
    const certificate = `${this.certificate.terraformResourceType}.${this.certificate.friendlyUniqueId}`;
    records.addOverride("for_each", `\${{ for option in ${certificate}.domain_validation_options : option.domain_name => option }}`);
    this.validation = new AcmCertificateValidation(this, "validation", {
      provider: props.provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(options.pluckProperty("resource_record_name")),
      dependsOn: [records],
    });
  }

  /** ARN of the issued certificate (known once DNS validation has completed). */
  get certificateArn(): string {
    return this.validation.certificateArn;
  }

  /** A and AAAA alias records for every name, pointing at a CloudFront distribution. */
  pointAt(distribution: { readonly domainName: string; readonly hostedZoneId: string }): void {
    this.props.names.forEach((name, i) => {
      for (const type of ["A", "AAAA"]) {
        new Route53Record(this, `alias-${i}-${type.toLowerCase()}`, {
          zoneId: this.props.hostedZoneId,
          name,
          type,
          alias: { name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false },
        });
      }
    });
  }
}
