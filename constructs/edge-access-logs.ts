import { CloudwatchLogDelivery } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery";
import { CloudwatchLogDeliveryDestination } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-destination";
import { CloudwatchLogDeliverySource } from "@cdktf/provider-aws/lib/cloudwatch-log-delivery-source";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Construct } from "constructs";

export interface EdgeAccessLogsProps {
  /** Name prefix (letters, digits, dashes), e.g. "webplatform-prod-web". */
  readonly name: string;
  /** ARN of the CloudFront distribution. */
  readonly distributionArn: string;
  /** An AWS provider for us-east-1: CloudFront's log delivery source and its log group live there. */
  readonly provider: AwsProvider;
  readonly retentionDays: number;
}

/**
 * CloudFront standard logging (v2): every viewer request of a distribution, as JSON, delivered by
 * CloudWatch vended logs into a log group in us-east-1 with a retention period. Needs no S3 bucket
 * with ACLs (legacy standard logging does), and no resource in the distribution itself.
 */
export class EdgeAccessLogs extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly delivery: CloudwatchLogDelivery;

  constructor(scope: Construct, id: string, props: EdgeAccessLogsProps) {
    super(scope, id);
    const provider = props.provider;
    this.logGroup = new CloudwatchLogGroup(this, "log-group", {
      provider,
      name: `/aws/cloudfront/${props.name}`,
      retentionInDays: props.retentionDays,
    });
    const source = new CloudwatchLogDeliverySource(this, "source", {
      provider,
      name: `${props.name}-access`,
      logType: "ACCESS_LOGS",
      resourceArn: props.distributionArn,
    });
    const destination = new CloudwatchLogDeliveryDestination(this, "destination", {
      provider,
      name: `${props.name}-access`,
      outputFormat: "json",
      deliveryDestinationConfiguration: [{ destinationResourceArn: this.logGroup.arn }],
    });
    this.delivery = new CloudwatchLogDelivery(this, "delivery", {
      provider,
      deliverySourceName: source.name,
      deliveryDestinationArn: destination.arn,
    });
  }
}
