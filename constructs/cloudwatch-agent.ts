import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { ServiceRole } from "./service-role";
import { BootScript } from "./user-data";

export interface CloudWatchAgentProps {
  /** Log group name, e.g. "/webplatform-dev/web". */
  readonly logGroupName: string;
  readonly retentionDays: number;
  /** The systemd unit whose journal is shipped (default "webapp.service"). */
  readonly unit?: string;
  /** Mount point whose disk use is reported (default "/data"). */
  readonly dataMountPoint?: string;
  /** Filesystem type of that mount (a metric dimension; default "xfs"). */
  readonly dataFsType?: string;
}

/** The agent's metric namespace; the role may publish to this namespace only. */
export const AGENT_NAMESPACE = "CWAgent";
/** Replaced by the boot script with the agent's own `${aws:InstanceId}` placeholder (see userData). */
const INSTANCE_ID_PLACEHOLDER = "__AWS_INSTANCE_ID__";

/**
 * The CloudWatch agent on the web server: installed from the Amazon Linux 2023 repositories by the
 * boot script, it ships the app's journal (through rsyslog into a file, which is what the agent
 * tails) and the boot script's output (cloud-init) to a log group with the environment's
 * retention, and reports memory use and the data volume's disk use every minute.
 */
export class CloudWatchAgent extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  private readonly unit: string;
  private readonly mount: string;
  private readonly fsType: string;

  constructor(scope: Construct, id: string, private readonly props: CloudWatchAgentProps) {
    super(scope, id);
    this.unit = props.unit ?? "webapp.service";
    this.mount = props.dataMountPoint ?? "/data";
    this.fsType = props.dataFsType ?? "xfs";
    this.logGroup = new CloudwatchLogGroup(this, "log-group", { name: props.logGroupName, retentionInDays: props.retentionDays });
  }

  /** The agent's configuration (amazon-cloudwatch-agent.json), before the instance-id placeholder is put in. */
  get config(): Record<string, unknown> {
    const dimensions = { InstanceId: INSTANCE_ID_PLACEHOLDER };
    return {
      agent: { metrics_collection_interval: 60, omit_hostname: true, run_as_user: "root" },
      metrics: {
        namespace: AGENT_NAMESPACE,
        append_dimensions: dimensions,
        metrics_collected: {
          mem: { measurement: ["mem_used_percent"] },
          disk: { measurement: ["used_percent"], resources: [this.mount], drop_device: true },
        },
      },
      logs: {
        logs_collected: {
          files: {
            collect_list: [
              { file_path: "/var/log/webapp/app.log", log_group_name: this.props.logGroupName, log_stream_name: "{instance_id}/app", retention_in_days: -1 },
              { file_path: "/var/log/cloud-init-output.log", log_group_name: this.props.logGroupName, log_stream_name: "{instance_id}/boot", retention_in_days: -1 },
            ],
          },
        },
      },
    };
  }

  /**
   * Bash for the instance's user data (no "${" or "%{": it must not read as Terraform template
   * syntax). It installs rsyslog and the agent from the AL2023 repositories, copies the app unit's
   * journal into /var/log/webapp/app.log (rotated daily, 7 kept), writes the agent config and
   * starts the agent. A failure here is logged and does not stop the rest of the boot script.
   */
  get userData(): string {
    const program = this.unit.replace(/\.service$/, "");
    return [
      "# --- CloudWatch agent: app journal + boot log to CloudWatch Logs, memory and data-disk metrics",
      "install_cloudwatch_agent() {",
      "  dnf install -y rsyslog amazon-cloudwatch-agent",
      "  mkdir -p /var/log/webapp",
      "  cat > /etc/rsyslog.d/30-webapp.conf <<'RSYSLOG'",
      `if $programname == '${program}' then /var/log/webapp/app.log`,
      `& stop`,
      "RSYSLOG",
      "  cat > /etc/logrotate.d/webapp <<'LOGROTATE'",
      "/var/log/webapp/app.log {",
      "  daily",
      "  rotate 7",
      "  compress",
      "  missingok",
      "  notifempty",
      "  postrotate",
      "    systemctl kill -s HUP rsyslog.service >/dev/null 2>&1 || true",
      "  endscript",
      "}",
      "LOGROTATE",
      "  systemctl enable --now rsyslog.service",
      "  local config=/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json",
      "  cat > \"$config\" <<'AGENTCONFIG'",
      JSON.stringify(this.config, null, 2),
      "AGENTCONFIG",
      // The agent's own placeholder is dollar-brace-aws:InstanceId-brace; written through $D so that
      // the user data holds neither "dollar-brace" (Terraform template syntax) nor a backslash.
      "  local D='$'",
      `  sed -i "s/${INSTANCE_ID_PLACEHOLDER}/$D{aws:InstanceId}/" "$config"`,
      "  /opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c \"file:$config\"",
      "}",
      'install_cloudwatch_agent || echo "CloudWatch agent setup failed; app logs and host metrics are not shipped" | tee /dev/console >&2 || true',
      "",
    ].join("\n");
  }

  /**
   * The set-up as its own cloud-init part, named to run before the data volume's (10-...): the
   * agent ships the boot log even when the data volume is refused.
   */
  get bootScript(): BootScript {
    return { filename: "05-cloudwatch-agent.sh", script: `#!/bin/bash\n${this.userData}` };
  }

  /** Dimensions of the agent's memory metric for an instance. */
  memoryDimensions(instanceId: string): Record<string, string> {
    return { InstanceId: instanceId };
  }

  /** Dimensions of the agent's disk metric of the data volume for an instance. */
  dataDiskDimensions(instanceId: string): Record<string, string> {
    return { InstanceId: instanceId, path: this.mount, fstype: this.fsType };
  }

  /** Exactly what the agent calls: metrics into its namespace, log events into its log group. */
  grantTo(role: ServiceRole): void {
    role.addToPolicy({
      sid: "AgentPutMetrics",
      actions: ["cloudwatch:PutMetricData"],
      resources: ["*"], // PutMetricData has no resource-level permissions; limited by namespace below
      conditions: [{ test: "StringEquals", variable: "cloudwatch:namespace", values: [AGENT_NAMESPACE] }],
    });
    role.addToPolicy({
      sid: "AgentWriteLogs",
      actions: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      resources: [this.logGroup.arn, `${this.logGroup.arn}:log-stream:*`],
    });
  }
}
