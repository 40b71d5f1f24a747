#!/usr/bin/env bash
# Makes podman usable on a machine like CI's: installs podman and runc when missing, and
# configures them as this project found necessary on CI machines (crun fails on the hybrid cgroup layout;
# raising rlimits is refused). Leaves an existing containers.conf alone.
# Then arm64 emulation, so the linux/arm64 plugin image runs here: qemu-user-static, registered
# in binfmt_misc with the kernel holding the interpreter open (flag F), which is what lets it
# run inside a container's root. Skipped with a note where binfmt_misc cannot be mounted.
set -euo pipefail
missing=()
command -v podman >/dev/null || missing+=(podman)
command -v runc >/dev/null || missing+=(runc)
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
conf=/etc/containers/containers.conf
if [ ! -s "$conf" ]; then
  mkdir -p /etc/containers
  cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
CONF
fi
podman info --format '{{.Host.OCIRuntime.Name}}' >/dev/null
binfmt=/proc/sys/fs/binfmt_misc
[ -e "$binfmt/register" ] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  if [ -w "$binfmt/register" ] && [ -s /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    cat /usr/lib/binfmt.d/qemu-aarch64.conf > "$binfmt/register"
  else
    echo "setup-podman: cannot register qemu-aarch64 in binfmt_misc (needs root and a mountable $binfmt): linux/arm64 images will not run here" >&2
  fi
fi
