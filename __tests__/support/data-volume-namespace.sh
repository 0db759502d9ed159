#!/usr/bin/env bash
# Test harness for the data-volume boot script (constructs/data-volume-user-data.ts). Run by
# __tests__/support/loop-devices.ts as `unshare -m --propagation private bash <this file>`: every
# mount made here is private to this process and vanishes with it, the host never sees it.
#
# Environment:
#   BOOT_SCRIPT  the generated boot script       BOOT_RUNS  how many times to run it (in a row)
#   RESULT_DIR   where the results are written   HOOK       bash run in the mount point while mounted
#   DATAVOL_*    the boot script's own settings (scratch fstab, mount point, devices, console, ...)
#
# Results in RESULT_DIR: exits (one exit code per run), log (the script's stdout and stderr),
# mount (findmnt SOURCE FSTYPE OPTIONS when the mount point is mounted afterwards), modes (of
# tmp/ and config/), hook and hook-exit (the hook's output and exit code).
set -uo pipefail

for _ in $(seq 1 "$BOOT_RUNS"); do
  bash "$BOOT_SCRIPT" >>"$RESULT_DIR/log" 2>&1
  echo $? >>"$RESULT_DIR/exits"
done

mount_point="$DATAVOL_MOUNT_POINT"
if mountpoint -q "$mount_point"; then
  findmnt -n -o SOURCE,FSTYPE,OPTIONS --mountpoint "$mount_point" >"$RESULT_DIR/mount"
  stat -c '%n %a %U' "$mount_point/tmp" "$mount_point/config" >"$RESULT_DIR/modes" 2>&1
  if [ -n "${HOOK:-}" ]; then
    (cd "$mount_point" && bash -c "$HOOK") >"$RESULT_DIR/hook" 2>&1
    echo $? >"$RESULT_DIR/hook-exit"
  fi
  umount "$mount_point" || { echo "cannot unmount $mount_point" >&2; exit 1; }
fi
