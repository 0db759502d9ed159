/**
 * Boot script (cloud-init runs a "#!" user-data script once per instance) that mounts the separate
 * EBS data volume at /data, and never destroys what might hold data:
 * - waits a bounded time for the volume to be attached (the attachment is created after the
 *   instance starts);
 * - formats it with XFS only when it is provably blank: `blkid -p` finds no signature (exit 2),
 *   `wipefs` lists none, the device is not in use, and its first and last MiB are all zeros. A
 *   volume restored from a snapshot or reattached to a replacement instance is therefore mounted,
 *   never reformatted;
 * - refuses anything else (a damaged or foreign filesystem, a partition table, data without a
 *   signature, a probe error): it neither mounts nor formats, logs the reason loudly to stderr (the
 *   cloud-init log), the console and the journal, and exits non-zero. /data then stays an empty
 *   directory on the root disk without an fstab line; webapp.service must not start on it (see the
 *   README, "What the constructs guarantee");
 * - mounts it by UUID with nodev,nosuid,noexec, and an fstab line with nofail and a device timeout
 *   (a missing volume never blocks boot); creates /data/tmp (sticky, world-writable like /tmp) and
 *   /data/config (root only).
 *
 * Exit codes: 0 mounted, 2 no device after the bounded wait, 3 refused (nothing written to the
 * device), 4 mkfs.xfs or mount failed, 1 unexpected error.
 *
 * The production values are built in. Tests override them with environment variables (cloud-init
 * sets none of them): DATAVOL_DEVICES (device candidates, space-separated), DATAVOL_MOUNT_POINT,
 * DATAVOL_FSTAB, DATAVOL_CONSOLE, DATAVOL_WAIT_ATTEMPTS, DATAVOL_WAIT_SECONDS, DATAVOL_LOG_TAG.
 *
 * The script contains no "${" and no "%{", so that no part of it reads as Terraform template
 * syntax (it is embedded in the launch template's user data with the volume id).
 */
export function dataVolumeUserData(volumeId: string, deviceName: string): string {
  const xenDevice = deviceName.replace("/dev/sd", "/dev/xvd");
  return [
    "#!/bin/bash",
    "# Mounts the EBS data volume at /data; formats it only when provably blank (constructs/data-volume-user-data.ts).",
    "set -Eeuo pipefail",
    `VOLUME_ID="${volumeId}"`,
    `DEFAULT_DEVICES="/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_$(echo "$VOLUME_ID" | tr -d -) ${deviceName} ${xenDevice}"`,
    SCRIPT_BODY,
  ].join("\n");
}

/** Everything after the volume id and device names: plain bash, no "${" or "%{". */
const SCRIPT_BODY = String.raw`setting() { printenv "$1" || echo "$2"; }
DEVICES="$(setting DATAVOL_DEVICES "$DEFAULT_DEVICES")"
MOUNT_POINT="$(setting DATAVOL_MOUNT_POINT /data)"
FSTAB="$(setting DATAVOL_FSTAB /etc/fstab)"
CONSOLE="$(setting DATAVOL_CONSOLE /dev/console)"
WAIT_ATTEMPTS="$(setting DATAVOL_WAIT_ATTEMPTS 120)"
WAIT_SECONDS="$(setting DATAVOL_WAIT_SECONDS 5)"
TAG="$(setting DATAVOL_LOG_TAG data-volume)"
MIB=1048576
OPTIONS="nodev,nosuid,noexec,nofail,x-systemd.device-timeout=30s"

log() { echo "$TAG: $*"; }
# Loud: stderr (cloud-init log), the console and the journal, whichever exist.
alarm() {
  message="$TAG: ERROR: $*"
  echo "$message" >&2
  if [ -e "$CONSOLE" ]; then { echo "$message" >>"$CONSOLE"; } 2>/dev/null || true; fi
  if command -v systemd-cat >/dev/null 2>&1 && [ -S /run/systemd/journal/stdout ]; then
    echo "$message" | systemd-cat -t "$TAG" -p crit 2>/dev/null || true
  elif command -v logger >/dev/null 2>&1; then
    logger -t "$TAG" -p daemon.crit -- "$message" 2>/dev/null || true
  fi
}
fail() { code="$1"; shift; alarm "$*"; exit "$code"; }
trap 'alarm "unexpected failure (exit $?) at line $LINENO of the data-volume script"' ERR
refuse() {
  fail 3 "$* -- not formatting and not mounting $DEVICE at $MOUNT_POINT; the app must not run until an operator fixes it (inspect: blkid -p $DEVICE; wipefs -n $DEVICE; xfs_repair -n $DEVICE)"
}

case "$MOUNT_POINT" in /?*) ;; *) fail 1 "mount point '$MOUNT_POINT' is not an absolute path" ;; esac
case "$WAIT_ATTEMPTS" in '' | *[!0-9]* | 0) fail 1 "wait attempts '$WAIT_ATTEMPTS' is not a positive integer" ;; esac

# 1. Wait (bounded) for the volume to appear under one of its names.
DEVICE=""
attempt=1
while :; do
  for candidate in $DEVICES; do
    if [ -b "$candidate" ]; then DEVICE="$(readlink -f "$candidate")"; break 2; fi
  done
  if [ "$attempt" -ge "$WAIT_ATTEMPTS" ]; then
    fail 2 "data volume $VOLUME_ID is not attached: none of $DEVICES appeared after $attempt checks $WAIT_SECONDS s apart; $MOUNT_POINT is not mounted"
  fi
  attempt=$((attempt + 1))
  sleep "$WAIT_SECONDS"
done
log "data volume $VOLUME_ID is $DEVICE"

# 2. Never touch a device that is in use (mounted, or swap), except our own mount on a second run.
mount_points="$(lsblk -nrp -o MOUNTPOINT "$DEVICE")" || refuse "lsblk cannot tell whether $DEVICE is in use"
in_use="$(grep -v -x -F -e "$MOUNT_POINT" -e "" <<<"$mount_points" || true)"
if [ -n "$in_use" ]; then refuse "$DEVICE (or a partition of it) is in use: $in_use"; fi

# 3. Probe. blkid -p exits 0 when it finds a signature, 2 when it finds none, anything else on error.
probe_status=0
probe="$(blkid -p -o export "$DEVICE" 2>&1)" || probe_status=$?
field() { awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); exit }' <<<"$probe"; }
if [ "$probe_status" -eq 2 ]; then
  # No signature. Still not blank unless wipefs agrees and the first and last MiB hold only zeros:
  # a filesystem whose superblock is damaged has no signature but still holds data.
  signatures="$(wipefs --no-act --noheadings --output TYPE,OFFSET "$DEVICE" 2>&1)" || refuse "wipefs cannot read $DEVICE: $signatures"
  if [ -n "$signatures" ]; then refuse "$DEVICE holds signatures that blkid did not report: $signatures"; fi
  size="$(blockdev --getsize64 "$DEVICE")" || refuse "cannot read the size of $DEVICE"
  if [ "$size" -lt $((2 * MIB)) ]; then refuse "$DEVICE is only $size bytes"; fi
  zero_mib() { dd if="$DEVICE" bs=$MIB skip="$1" count=1 iflag=skip_bytes,fullblock status=none | cmp -s -n $MIB - /dev/zero; }
  if ! zero_mib 0; then refuse "$DEVICE has no filesystem signature but its first MiB is not all zeros (a damaged filesystem?)"; fi
  if ! zero_mib $((size - MIB)); then refuse "$DEVICE has no filesystem signature but its last MiB is not all zeros (a damaged filesystem?)"; fi
  log "$DEVICE is blank (no signature; first and last MiB all zeros): formatting it with XFS"
  # Without -f, mkfs.xfs itself also refuses a device that holds a signature.
  mkfs.xfs -L data "$DEVICE" || fail 4 "mkfs.xfs failed on $DEVICE; $MOUNT_POINT is not mounted"
  probe_status=0
  probe="$(blkid -p -o export "$DEVICE" 2>&1)" || probe_status=$?
elif [ "$probe_status" -ne 0 ]; then
  refuse "blkid -p cannot tell what $DEVICE holds (exit $probe_status: $probe)"
fi
if [ "$probe_status" -ne 0 ]; then refuse "blkid -p found nothing on $DEVICE after formatting (exit $probe_status)"; fi
found="$(field TYPE)"
if [ -z "$found" ]; then found="a $(field PTTYPE) partition table"; fi
if [ "$found" != xfs ]; then refuse "$DEVICE holds $found, not the XFS filesystem this script creates"; fi
UUID="$(field UUID)"
if [ -z "$UUID" ]; then refuse "the XFS filesystem on $DEVICE has no UUID"; fi

# 4. One fstab line, by UUID. Another source claiming the mount point is a conflict, not ours to fix.
ENTRY="UUID=$UUID $MOUNT_POINT xfs $OPTIONS 0 2"
fstab_lines() { if [ -e "$FSTAB" ]; then cat "$FSTAB"; fi; }
claim="$(fstab_lines | awk -v mp="$MOUNT_POINT" -v src="UUID=$UUID" '$1 !~ /^#/ && $2 == mp && $1 != src')"
if [ -n "$claim" ]; then refuse "$FSTAB already mounts $MOUNT_POINT from another source: $claim"; fi

# 5. The mount point: empty, or a second run's mount of this very device.
mkdir -p "$MOUNT_POINT"
mounted=no
if mountpoint -q "$MOUNT_POINT"; then
  mounted_from="$(findmnt -n -o SOURCE --mountpoint "$MOUNT_POINT")"
  if [ "$(readlink -f "$mounted_from")" != "$DEVICE" ]; then refuse "$MOUNT_POINT is already mounted from $mounted_from"; fi
  mounted=yes
fi
ours="$(fstab_lines | awk -v src="UUID=$UUID" '$1 == src')"
if [ -z "$ours" ]; then
  echo "$ENTRY" >>"$FSTAB"
elif [ "$ours" != "$ENTRY" ]; then
  log "replacing the fstab entry of UUID $UUID ($ours)"
  rewritten="$(mktemp "$FSTAB.XXXXXX")"
  awk -v src="UUID=$UUID" '$1 != src' "$FSTAB" >"$rewritten"
  echo "$ENTRY" >>"$rewritten"
  chmod --reference="$FSTAB" "$rewritten"
  mv -f "$rewritten" "$FSTAB"
fi
if [ "$FSTAB" = /etc/fstab ] && [ -d /run/systemd/system ]; then
  # Regenerate the .mount unit from fstab, so that RequiresMountsFor=/data depends on it.
  systemctl daemon-reload || log "warning: systemctl daemon-reload failed"
fi

# 6. Mount (a second run only enforces the options) and create the directories.
if [ "$mounted" = yes ]; then
  mount -o remount,nodev,nosuid,noexec "$MOUNT_POINT" || fail 4 "cannot remount $MOUNT_POINT with nodev,nosuid,noexec"
else
  mount --fstab "$FSTAB" "$MOUNT_POINT" || fail 4 "mounting $DEVICE (UUID $UUID) at $MOUNT_POINT failed; it stays unmounted"
fi
mounted_with="$(findmnt -n -o OPTIONS --mountpoint "$MOUNT_POINT")"
for option in nodev nosuid noexec; do
  case ",$mounted_with," in *",$option,"*) ;; *) umount "$MOUNT_POINT"; fail 4 "$MOUNT_POINT was mounted without $option ($mounted_with); unmounted it" ;; esac
done
mkdir -p "$MOUNT_POINT/tmp" "$MOUNT_POINT/config"
chmod 1777 "$MOUNT_POINT/tmp"
chmod 0750 "$MOUNT_POINT/config"
log "$DEVICE (XFS, UUID $UUID) is mounted at $MOUNT_POINT with $mounted_with"
`;
