import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Fn, TerraformProvider } from "cdktf";
import { Construct } from "constructs";

export type Comparison =
  | "GreaterThanOrEqualToThreshold"
  | "GreaterThanThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";

/** One alarm: the metric, when it fires, and what an on-call engineer should know about it. */
export interface AlarmSpec {
  /** Construct id and alarm name suffix, e.g. "rds-cpu". */
  readonly id: string;
  /** Dashboard widget title and the first words of the description, e.g. "RDS CPU ≥ 80 %". */
  readonly title: string;
  /** What it means (the alarm description; the README runbook has a section per alarm id). */
  readonly meaning: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** "Average", "Sum", "Maximum", "Minimum" (or a percentile in extendedStatistic). */
  readonly statistic?: "Average" | "Sum" | "Maximum" | "Minimum";
  /** A percentile such as "p99" (instead of statistic). */
  readonly extendedStatistic?: string;
  /** Seconds per datapoint. */
  readonly period: number;
  readonly evaluationPeriods: number;
  /** How many of the evaluation periods must breach (default all). */
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  /** Default "missing". "notBreaching" for counters that only appear when something happens. */
  readonly treatMissingData?: "missing" | "notBreaching" | "breaching" | "ignore";
  /** Actions besides the topic, e.g. the EC2 recover or reboot action ARN. */
  readonly extraActions?: readonly string[];
  /**
   * For a metric of another region (CloudFront's are in us-east-1): that region, its provider and a
   * topic there (an alarm can only notify a topic of its own region). Default: the stack's.
   */
  readonly elsewhere?: { readonly region: string; readonly provider: TerraformProvider; readonly topicArn: string };
}

export interface MonitoringProps {
  /** Name prefix of the alarms and the dashboard, e.g. "webplatform-dev". */
  readonly name: string;
  readonly region: string;
  /** Every alarm notifies this topic (alarm and back to OK). */
  readonly topicArn: string;
}

interface Tracked {
  readonly id: string;
  readonly title: string;
  readonly alarm: CloudwatchMetricAlarm;
  /** The alarm's region, when not the stack's. */
  readonly region?: string;
}

/**
 * The alarms of one environment and the dashboard made from them. Each alarm notifies the alarm
 * topic when it fires and when it recovers; `createDashboard()` draws one widget per alarm (the
 * alarm's metric with its threshold), so an alarm added here shows up on the dashboard too.
 */
export class Monitoring extends Construct {
  private readonly tracked: Tracked[] = [];
  private dashboard?: CloudwatchDashboard;

  constructor(scope: Construct, id: string, private readonly props: MonitoringProps) {
    super(scope, id);
  }

  /** The alarms so far, in the order they were added. */
  get alarms(): readonly { readonly id: string; readonly title: string; readonly alarm: CloudwatchMetricAlarm }[] {
    return this.tracked;
  }

  /** Creates an alarm that notifies the topic. */
  addAlarm(spec: AlarmSpec): CloudwatchMetricAlarm {
    if (this.dashboard) throw new Error(`${this.node.path}: addAlarm after createDashboard; the dashboard would miss ${spec.id}`);
    const topicArn = spec.elsewhere?.topicArn ?? this.props.topicArn;
    const alarm = new CloudwatchMetricAlarm(this, spec.id, {
      alarmName: `${this.props.name}-${spec.id}`,
      alarmDescription: `${spec.title}: ${spec.meaning} Runbook: README.md#alarm-${spec.id}`,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: { ...spec.dimensions },
      statistic: spec.extendedStatistic ? undefined : (spec.statistic ?? "Average"),
      extendedStatistic: spec.extendedStatistic,
      period: spec.period,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      treatMissingData: spec.treatMissingData ?? "missing",
      alarmActions: [topicArn, ...(spec.extraActions ?? [])],
      okActions: [topicArn],
      provider: spec.elsewhere?.provider,
    });
    this.tracked.push({ id: spec.id, title: spec.title, alarm, region: spec.elsewhere?.region });
    return alarm;
  }

  /** Shows an alarm created elsewhere (it must already notify the topic) on the dashboard. */
  track(id: string, title: string, alarm: CloudwatchMetricAlarm): void {
    if (this.dashboard) throw new Error(`${this.node.path}: track after createDashboard`);
    this.tracked.push({ id, title, alarm });
  }

  /** The dashboard: a header, then one widget per alarm (two per row). Call once, after the alarms. */
  createDashboard(): CloudwatchDashboard {
    if (this.dashboard) return this.dashboard;
    const widgets: unknown[] = [
      {
        type: "text",
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: { markdown: `# ${this.props.name}\nEvery alarm of this environment, with its threshold. What to do: the README's runbook (section per alarm).` },
      },
      ...this.tracked.map((t, i) => ({
        type: "metric",
        x: (i % 2) * 12,
        y: 2 + Math.floor(i / 2) * 6,
        width: 12,
        height: 6,
        properties: { title: t.title, region: t.region ?? this.props.region, view: "timeSeries", annotations: { alarms: [t.alarm.arn] } },
      })),
    ];
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: this.props.name,
      dashboardBody: Fn.jsonencode({ widgets }),
    });
    return this.dashboard;
  }
}
