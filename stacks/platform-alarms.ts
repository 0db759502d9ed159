import { AlarmThresholds } from "../environments/config";
import { AGENT_NAMESPACE, CloudWatchAgent } from "../constructs/cloudwatch-agent";
import { AlarmSpec } from "../constructs/monitoring";
import { RDS_BYTES_PER_GIB, rdsMaxConnections, rdsMemoryGiB } from "../constructs/rds-instance-classes";

/** What the alarms watch: the parts of one environment's stack, by the names CloudWatch uses. */
export interface MonitoredParts {
  readonly region: string;
  readonly instanceId: string;
  readonly agent: CloudWatchAgent;
  readonly database: { readonly identifier: string; readonly instanceClass: string; readonly allocatedStorageGiB: number };
  readonly profileUpdater: { readonly functionName: string; readonly timeoutSeconds: number };
  readonly profileTableName: string;
}

const FIVE_MINUTES = 300;
const ONE_MINUTE = 60;

/**
 * Every alarm of the platform (besides the profile updater's dead-letter alarm, which its
 * construct owns), from the environment's thresholds. The README's runbook has a section for each
 * id; `__tests__/operations.test.ts` checks that it does.
 */
export function platformAlarms(parts: MonitoredParts, t: AlarmThresholds): AlarmSpec[] {
  const db = { DBInstanceIdentifier: parts.database.identifier };
  const fn = { FunctionName: parts.profileUpdater.functionName };
  const memoryBytes = (rdsMemoryGiB(parts.database.instanceClass) ?? 0) * RDS_BYTES_PER_GIB;
  const maxConnections = rdsMaxConnections(parts.database.instanceClass) ?? 0;
  const timeoutMs = parts.profileUpdater.timeoutSeconds * 1000;
  return [
    // Web server: recovery, reboot, memory, data disk.
    {
      id: "web-system-check",
      title: "Web server system status check failed",
      meaning: "The host under the instance is impaired; EC2 recovers the instance onto new hardware (same id, IP and data volume).",
      namespace: "AWS/EC2", metricName: "StatusCheckFailed_System", dimensions: { InstanceId: parts.instanceId },
      statistic: "Maximum", period: ONE_MINUTE, evaluationPeriods: 2, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
      extraActions: [`arn:aws:automate:${parts.region}:ec2:recover`],
    },
    {
      id: "web-instance-check",
      title: "Web server instance status check failed",
      meaning: "The operating system does not answer (kernel, memory exhaustion, network config); EC2 reboots the instance.",
      namespace: "AWS/EC2", metricName: "StatusCheckFailed_Instance", dimensions: { InstanceId: parts.instanceId },
      statistic: "Maximum", period: ONE_MINUTE, evaluationPeriods: 3, threshold: 1, comparison: "GreaterThanOrEqualToThreshold",
      extraActions: [`arn:aws:automate:${parts.region}:ec2:reboot`],
    },
    {
      id: "web-memory",
      title: `Web server memory ≥ ${t.hostMemoryPercent} %`,
      meaning: "The app (or something beside it) uses nearly all memory; the kernel will soon kill processes.",
      namespace: AGENT_NAMESPACE, metricName: "mem_used_percent", dimensions: parts.agent.memoryDimensions(parts.instanceId),
      statistic: "Average", period: ONE_MINUTE, evaluationPeriods: 5, threshold: t.hostMemoryPercent, comparison: "GreaterThanOrEqualToThreshold",
    },
    {
      id: "web-data-disk",
      title: `/data disk use ≥ ${t.dataDiskPercent} %`,
      meaning: "The data volume (upload spool /data/tmp, config) is filling up; uploads fail when it is full.",
      namespace: AGENT_NAMESPACE, metricName: "disk_used_percent", dimensions: parts.agent.dataDiskDimensions(parts.instanceId),
      statistic: "Maximum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: t.dataDiskPercent, comparison: "GreaterThanOrEqualToThreshold",
    },
    // Database.
    {
      id: "db-cpu",
      title: `Database CPU ≥ ${t.databaseCpuPercent} %`,
      meaning: "PostgreSQL is CPU-bound for 15 minutes: slow queries, a missing index, or the class is too small.",
      namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: db,
      statistic: "Average", period: FIVE_MINUTES, evaluationPeriods: 3, threshold: t.databaseCpuPercent, comparison: "GreaterThanOrEqualToThreshold",
    },
    {
      id: "db-free-storage",
      title: `Database free storage < ${t.databaseFreeStoragePercent} %`,
      meaning: `Less than ${t.databaseFreeStoragePercent} % of the ${parts.database.allocatedStorageGiB} GiB allocated is free; storage autoscaling may be at its ceiling.`,
      namespace: "AWS/RDS", metricName: "FreeStorageSpace", dimensions: db,
      statistic: "Minimum", period: FIVE_MINUTES, evaluationPeriods: 1,
      threshold: Math.round((parts.database.allocatedStorageGiB * RDS_BYTES_PER_GIB * t.databaseFreeStoragePercent) / 100), comparison: "LessThanThreshold",
    },
    {
      id: "db-free-memory",
      title: `Database freeable memory < ${t.databaseFreeMemoryPercent} %`,
      meaning: `Less than ${t.databaseFreeMemoryPercent} % of the ${parts.database.instanceClass}'s memory is free; PostgreSQL will swap and slow down.`,
      namespace: "AWS/RDS", metricName: "FreeableMemory", dimensions: db,
      statistic: "Minimum", period: FIVE_MINUTES, evaluationPeriods: 3,
      threshold: Math.round((memoryBytes * t.databaseFreeMemoryPercent) / 100), comparison: "LessThanThreshold",
    },
    {
      id: "db-connections",
      title: `Database connections ≥ ${t.databaseConnectionsPercent} % of ${maxConnections}`,
      meaning: `Connections near the class's limit (max_connections ≈ ${maxConnections}); new connections will be refused.`,
      namespace: "AWS/RDS", metricName: "DatabaseConnections", dimensions: db,
      statistic: "Maximum", period: FIVE_MINUTES, evaluationPeriods: 2,
      threshold: Math.floor((maxConnections * t.databaseConnectionsPercent) / 100), comparison: "GreaterThanOrEqualToThreshold",
    },
    // Profile updater (Lambda).
    {
      id: "lambda-errors",
      title: "Profile updater errors",
      meaning: "Invocations failed (they are retried; after the retries the event goes to the dead-letter queue).",
      namespace: "AWS/Lambda", metricName: "Errors", dimensions: fn,
      statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 0, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
    },
    {
      id: "lambda-throttles",
      title: "Profile updater throttled",
      meaning: "Invocations were throttled (reserved or account concurrency exhausted); events wait and age.",
      namespace: "AWS/Lambda", metricName: "Throttles", dimensions: fn,
      statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 0, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
    },
    {
      id: "lambda-duration",
      title: `Profile updater p99 duration ≥ ${t.lambdaDurationPercentOfTimeout} % of its ${parts.profileUpdater.timeoutSeconds} s timeout`,
      meaning: "The slowest invocations come close to the timeout; S3 or DynamoDB calls are slow or retried.",
      namespace: "AWS/Lambda", metricName: "Duration", dimensions: fn,
      extendedStatistic: "p99", period: FIVE_MINUTES, evaluationPeriods: 3, datapointsToAlarm: 2,
      threshold: Math.round((timeoutMs * t.lambdaDurationPercentOfTimeout) / 100), comparison: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching",
    },
    {
      id: "lambda-events-dropped",
      title: "Profile updater dropped asynchronous events",
      meaning: "S3 events were dropped without reaching the function or the dead-letter queue (expired or throttled past retries).",
      namespace: "AWS/Lambda", metricName: "AsyncEventsDropped", dimensions: fn,
      statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 0, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
    },
    {
      id: "lambda-event-age",
      title: `Profile updater events older than ${t.lambdaEventAgeSeconds} s`,
      meaning: "Events wait long before they are processed (throttling or retries); users see an old picture.",
      namespace: "AWS/Lambda", metricName: "AsyncEventAge", dimensions: fn,
      statistic: "Maximum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: t.lambdaEventAgeSeconds * 1000, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
    },
    // Profile table (DynamoDB): the Lambda's writes and the app's reads.
    ...(["UpdateItem", "GetItem"] as const).map(
      (operation): AlarmSpec => ({
        id: `ddb-throttled-${operation.toLowerCase()}`,
        title: `Profile table ${operation} throttled`,
        meaning: `DynamoDB throttled ${operation} requests on the profile table (on-demand capacity ramps up; sustained throttling means a hot key or an account limit).`,
        namespace: "AWS/DynamoDB", metricName: "ThrottledRequests", dimensions: { TableName: parts.profileTableName, Operation: operation },
        statistic: "Sum", period: FIVE_MINUTES, evaluationPeriods: 1, threshold: 0, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
      }),
    ),
  ];
}

/** The edge's 5xx rate (CloudFront's default metrics; they live in us-east-1, hence `elsewhere`). */
export function edgeAlarm(distributionId: string, percent: number, elsewhere: NonNullable<AlarmSpec["elsewhere"]>): AlarmSpec {
  return {
    id: "edge-5xx",
    title: `Edge 5xx responses ≥ ${percent} %`,
    meaning: "CloudFront answers with server errors: the origin (the web server) is down, unreachable or failing.",
    namespace: "AWS/CloudFront", metricName: "5xxErrorRate", dimensions: { DistributionId: distributionId, Region: "Global" },
    statistic: "Average", period: FIVE_MINUTES, evaluationPeriods: 2, threshold: percent, comparison: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    elsewhere,
  };
}
