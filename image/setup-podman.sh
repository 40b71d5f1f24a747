#!/usr/bin/env bash
# Makes podman usable on a machine like CI's: installs podman and runc when missing, and
# configures them as MACHINE-NOTES found necessary (crun fails on the hybrid cgroup layout;
# raising rlimits is refused). Leaves an existing containers.conf alone.
set -euo pipefail
if ! command -v podman >/dev/null || ! command -v runc >/dev/null; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null
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
