#!/usr/bin/env bash
# Safe retention for a registry:2 (distribution) filesystem store: keep the newest KEEP tags of a
# repository and everything they need, delete the rest, reclaim the space.
#
# The unsafe way is the incident this project exists for: delete old tag directories, then
# `garbage-collect --delete-untagged`, which also deletes the child manifests of the tags you
# kept (they are never tagged themselves). Here the keep-set comes from `registry-integrity refs`,
# only manifests outside it lose their links, and the collector runs WITHOUT --delete-untagged.
#
# usage: keep-newest.sh STORAGE_ROOT REGISTRY_CONFIG REPOSITORY KEEP
# env:   REGISTRY_INTEGRITY (default: registry-integrity), REGISTRY_BIN (default: docker-registry,
#        upstream calls it registry), DRY_RUN=1 to print the deletions only.
# Run it with the registry read-only or stopped, as distribution's garbage collector requires.
set -euo pipefail

root=${1:?usage: keep-newest.sh STORAGE_ROOT REGISTRY_CONFIG REPOSITORY KEEP}
config=${2:?registry config file}
repo=${3:?repository}
keep=${4:?how many tags to keep}
ri=${REGISTRY_INTEGRITY:-registry-integrity}
registry_bin=${REGISTRY_BIN:-docker-registry}
v2="$root/docker/registry/v2"
[ -d "$v2" ] || v2="$root"
repo_dir="$v2/repositories/$repo"
[ -d "$repo_dir/_manifests/tags" ] || { echo "no tags in $repo_dir" >&2; exit 2; }

run() { if [ "${DRY_RUN:-}" = 1 ]; then echo "would: $*"; else "$@"; fi; }

# Newest first by when the tag was last pushed (the tag link's modification time).
mapfile -t tags < <(cd "$repo_dir/_manifests/tags" && ls -1t)
kept=("${tags[@]:0:$keep}")
dropped=("${tags[@]:$keep}")
if [ ${#kept[@]} -eq 0 ]; then echo "refusing to keep no tag at all" >&2; exit 2; fi
echo "keep: ${kept[*]}"
echo "drop: ${dropped[*]:-(none)}"

keepset=$(mktemp)
trap 'rm -f "$keepset"' EXIT
# Everything the kept tags reach, referrers (signatures, SBOMs) included; stop on any doubt.
$ri refs --storage "$root" --repo "$repo" --tags "$(IFS=,; echo "${kept[*]}")" --referrers > "$keepset" || {
  echo "refs failed (exit $?): a kept tag is already broken or unreadable; fix that first (registry-integrity fsck)" >&2
  exit 1
}

for tag in "${dropped[@]}"; do
  run rm -rf "$repo_dir/_manifests/tags/$tag"
done
for dir in "$repo_dir"/_manifests/revisions/sha256/* "$repo_dir"/_layers/sha256/*; do
  [ -d "$dir" ] || continue
  digest="sha256:$(basename "$dir")"
  grep -qxF "$digest" "$keepset" || run rm -rf "$dir"
done

# No --delete-untagged: every manifest left is one a kept tag needs.
run "$registry_bin" garbage-collect "$config"
echo "done: restart the registry so it drops its in-memory cache"
