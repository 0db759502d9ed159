/**
 * Boot script (cloud-init runs a "#!" user-data script once per instance) that mounts the separate
 * EBS data volume at /data:
 * - waits for the volume to be attached (the attachment is created after the instance starts),
 * - formats it with XFS only when it holds no filesystem yet (a replacement instance keeps the data),
 * - mounts it by UUID with `nofail` (a missing volume never blocks boot),
 * - creates /data/tmp (sticky, world-writable like /tmp) and /data/config (root only).
 *
 * The script avoids "${" and "%{" so that no part of it reads as Terraform template syntax.
 */
export function dataVolumeUserData(volumeId: string, deviceName: string): string {
  const xenDevice = deviceName.replace("/dev/sd", "/dev/xvd");
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `VOLUME_ID="${volumeId}"`,
    `NVME_DEVICE="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$(echo "$VOLUME_ID" | tr -d -)"`,
    "DEVICE=''",
    "for attempt in $(seq 1 120); do",
    `  for candidate in "$NVME_DEVICE" ${deviceName} ${xenDevice}; do`,
    '    if [ -b "$candidate" ]; then DEVICE="$(readlink -f "$candidate")"; break 2; fi',
    "  done",
    "  sleep 5",
    "done",
    'if [ -z "$DEVICE" ]; then echo "data volume $VOLUME_ID not attached after 10 minutes" >&2; exit 1; fi',
    // blkid -p exits 2 only when it positively finds no signature: format then, never on an error.
    'probe=0; blkid -p "$DEVICE" >/dev/null 2>&1 || probe=$?',
    'if [ "$probe" -eq 2 ]; then mkfs.xfs -L data "$DEVICE";',
    'elif [ "$probe" -ne 0 ]; then echo "cannot probe $DEVICE (blkid exit $probe)" >&2; exit 1; fi',
    'UUID="$(blkid -p -s UUID -o value "$DEVICE")"',
    'if [ -z "$UUID" ]; then echo "$DEVICE has no filesystem UUID; refusing to mount" >&2; exit 1; fi',
    "mkdir -p /data",
    'if ! grep -q "UUID=$UUID " /etc/fstab; then',
    '  echo "UUID=$UUID /data xfs defaults,nofail,x-systemd.device-timeout=30s 0 2" >> /etc/fstab',
    "fi",
    "mountpoint -q /data || mount /data",
    "mkdir -p /data/tmp /data/config",
    "chmod 1777 /data/tmp",
    "chmod 0750 /data/config",
    "",
  ].join("\n");
}
