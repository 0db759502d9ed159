import { execFileSync } from "child_process";
import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { dataVolumeUserData } from "../../constructs/data-volume-user-data";
import { WebServer, WebServerApp, WebServerProps } from "../../constructs/web-server";
import { onlyResource, ref, resourcesOf, synthConstructs } from "../support/synth";

const props: WebServerProps = {
  name: "test-web",
  vpcId: "vpc-123",
  subnetId: "subnet-123",
  availabilityZone: "eu-west-1a",
  instanceType: "t4g.micro",
  dataVolumeSizeGiB: 10,
  appIngressPrefixListIds: ["pl-4fa04526"],
};
const synth = (extra: Partial<WebServerProps> = {}) => synthConstructs((scope) => new WebServer(scope, "web", { ...props, ...extra }));

describe("WebServer", () => {
  const { json, tf } = synth();
  const template = onlyResource(tf, "aws_launch_template");
  const volumeId = Object.keys(resourcesOf(tf, "aws_ebs_volume"))[0];

  it("requires IMDSv2 with hop limit 1", () => {
    expect(template.metadata_options).toEqual({
      http_endpoint: "enabled",
      http_tokens: "required",
      http_put_response_hop_limit: 1,
      instance_metadata_tags: "disabled",
    });
  });

  it("boots Amazon Linux 2023 resolved by EC2 at launch (no AMI lookup at plan time)", () => {
    expect(template.image_id).toBe("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64");
    expect(tf.data ?? {}).not.toHaveProperty("aws_ami");
    expect(onlyResource(synth({ amiId: "ami-0123456789abcdef0" }).tf, "aws_launch_template").image_id).toBe("ami-0123456789abcdef0");
    expect(onlyResource(synth({ architecture: "x86_64", instanceType: "t3.micro" }).tf, "aws_launch_template").image_id).toMatch(/-x86_64$/);
  });

  it("has an encrypted gp3 root volume, EBS optimization and no key pair", () => {
    expect(template.block_device_mappings).toEqual([
      { device_name: "/dev/xvda", ebs: { volume_size: 8, volume_type: "gp3", encrypted: "true", delete_on_termination: "true" } },
    ]);
    expect(template.ebs_optimized).toBe("true");
    expect(template).not.toHaveProperty("key_name");
    expect(onlyResource(tf, "aws_instance")).not.toHaveProperty("key_name");
  });

  it("opens only the app port (default 8080), only to the given prefix lists, never to a CIDR", () => {
    const ingress = Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule"));
    expect(ingress.map((r) => [r.from_port, r.to_port, r.ip_protocol, r.prefix_list_id])).toEqual([[8080, 8080, "tcp", "pl-4fa04526"]]);
    expect(ingress.some((r) => "cidr_ipv4" in r || "cidr_ipv6" in r)).toBe(false);
    const custom = Object.values(resourcesOf(synth({ appPort: 3000 }).tf, "aws_vpc_security_group_ingress_rule"));
    expect(custom.map((r) => r.from_port)).toEqual([3000]);
    expect(resourcesOf(synth({ appIngressPrefixListIds: [] }).tf, "aws_vpc_security_group_ingress_rule")).toEqual({});
  });

  it("gets SSM Session Manager through its instance profile, and no SSH port", () => {
    expect(Object.values(resourcesOf(tf, "aws_iam_role_policy_attachment")).map((a) => a.policy_arn)).toEqual([
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    const trust = Object.entries(tf.data?.aws_iam_policy_document ?? {}).find(([id]) => id.includes("trust"))?.[1] as { statement: object[] };
    expect(trust.statement).toEqual([
      expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ec2.amazonaws.com"] }] }),
    ]);
    expect(template.iam_instance_profile).toEqual({ arn: expect.stringContaining("aws_iam_instance_profile.") });
    const ingress = Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule"));
    expect(ingress.map((r) => r.from_port)).not.toContain(22);
    expect(ingress.every((r) => typeof r.description === "string" && r.description.length > 0)).toBe(true);
  });

  it("allows only HTTPS out by default", () => {
    expect(Object.values(resourcesOf(tf, "aws_vpc_security_group_egress_rule")).map((r) => [r.from_port, r.cidr_ipv4])).toEqual([[443, "0.0.0.0/0"]]);
  });

  it("has a public IP and basic monitoring unless configured otherwise", () => {
    expect(template.network_interfaces[0]).toMatchObject({ associate_public_ip_address: "true", subnet_id: "subnet-123" });
    expect(template.monitoring).toEqual({ enabled: false });
    const variant = onlyResource(synth({ publicIp: false, detailedMonitoring: true }).tf, "aws_launch_template");
    expect(variant.network_interfaces[0].associate_public_ip_address).toBe("false");
    expect(variant.monitoring).toEqual({ enabled: true });
  });

  it("attaches a separate encrypted gp3 data volume that outlives the instance", () => {
    expect(json).toHaveResourceWithProperties(EbsVolume, {
      availability_zone: "eu-west-1a",
      size: 10,
      type: "gp3",
      encrypted: true,
      final_snapshot: true,
      lifecycle: { prevent_destroy: false },
    });
    expect(json).toHaveResourceWithProperties(VolumeAttachment, {
      device_name: "/dev/sdf",
      volume_id: ref("aws_ebs_volume", volumeId),
      stop_instance_before_detaching: true,
    });
    expect(onlyResource(synth({ preventDestroy: true }).tf, "aws_ebs_volume").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("takes a final snapshot of the data volume unless told not to", () => {
    expect(onlyResource(synth({ dataVolumeFinalSnapshot: false }).tf, "aws_ebs_volume").final_snapshot).toBe(false);
  });

  it("passes the data volume id to the boot script", () => {
    expect(template.user_data).toContain(`aws_ebs_volume.${volumeId}.id`);
    expect(template.user_data).toMatch(/^\$\{base64encode\(join\(""/);
  });

  it("boots with the script's production settings (tests override them only through the environment)", () => {
    for (const production of ["DATAVOL_MOUNT_POINT /data)", "DATAVOL_FSTAB /etc/fstab)", "DATAVOL_WAIT_ATTEMPTS 120)", "DATAVOL_WAIT_SECONDS 5)", " /dev/sdf /dev/xvdf"]) {
      expect(template.user_data).toContain(production);
    }
  });

  it("replaces the instance on any new launch template version (the data volume is not tied to it)", () => {
    const instance = onlyResource(tf, "aws_instance");
    const templateId = Object.keys(resourcesOf(tf, "aws_launch_template"))[0];
    expect(instance.lifecycle).toEqual({ replace_triggered_by: [`aws_launch_template.${templateId}.latest_version`] });
    expect(instance.launch_template).toEqual({
      id: ref("aws_launch_template", templateId),
      version: `\${tostring(aws_launch_template.${templateId}.latest_version)}`,
    });
    expect(onlyResource(tf, "aws_ebs_volume")).not.toHaveProperty("lifecycle.replace_triggered_by");
    expect(JSON.stringify(onlyResource(tf, "aws_ebs_volume"))).not.toContain("aws_instance.");
  });
});

describe("WebServer with the web app", () => {
  const app: WebServerApp = {
    region: "eu-west-1",
    artifactBucket: "artifacts-bucket",
    artifactKey: `web-app/${"c".repeat(64)}/server.js`,
    artifactSha256: "c".repeat(64),
    environment: { AWS_REGION: "eu-west-1", DB_AUTH: "iam" },
  };
  const { tf } = synth({ app, appPort: 9090 });
  const userData = onlyResource(tf, "aws_launch_template").user_data as string;

  it("boots with a cloud-init multipart: the data volume script, then the web app's", () => {
    const first = userData.indexOf('filename=\\"10-data-volume.sh\\"');
    const second = userData.indexOf('filename=\\"20-web-app.sh\\"');
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(first);
    expect(userData).toContain("multipart/mixed");
  });

  it("tells the app its port (PORT) and opens only that port", () => {
    expect(userData).toContain("\\nPORT=9090\\n");
    expect(userData).toContain(`ARTIFACT_SHA256='${app.artifactSha256}'`);
    expect(Object.values(resourcesOf(tf, "aws_vpc_security_group_ingress_rule")).map((r) => r.from_port)).toEqual([9090]);
  });

  it("refuses a PORT in the app's environment (the server owns it)", () => {
    expect(() => synth({ app: { ...app, environment: { PORT: "80" } } })).toThrow(/PORT is set by the web server/);
  });
});

describe("data volume boot script", () => {
  const script = dataVolumeUserData("vol-0123456789abcdef0", "/dev/sdf");

  it("is valid bash", () => {
    expect(() => execFileSync("bash", ["-n"], { input: script })).not.toThrow();
  });

  // What it does is tested for real on loop devices in __tests__/data-volume.loop.test.ts.
  it("has production defaults: /data, /etc/fstab, the volume's names, a 10-minute wait", () => {
    expect(script).toContain('DEFAULT_DEVICES="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$(echo "$VOLUME_ID" | tr -d -) /dev/sdf /dev/xvdf"');
    expect(script).toContain('VOLUME_ID="vol-0123456789abcdef0"');
    expect(script).toMatch(/^MOUNT_POINT="\$\(setting DATAVOL_MOUNT_POINT \/data\)"$/m);
    expect(script).toMatch(/^FSTAB="\$\(setting DATAVOL_FSTAB \/etc\/fstab\)"$/m);
    expect(script).toMatch(/^CONSOLE="\$\(setting DATAVOL_CONSOLE \/dev\/console\)"$/m);
    expect(script).toMatch(/^WAIT_ATTEMPTS="\$\(setting DATAVOL_WAIT_ATTEMPTS 120\)"$/m);
    expect(script).toMatch(/^WAIT_SECONDS="\$\(setting DATAVOL_WAIT_SECONDS 5\)"$/m);
  });

  it("mounts with nodev,nosuid,noexec and an fstab line with nofail", () => {
    expect(script).toContain('OPTIONS="nodev,nosuid,noexec,nofail,x-systemd.device-timeout=30s"');
    expect(script).toContain('ENTRY="UUID=$UUID $MOUNT_POINT xfs $OPTIONS 0 2"');
  });

  it("contains nothing terraform would read as template syntax", () => {
    expect(script).not.toMatch(/\$\{|%\{/);
  });
});
