import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export interface AlarmTopicProps {
  /** Topic name, e.g. "webplatform-dev-alarms". */
  readonly name: string;
  readonly region: string;
  /**
   * The account id (a token is fine, e.g. taken from a resource ARN: no AWS call at plan). Needed
   * in the key and topic policies, which replace AWS's defaults.
   */
  readonly accountId: string;
  /** Email addresses subscribed to the topic (each confirms by email once). Default none. */
  readonly emails?: readonly string[];
  /** HTTPS endpoints subscribed to the topic (e.g. a chat or paging webhook). Default none. */
  readonly httpsEndpoints?: readonly string[];
  /**
   * The provider of the topic's region, when it is not the stack's default (alarms can only notify
   * a topic of their own region: CloudFront's metrics, and so its alarms, are in us-east-1).
   */
  readonly provider?: TerraformProvider;
}

/** Services that publish to the topic: CloudWatch alarms and RDS event subscriptions. */
const PUBLISHERS = ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com"];

/**
 * Where every alarm of an environment goes: an SNS topic encrypted with its own KMS key (the AWS
 * managed `alias/aws/sns` key cannot be used by CloudWatch alarms, whose publish would then fail
 * silently), a policy that lets only this account's CloudWatch alarms and RDS events publish and
 * refuses any request not made over TLS, and the subscriptions from the environment's config.
 */
export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const root = `arn:aws:iam::${props.accountId}:root`;
    const keyPolicy = new DataAwsIamPolicyDocument(this, "key-policy", {
      provider: props.provider,
      statement: [
        { sid: "AccountAdministers", effect: "Allow", actions: ["kms:*"], resources: ["*"], principals: [{ type: "AWS", identifiers: [root] }] },
        {
          sid: "PublishersEncrypt",
          effect: "Allow",
          actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
          resources: ["*"],
          principals: [{ type: "Service", identifiers: PUBLISHERS }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
      ],
    });
    this.key = new KmsKey(this, "key", {
      provider: props.provider,
      description: `Encrypts the alarm topic ${props.name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
    });
    new KmsAlias(this, "key-alias", { name: `alias/${props.name}`, targetKeyId: this.key.keyId, provider: props.provider });
    this.topic = new SnsTopic(this, "topic", { name: props.name, kmsMasterKeyId: this.key.arn, provider: props.provider });

    const topicPolicy = new DataAwsIamPolicyDocument(this, "topic-policy", {
      provider: props.provider,
      statement: [
        {
          sid: "AccountManages",
          effect: "Allow",
          actions: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "AWS", identifiers: [root] }],
        },
        {
          sid: "AlarmsAndEventsPublish",
          effect: "Allow",
          actions: ["sns:Publish"],
          resources: [this.topic.arn],
          principals: [{ type: "Service", identifiers: PUBLISHERS }],
          condition: [{ test: "StringEquals", variable: "aws:SourceAccount", values: [props.accountId] }],
        },
        {
          sid: "DenyInsecureTransport",
          effect: "Deny",
          actions: ["sns:Publish", "sns:Subscribe", "sns:SetTopicAttributes"],
          resources: [this.topic.arn],
          principals: [{ type: "*", identifiers: ["*"] }],
          condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
        },
      ],
    });
    new SnsTopicPolicy(this, "policy", { arn: this.topic.arn, policy: topicPolicy.json, provider: props.provider });

    (props.emails ?? []).forEach((endpoint, i) => {
      new SnsTopicSubscription(this, `email-${i}`, { topicArn: this.topic.arn, protocol: "email", endpoint, provider: props.provider });
    });
    (props.httpsEndpoints ?? []).forEach((endpoint, i) => {
      new SnsTopicSubscription(this, `https-${i}`, { topicArn: this.topic.arn, protocol: "https", endpoint, endpointAutoConfirms: false, provider: props.provider });
    });
  }

  get arn(): string {
    return this.topic.arn;
  }
}
