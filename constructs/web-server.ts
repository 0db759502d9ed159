import { EbsVolume } from "@cdktf/provider-aws/lib/ebs-volume";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { LaunchTemplate } from "@cdktf/provider-aws/lib/launch-template";
import { VolumeAttachment } from "@cdktf/provider-aws/lib/volume-attachment";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { Architecture } from "../environments/config";
import { dataVolumeUserData } from "./data-volume-user-data";
import { SecurityGroup } from "./security-group";
import { ServiceRole } from "./service-role";
import { BootScript, multipartUserData, placeholdersFor, withPlaceholders } from "./user-data";
import { webAppUserData } from "./web-app-user-data";

/** The app the server runs (see web-app-user-data.ts): values may be tokens (resolved at apply). */
export interface WebServerApp {
  /** Region of the artifacts bucket. */
  readonly region: string;
  readonly artifactBucket: string;
  /** Content-addressed key of the app bundle (a new build is a new key, hence a new launch template version). */
  readonly artifactKey: string;
  /** Hex SHA-256 the boot script checks the download against. */
  readonly artifactSha256: string;
  /** The app's environment (webapp.env) besides PORT, which the server sets to `appPort`. */
  readonly environment: Readonly<Record<string, string>>;
}

export interface WebServerProps {
  /** Name prefix, e.g. "webplatform-dev-web". */
  readonly name: string;
  readonly vpcId: string;
  /** Subnet of the instance (public or private, see publicIp); the data volume is created in the same AZ. */
  readonly subnetId: string;
  readonly availabilityZone: string;
  readonly instanceType: string;
  /** Default "arm64" (Graviton). Selects the Amazon Linux 2023 SSM parameter. */
  readonly architecture?: Architecture;
  /** Pinned AMI; default: latest Amazon Linux 2023, resolved by EC2 at launch (no AWS call at plan). */
  readonly amiId?: string;
  /** Default 8. */
  readonly rootVolumeSizeGiB?: number;
  readonly dataVolumeSizeGiB: number;
  /** TCP port the web app listens on (PORT); the only port the security group opens. Default 8080. */
  readonly appPort?: number;
  /**
   * Managed prefix lists admitted on the app port (e.g. CloudFront's origin-facing list). Default:
   * none. Never a CIDR: the web server is reached through the edge only.
   */
  readonly appIngressPrefixListIds?: readonly string[];
  /** The app to install and run (webapp.service). Default: none, the boot script only mounts /data. */
  readonly app?: WebServerApp;
  /**
   * More first-boot scripts (e.g. the CloudWatch agent's set-up as "05-cloudwatch-agent.sh", which
   * runs before the data volume is mounted so that a refused volume is still reported). Each is its
   * own cloud-init part. Default none.
   */
  readonly bootScripts?: readonly BootScript[];
  /** One-minute CloudWatch metrics. Default false. */
  readonly detailedMonitoring?: boolean;
  /** Public IPv4 address on the instance (in a public subnet, to reach AWS APIs without NAT). Default true. */
  readonly publicIp?: boolean;
  /** prevent_destroy on the data volume. Default false. */
  readonly preventDestroy?: boolean;
  /**
   * Bash run at first boot before the data volume is mounted (e.g. the CloudWatch agent's set-up,
   * so that a refused data volume is still reported). Each must handle its own failures and must not
   * contain "${" or "%{". Default none.
   */
  readonly bootPrelude?: readonly string[];
  /** Snapshot the data volume when terraform deletes it (final_snapshot). Default true. */
  readonly dataVolumeFinalSnapshot?: boolean;
}

const DATA_DEVICE = "/dev/sdf";
const VOLUME_ID = "@@VOLUME_ID@@";
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

/**
 * The web server: one EC2 instance from a launch template (IMDSv2 only, encrypted gp3 root, no key
 * pair and no SSH: administration through SSM Session Manager) and a separate encrypted gp3 data
 * volume mounted at /data that outlives the instance. With `app`, the boot script also installs
 * and starts the web app (webapp.service on `appPort`).
 *
 * Any change of the launch template (a new app artifact changes the user data) makes a new
 * template version, and the instance is replaced (`replace_triggered_by` the template's
 * latest_version): the volume attachment goes with it, the data volume stays.
 */
export class WebServer extends Construct {
  readonly role: ServiceRole;
  readonly securityGroup: SecurityGroup;
  readonly launchTemplate: LaunchTemplate;
  readonly instance: Instance;
  readonly dataVolume: EbsVolume;
  /** The port the app listens on and the security group opens. */
  readonly appPort: number;
  /** Tag that marks the data volume (e.g. for snapshot policies). */
  readonly dataVolumeTag: { readonly key: string; readonly value: string };

  constructor(scope: Construct, id: string, props: WebServerProps) {
    super(scope, id);
    this.role = new ServiceRole(this, "role", {
      name: props.name,
      description: `Instance role of ${props.name}`,
      servicePrincipal: "ec2.amazonaws.com",
      managedPolicyArns: [SSM_CORE],
    });
    const profile = new IamInstanceProfile(this, "instance-profile", {
      name: props.name,
      role: this.role.name,
    });

    this.appPort = props.appPort ?? 8080;
    this.securityGroup = new SecurityGroup(this, "security-group", {
      name: props.name,
      description: `Web server ${props.name}: the app port from the edge only`,
      vpcId: props.vpcId,
    });
    for (const prefixListId of props.appIngressPrefixListIds ?? []) {
      this.securityGroup.allowIngressFromPrefixList(this.appPort, prefixListId, "Web app from the edge (managed prefix list)");
    }
    this.securityGroup.allowEgressToCidrs(443, ["0.0.0.0/0"], "HTTPS out: SSM, package repositories, AWS APIs");

    this.dataVolumeTag = { key: "DataVolume", value: `${props.name}-data` };
    this.dataVolume = new EbsVolume(this, "data-volume", {
      availabilityZone: props.availabilityZone,
      size: props.dataVolumeSizeGiB,
      type: "gp3",
      encrypted: true,
      finalSnapshot: props.dataVolumeFinalSnapshot ?? true,
      tags: { Name: `${props.name}-data`, [this.dataVolumeTag.key]: this.dataVolumeTag.value },
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });

    const architecture = props.architecture ?? "arm64";
    this.launchTemplate = new LaunchTemplate(this, "launch-template", {
      namePrefix: `${props.name}-`,
      description: `Web server ${props.name}`,
      imageId: props.amiId ?? `resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`,
      instanceType: props.instanceType,
      ebsOptimized: "true",
      updateDefaultVersion: true,
      iamInstanceProfile: { arn: profile.arn },
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: "disabled",
      },
      monitoring: { enabled: props.detailedMonitoring ?? false },
      blockDeviceMappings: [
        {
          deviceName: "/dev/xvda",
          ebs: {
            volumeSize: props.rootVolumeSizeGiB ?? 8,
            volumeType: "gp3",
            encrypted: "true",
            deleteOnTermination: "true",
          },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          subnetId: props.subnetId,
          securityGroups: [this.securityGroup.id],
          associatePublicIpAddress: String(props.publicIp ?? true),
          deleteOnTermination: "true",
        },
      ],
      userData: Fn.base64encode(this.userData(props.app, props.bootScripts ?? [])),
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: props.name } },
        { resourceType: "volume", tags: { Name: `${props.name}-root` } },
      ],
    });

    this.instance = new Instance(this, "instance", {
      launchTemplate: { id: this.launchTemplate.id, version: Fn.tostring(this.launchTemplate.latestVersion) },
      tags: { Name: props.name },
      // The provider replaces an instance for a new launch_template.version only after asking EC2
      // (CustomizeDiff, at plan time); this says it in the configuration, visible in every plan.
      // A bare reference: Terraform reads replace_triggered_by entries as references, not as "${...}" strings.
      lifecycle: { replaceTriggeredBy: [`${this.launchTemplate.terraformResourceType}.${this.launchTemplate.friendlyUniqueId}.latest_version`] },
    });
    new VolumeAttachment(this, "data-volume-attachment", {
      deviceName: DATA_DEVICE,
      instanceId: this.instance.id,
      volumeId: this.dataVolume.id,
      stopInstanceBeforeDetaching: true,
    });
  }

  /** Public DNS name of the instance ("" when it has no public IP). */
  get publicDns(): string {
    return this.instance.publicDns;
  }

  /** Private DNS name of the instance (inside the VPC). */
  get privateDns(): string {
    return this.instance.privateDns;
  }

  /** ARN of the instance (e.g. for a CloudFront VPC origin). */
  get instanceArn(): string {
    return this.instance.arn;
  }

  /**
   * The data volume script alone, or a cloud-init multipart of it, the extra boot scripts and (with
   * `app`) the app's script, run in file-name order. Tokens (volume id, bucket, hosts) are filled
   * in by Terraform.
   */
  private userData(app: WebServerApp | undefined, extra: readonly BootScript[]): string {
    const dataVolume = dataVolumeUserData(VOLUME_ID, DATA_DEVICE);
    if (!app && extra.length === 0) return withPlaceholders(dataVolume, { [VOLUME_ID]: this.dataVolume.id });
    const scripts: BootScript[] = [...extra, { filename: "10-data-volume.sh", script: dataVolume }];
    if (!app) return withPlaceholders(multipartUserData(scripts), { [VOLUME_ID]: this.dataVolume.id });
    if ("PORT" in app.environment) throw new Error(`${this.node.path}: PORT is set by the web server (appPort), not in app.environment`);
    const { plain, values } = placeholdersFor({
      artifactBucket: app.artifactBucket,
      artifactKey: app.artifactKey,
      artifactSha256: app.artifactSha256,
      region: app.region,
      ...app.environment,
    });
    const { artifactBucket, artifactKey, artifactSha256, region, ...environment } = plain;
    scripts.push({
      filename: "20-web-app.sh",
      script: webAppUserData({ region, artifactBucket, artifactKey, artifactSha256, environment: { ...environment, PORT: String(this.appPort) } }),
    });
    return withPlaceholders(multipartUserData(scripts), { ...values, [VOLUME_ID]: this.dataVolume.id });
  }
}
