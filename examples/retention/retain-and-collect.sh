#!/usr/bin/env bash
# Retention for a registry's filesystem storage, then its garbage collection, each step only when
# the one before proved it safe:
#   1. registry-integrity retain --storage: keep what the rules keep and everything it reaches
#      (index children, attestations, signatures, SBOMs), delete the rest by digest;
#   2. registry-integrity gc-check: predict the collection, and stop if it would break a tag;
#   3. the registry's garbage-collect, WITHOUT --delete-untagged (the flag that deletes the
#      children of kept indexes on distribution 2.x: the incident this project exists for).
#
# usage: retain-and-collect.sh STORAGE_ROOT REGISTRY_CONFIG REGISTRY_VERSION KEEP-RULE... [REPOSITORY...]
#   e.g. retain-and-collect.sh /var/lib/docker-registry /etc/docker/registry/config.yml 2 --keep-newest 10
#   (Debian's docker-registry; upstream's registry keeps /var/lib/registry: set REGISTRY_BIN=registry)
# env:   REGISTRY_INTEGRITY (default: registry-integrity), REGISTRY_BIN (default: docker-registry;
#        upstream calls it registry), DRY_RUN=1 to plan and predict only.
# Run it with the registry read-only (storage.maintenance.readonly.enabled: true) or stopped, as
# its collector requires; restart the registry afterwards so it forgets what is gone.
set -euo pipefail

root=${1:?usage: retain-and-collect.sh STORAGE_ROOT REGISTRY_CONFIG REGISTRY_VERSION KEEP-RULE...}
config=${2:?registry config file}
version=${3:?registry version: 2 or 3}
shift 3
[ $# -gt 0 ] || { echo "give a keep rule, e.g. --keep-newest 10" >&2; exit 2; }
read -r -a ri <<< "${REGISTRY_INTEGRITY:-registry-integrity}"
registry_bin=${REGISTRY_BIN:-docker-registry}

apply=(--apply)
if [ "${DRY_RUN:-}" = 1 ]; then apply=(); fi

status=0
"${ri[@]}" retain --storage "$root" "${apply[@]}" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "retain exited $status: nothing more is done (1: a kept image is broken, heal it first; 2: fix the command; 3: see above)" >&2
  exit "$status"
fi

status=0
"${ri[@]}" gc-check --registry-version "$version" "$root" || status=$?
if [ "$status" -ne 0 ]; then
  if [ "$status" -eq 1 ]; then
    echo "gc-check exited 1: the collection would break a tag, so it does not run" >&2
  else
    echo "gc-check exited $status: it could not predict the collection, so it does not run" >&2
  fi
  exit "$status"
fi

if [ "${DRY_RUN:-}" = 1 ]; then
  echo "dry run: would run $registry_bin garbage-collect $config"
  exit 0
fi
"$registry_bin" garbage-collect "$config"
echo "done: restart the registry so it drops its in-memory caches"
