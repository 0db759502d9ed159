import { Block, StackModel, block, blocks, isTrue, num, referencesIn } from "../model";
import { Check, Rule } from "../types";
import { custom, perResource } from "./define";

/**
 * EC2 settings live on the launch template or on the instance. A launch template is checked
 * itself; an instance launched from a template in this stack is checked with the template's
 * values under its own, and reported only when its own arguments cause the violation.
 */
interface Launchable {
  readonly kind: "instance" | "template";
  readonly config: Record<string, unknown>;
  /** For an instance: the launch template it uses, when that is in this stack. */
  readonly template?: Record<string, unknown>;
}

type Check1 = (l: Launchable, model: StackModel) => string | undefined;

/** A value from the instance, falling back to its template (same argument name on both). */
const pick = (l: Launchable, name: string): unknown => l.config[name] ?? l.template?.[name];

function ec2Rule(spec: Omit<Rule, "evaluate">, check: Check1): Rule {
  return custom(spec, (model) => {
    const checks: Check[] = [];
    for (const lt of model.all("aws_launch_template")) {
      checks.push({ block: lt, violation: check({ kind: "template", config: lt.config }, model) });
    }
    for (const instance of model.all("aws_instance")) {
      const ltBlock = model.ref(block(instance.config.launch_template).id ?? block(instance.config.launch_template).name);
      const template = ltBlock?.type === "aws_launch_template" ? (ltBlock.config as Record<string, unknown>) : undefined;
      const violation = check({ kind: "instance", config: instance.config, template }, model);
      // Reported on the template already unless the instance's own arguments cause it.
      const fromTemplate = template !== undefined && violation !== undefined && check({ kind: "template", config: template }, model) !== undefined;
      checks.push({ block: instance, violation: fromTemplate ? undefined : violation });
    }
    return checks;
  });
}

const metadata = (l: Launchable) => block(pick(l, "metadata_options"));

function volumesUnencrypted(l: Launchable, model: StackModel): string | undefined {
  if (model.all("aws_ebs_encryption_by_default").some((b) => isTrue(b.config.enabled))) return undefined;
  const templateDevices = (cfg: Record<string, unknown> | undefined) =>
    blocks(cfg?.block_device_mappings).filter((m) => blocks(m.ebs).length > 0);
  if (l.kind === "template") {
    const devices = templateDevices(l.config);
    if (devices.length === 0) return "no block_device_mappings: the root volume's encryption is left to the AMI";
    const bad = devices.filter((m) => !isTrue(block(m.ebs).encrypted)).map((m) => String(m.device_name));
    return bad.length > 0 ? `unencrypted block device(s) ${bad.join(", ")}` : undefined;
  }
  const root = block(l.config.root_block_device);
  const extra = blocks(l.config.ebs_block_device).filter((d) => !isTrue(d.encrypted)).map((d) => String(d.device_name));
  if (extra.length > 0) return `unencrypted ebs_block_device(s) ${extra.join(", ")}`;
  if (Object.keys(root).length > 0) return isTrue(root.encrypted) ? undefined : "root_block_device is not encrypted";
  if (l.template) return volumesUnencrypted({ kind: "template", config: l.template }, model);
  return "no root_block_device: the root volume's encryption is left to the AMI";
}

function publicIp(l: Launchable): boolean {
  if (l.kind === "instance" && l.config.associate_public_ip_address !== undefined) return isTrue(l.config.associate_public_ip_address);
  const cfg = l.kind === "template" ? l.config : l.template;
  return blocks(cfg?.network_interfaces).some((n) => isTrue(n.associate_public_ip_address));
}

function monitoring(l: Launchable): boolean {
  if (l.kind === "instance" && l.config.monitoring !== undefined) return isTrue(l.config.monitoring);
  const cfg = l.kind === "template" ? l.config : l.template;
  return isTrue(block(cfg?.monitoring).enabled);
}

const spec = (s: Omit<Rule, "evaluate" | "service">): Omit<Rule, "evaluate"> => ({ ...s, service: "EC2" });

export const ec2Rules: readonly Rule[] = [
  ec2Rule(
    spec({
      id: "WP-EC2-001",
      severity: "error",
      title: "Instance metadata requires IMDSv2 session tokens",
      explanation: "IMDSv1 lets an SSRF bug in the web app read the instance role's credentials.",
      fix: "metadata_options { http_tokens = \"required\" } (WebServer sets it on the launch template).",
      checkov: ["CKV_AWS_79"],
      cdkNag: [],
    }),
    (l) => {
      const m = metadata(l);
      return m.http_tokens === "required" || m.http_endpoint === "disabled" ? undefined : `http_tokens is ${JSON.stringify(m.http_tokens ?? "optional (default)")}`;
    },
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-002",
      severity: "warning",
      title: "Instance metadata response hop limit is 1",
      explanation: "A hop limit above 1 lets containers or forwarded traffic on the host reach the instance credentials.",
      fix: "metadata_options { http_put_response_hop_limit = 1 }.",
      checkov: ["CKV_AWS_341"],
      cdkNag: [],
    }),
    (l) => {
      const hops = num(metadata(l).http_put_response_hop_limit);
      return hops !== undefined && hops > 1 ? `http_put_response_hop_limit is ${hops}` : undefined;
    },
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-003",
      severity: "error",
      title: "Root and attached block devices are encrypted",
      explanation: "Unencrypted volumes and their snapshots expose data to anyone who can copy them.",
      fix: "Set ebs { encrypted = \"true\" } on every block device mapping (or enable EBS encryption by default).",
      checkov: ["CKV_AWS_8"],
      cdkNag: ["AwsSolutions-EC26"],
    }),
    volumesUnencrypted,
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-004",
      severity: "error",
      title: "Instances get no public IPv4 address",
      explanation: "A public address makes the instance directly reachable from the internet; only deliberate entry points may have one.",
      fix: "associate_public_ip_address = false (WebServer publicIp: false) behind a load balancer, or relax with a reason where the instance is the entry point.",
      checkov: ["CKV_AWS_88"],
      cdkNag: [],
    }),
    (l) => (publicIp(l) ? "associate_public_ip_address is true" : undefined),
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-005",
      severity: "warning",
      title: "Instances are EBS-optimized",
      explanation: "Without dedicated EBS bandwidth, disk and network traffic compete and latency spikes.",
      fix: "ebs_optimized = true (WebServer sets it).",
      checkov: ["CKV_AWS_135"],
      cdkNag: [],
    }),
    (l) => (isTrue(pick(l, "ebs_optimized")) ? undefined : `ebs_optimized is ${JSON.stringify(pick(l, "ebs_optimized") ?? "not set")}`),
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-006",
      severity: "warning",
      title: "Instances have detailed (1-minute) monitoring",
      explanation: "5-minute metrics hide short spikes and slow down alarms.",
      fix: "Set web.detailedMonitoring: true (launch template monitoring { enabled = true }).",
      checkov: ["CKV_AWS_126"],
      cdkNag: ["AwsSolutions-EC28"],
    }),
    (l) => (monitoring(l) ? undefined : "detailed monitoring is off"),
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-007",
      severity: "warning",
      title: "Instances have no SSH key pair",
      explanation: "Key pairs are long-lived shared credentials; SSM Session Manager gives audited access without them.",
      fix: "Remove key_name; use SSM Session Manager (the instance role has AmazonSSMManagedInstanceCore).",
      checkov: [],
      cdkNag: [],
    }),
    (l) => {
      const key = pick(l, "key_name");
      return typeof key === "string" && key !== "" ? `key_name is ${JSON.stringify(key)}` : undefined;
    },
  ),
  ec2Rule(
    spec({
      id: "WP-EC2-008",
      severity: "error",
      title: "Instances run with an IAM instance profile",
      explanation: "Without a role the application needs static AWS keys on disk.",
      fix: "Attach an instance profile (WebServer creates one for its ServiceRole).",
      checkov: ["CKV2_AWS_41"],
      cdkNag: [],
    }),
    (l) => {
      const p = pick(l, "iam_instance_profile");
      const set = typeof p === "string" ? p !== "" : Object.keys(block(p)).length > 0;
      return set ? undefined : "no iam_instance_profile";
    },
  ),
];

/** Volumes a DLM policy or an AWS Backup selection covers. */
function backedUp(volume: Block, model: StackModel): boolean {
  const tags = block(volume.config.tags) as Record<string, unknown>;
  const byDlm = model.all("aws_dlm_lifecycle_policy").some((p) => {
    const details = block(p.config.policy_details);
    const targets = block(details.target_tags) as Record<string, unknown>;
    const types = (details.resource_types as unknown[] | undefined) ?? ["VOLUME"];
    const enabled = p.config.state !== "DISABLED";
    return enabled && types.includes("VOLUME") && Object.keys(targets).length > 0 && Object.entries(targets).every(([k, v]) => tags[k] === v);
  });
  const byBackup = model.all("aws_backup_selection").some((s) => referencesIn(s.config.resources).includes(volume.address));
  return byDlm || byBackup;
}

export const ebsRules: readonly Rule[] = [
  perResource(
    {
      id: "WP-EBS-001",
      service: "EBS",
      severity: "error",
      title: "EBS volumes are encrypted",
      explanation: "Unencrypted volumes and their snapshots expose data to anyone who can copy them.",
      fix: "encrypted = true (WebServer's data volume sets it).",
      checkov: ["CKV_AWS_3", "CKV2_AWS_2"],
      cdkNag: ["AwsSolutions-EC26"],
    },
    ["aws_ebs_volume"],
    (b) => (isTrue(b.config.encrypted) ? undefined : "encrypted is not true"),
  ),
  perResource(
    {
      id: "WP-EBS-002",
      service: "EBS",
      severity: "error",
      title: "EBS volumes are snapshotted on a schedule (DLM or AWS Backup)",
      explanation: "A volume without scheduled snapshots loses its data with one bad write or deletion.",
      fix: "Set web.dataVolumeSnapshots { time, retainCount } (VolumeSnapshots DLM policy targets the volume's tag).",
      checkov: ["CKV2_AWS_9"],
      cdkNag: [],
    },
    ["aws_ebs_volume"],
    (b, model) => (backedUp(b, model) ? undefined : "no DLM policy or backup selection covers this volume"),
  ),
];
