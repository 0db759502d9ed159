import { strings } from "../model";
import { deniesInsecureTransport, policyDocument } from "../policy-documents";
import { Rule } from "../types";
import { perResource } from "./define";

export const monitoringRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-CW-001",
      service: "CloudWatch",
      severity: "error",
      title: "Every alarm notifies someone (an error in production environments, a warning elsewhere)",
      explanation: "An alarm without an action changes state in the console and tells nobody.",
      fix: "alarm_actions with the environment's alarm topic (Monitoring.addAlarm does it).",
      checkov: [],
      cdkNag: [],
    },
    ["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"],
    (alarm, _model, context) => {
      const actions = alarm.config.alarm_actions;
      if (Array.isArray(actions) ? actions.length > 0 : strings(actions).length > 0) return undefined;
      const violation = "alarm_actions is empty: the alarm notifies nobody";
      return context.production ? violation : { severity: "warning", violation };
    },
  ),
  perResource(
    {
      id: "WP-SNS-001",
      service: "SNS",
      severity: "error",
      title: "SNS topics are encrypted with a KMS key",
      explanation: "Alarm and event messages name resources and can carry data; SSE keeps them encrypted at rest.",
      fix: "kms_master_key_id: a customer managed key whose policy lets the publishing services use it (AlarmTopic does it).",
      checkov: ["CKV_AWS_26"],
      cdkNag: ["AwsSolutions-SNS2"],
    },
    ["aws_sns_topic"],
    (topic) => (topic.config.kms_master_key_id ? undefined : "kms_master_key_id is not set"),
  ),
  perResource(
    {
      id: "WP-SNS-002",
      service: "SNS",
      severity: "error",
      title: "SNS topics refuse requests not made over TLS",
      explanation: "A topic policy that denies aws:SecureTransport=false keeps publishes and subscriptions off plain HTTP.",
      fix: "An aws_sns_topic_policy with a Deny statement on aws:SecureTransport = false (AlarmTopic does it).",
      checkov: [],
      cdkNag: ["AwsSolutions-SNS3"],
    },
    ["aws_sns_topic"],
    (topic, model) => {
      const policies = model.referencing("aws_sns_topic_policy", "arn", topic);
      const tlsOnly = policies.some((p) => policyDocument(model, p.config.policy)?.statements.some(deniesInsecureTransport));
      return tlsOnly ? undefined : "no topic policy denies requests without TLS (aws:SecureTransport = false)";
    },
  ),
];
