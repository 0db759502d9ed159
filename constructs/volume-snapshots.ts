import { DlmLifecyclePolicy } from "@cdktf/provider-aws/lib/dlm-lifecycle-policy";
import { Construct } from "constructs";
import { ServiceRole } from "./service-role";

export interface VolumeSnapshotsProps {
  readonly name: string;
  /** Volumes carrying this tag are snapshotted. */
  readonly targetTag: { readonly key: string; readonly value: string };
  /** UTC start time "HH:MM". */
  readonly time: string;
  /** Daily snapshots kept. */
  readonly retainCount: number;
}

const DLM_SERVICE_ROLE = "arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole";

/** Daily EBS snapshots of tagged volumes with Data Lifecycle Manager (tags copied, N kept). */
export class VolumeSnapshots extends Construct {
  readonly policy: DlmLifecyclePolicy;

  constructor(scope: Construct, id: string, props: VolumeSnapshotsProps) {
    super(scope, id);
    const role = new ServiceRole(this, "role", {
      name: `${props.name}-dlm`,
      description: `Data Lifecycle Manager: snapshots for ${props.name}`,
      servicePrincipal: "dlm.amazonaws.com",
      managedPolicyArns: [DLM_SERVICE_ROLE],
    });
    this.policy = new DlmLifecyclePolicy(this, "policy", {
      description: `Daily snapshots of ${props.targetTag.value}`,
      executionRoleArn: role.arn,
      state: "ENABLED",
      policyDetails: {
        policyType: "EBS_SNAPSHOT_MANAGEMENT",
        resourceTypes: ["VOLUME"],
        targetTags: { [props.targetTag.key]: props.targetTag.value },
        schedule: [
          {
            name: "daily",
            copyTags: true,
            createRule: { interval: 24, intervalUnit: "HOURS", times: [props.time] },
            retainRule: { count: props.retainCount },
          },
        ],
      },
      tags: { Name: `${props.name}-snapshots` },
    });
  }
}
